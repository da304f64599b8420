// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The user-space environment of the core: allocation with an outstanding
 * count, log accounting, and the shared page with its tripwire.
 */
#include <stdarg.h>
#include "sim.h"

long sim_allocs_out;
unsigned long sim_log_lines;
unsigned long sim_log_unlimited;
bool sim_log_verbose;
char sim_log_last[256];
char sim_log_prev[256];

void *pcibk_zalloc(size_t sz)
{
	void *p = calloc(1, sz);

	if (p)
		sim_allocs_out++;
	return p;
}

void pcibk_free(void *p)
{
	if (p)
		sim_allocs_out--;
	free(p);
}

void pcibk_log_emit(int level, bool ratelimited, const char *fmt, ...)
{
	va_list ap;

	memcpy(sim_log_prev, sim_log_last, sizeof(sim_log_prev));
	va_start(ap, fmt);
	vsnprintf(sim_log_last, sizeof(sim_log_last), fmt, ap);
	va_end(ap);
	sim_log_lines++;
	if (!ratelimited && level != PCIBK_LOG_DBG)
		sim_log_unlimited++;
	if (sim_log_verbose)
		fprintf(stderr, "[log%s] %s", ratelimited ? "/rl" : "", sim_log_last);
}

/* ------------------------------------------------------------ the page */

const struct pcibk_sh_hooks *pcibk_sh_hooks;
static struct sim_page *armed_page;

static bool request_byte(unsigned int off)
{
	/* op.cmd .. op.msix_entries: everything of the request but flags. */
	return off >= PCIBK_SH_OP && off < PCIBK_SH_AER;
}

static bool writable_byte(unsigned int off)
{
	if (off >= PCIBK_SH_ERR && off < PCIBK_SH_ERR + 4)
		return true;
	if (off >= PCIBK_SH_VALUE && off < PCIBK_SH_VALUE + 4)
		return true;
	/* vectors: the first two bytes of each msix entry */
	return off >= PCIBK_SH_MSIX && off < PCIBK_SH_AER &&
	       ((off - PCIBK_SH_MSIX) % 4) < 2;
}

static unsigned int rnd(struct sim_page *p)
{
	p->seed = p->seed * 1103515245u + 12345u;
	return p->seed >> 8;
}

static void on_read(const void *sh, unsigned int off, unsigned int len)
{
	struct sim_page *p = armed_page;
	unsigned int i;

	if (!p || sh != p->page)
		return;
	if (p->hostile) {
		/*
		 * A hostile guest rewrites every byte the backend has already
		 * read: a second read of any of them would see new data.
		 */
		for (i = PCIBK_SH_OP; i < PCIBK_SH_AER; i++)
			if (p->reads[i])
				p->page[i] = (u8)rnd(p);
	}
	for (i = off; i < off + len && i < 4096; i++) {
		if (request_byte(i) && p->reads[i])
			p->double_reads++;
		if (p->reads[i] < 255)
			p->reads[i]++;
	}
}

static void on_write(void *sh, unsigned int off, unsigned int len)
{
	struct sim_page *p = armed_page;
	unsigned int i;

	if (!p || sh != p->page)
		return;
	for (i = off; i < off + len && i < 4096; i++) {
		if (!writable_byte(i))
			p->bad_writes++;
		if (p->writes[i] < 255)
			p->writes[i]++;
	}
}

static const struct pcibk_sh_hooks tripwire = {
	.on_read = on_read,
	.on_write = on_write,
};

struct sim_page *sim_page_new(void)
{
	struct sim_page *p = calloc(1, sizeof(*p));

	if (!p || posix_memalign((void **)&p->page, 4096, 4096))
		abort();
	memset(p->page, 0, 4096);
	p->seed = 1;
	return p;
}

void sim_page_free(struct sim_page *p)
{
	if (!p)
		return;
	if (armed_page == p)
		sim_page_disarm(p);
	free(p->page);
	free(p);
}

void sim_page_arm(struct sim_page *p, bool hostile)
{
	memset(p->reads, 0, sizeof(p->reads));
	memset(p->writes, 0, sizeof(p->writes));
	p->hostile = hostile;
	armed_page = p;
	pcibk_sh_hooks = &tripwire;
}

void sim_page_arm_keep(struct sim_page *p, bool hostile)
{
	p->hostile = hostile;
	armed_page = p;
	pcibk_sh_hooks = &tripwire;
}

void sim_page_disarm(struct sim_page *p)
{
	(void)p;
	armed_page = NULL;
	pcibk_sh_hooks = NULL;
}

static void put(struct sim_page *p, unsigned int off, u32 v)
{
	memcpy(p->page + off, &v, 4);
}

void sim_page_req(struct sim_page *p, u32 cmd, u32 domain, u32 bus, u32 devfn,
		  s32 offset, s32 size, u32 value, u32 info)
{
	put(p, PCIBK_SH_CMD, cmd);
	put(p, PCIBK_SH_ERR, 0);
	put(p, PCIBK_SH_DOMAIN, domain);
	put(p, PCIBK_SH_BUS, bus);
	put(p, PCIBK_SH_DEVFN, devfn);
	put(p, PCIBK_SH_OFFSET, (u32)offset);
	put(p, PCIBK_SH_SIZE, (u32)size);
	put(p, PCIBK_SH_VALUE, value);
	put(p, PCIBK_SH_INFO, info);
}

s32 sim_page_err(const struct sim_page *p)
{
	s32 v;

	memcpy(&v, p->page + PCIBK_SH_ERR, 4);
	return v;
}

u32 sim_page_value(const struct sim_page *p)
{
	u32 v;

	memcpy(&v, p->page + PCIBK_SH_VALUE, 4);
	return v;
}

u16 sim_page_vector(const struct sim_page *p, unsigned int i)
{
	u16 v;

	memcpy(&v, p->page + PCIBK_SH_VECTOR(i), 2);
	return v;
}

u16 sim_page_entry(const struct sim_page *p, unsigned int i)
{
	u16 v;

	memcpy(&v, p->page + PCIBK_SH_ENTRY(i), 2);
	return v;
}

void sim_page_set_entry(struct sim_page *p, unsigned int i, u16 entry, u16 vector)
{
	memcpy(p->page + PCIBK_SH_ENTRY(i), &entry, 2);
	memcpy(p->page + PCIBK_SH_VECTOR(i), &vector, 2);
}
