// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The sysfs-style show functions: quirks, denied records, the per-device
 * counters (pciback_stats), the irq_handlers line and the ring counters.
 * Each is like scnprintf: at most len - 1 characters and a terminator,
 * nothing written at or past len, a shorter buffer gives a prefix of the
 * full text, and the full text says what the state says.
 */
#include <inttypes.h>
#include <pcibk/cfg.h>
#include "harness.h"

#define SHOW_MAX	4096
#define CANARY		0xa5
#define CANARY_LEN	32

enum { SH_STATS, SH_INTX, SH_RING, SH_RING_NONE, SH_QUIRKS, SH_DENIED, SH_NR };

static const char *const show_names[SH_NR] = {
	"stats", "irq_handlers", "ring_stats", "ring_stats(NULL)", "quirks",
	"denied",
};

static int call(struct fz *f, struct fz_dev *fd, unsigned int k, char *buf,
		size_t len)
{
	switch (k) {
	case SH_STATS:
		return pcibk_dev_stats_show(fd->d, buf, len);
	case SH_INTX:
		return pcibk_dev_intx_show(fd->d, buf, len);
	case SH_RING:
		return pcibk_ring_stats_show(&f->ring->stats, buf, len);
	case SH_RING_NONE:
		return pcibk_ring_stats_show(NULL, buf, len);
	case SH_QUIRKS:
		return pcibk_cfg_quirks_show(fd->d, buf, len);
	default:
		return pcibk_cfg_denied_show(fd->d, buf, len);
	}
}

/*
 * One call with a buffer of len bytes, canaries behind it, checked
 * against the full text (full, nfull).
 */
static void show_len(struct fz *f, struct fz_dev *fd, unsigned int k,
		     size_t len, const char *full, int nfull)
{
	static char buf[SHOW_MAX + CANARY_LEN];
	size_t i, want;
	int n;

	memset(buf, CANARY, sizeof(buf));
	n = call(f, fd, k, buf, len);
	for (i = len; i < len + CANARY_LEN; i++)
		FZ_ASSERT((u8)buf[i] == CANARY, "%s: byte %zu written, buffer %zu",
			  show_names[k], i, len);
	if (!len) {
		FZ_ASSERT(n == 0, "%s: returned %d for no buffer", show_names[k], n);
		return;
	}
	want = (size_t)nfull < len - 1 ? (size_t)nfull : len - 1;
	FZ_ASSERT(n >= 0 && (size_t)n == want && buf[n] == 0 &&
		  strlen(buf) == (size_t)n && !memcmp(buf, full, want),
		  "%s: returned %d for %zu (full text %d)", show_names[k], n,
		  len, nfull);
}

/* The value of "key N" in a show text; -1 if the key is missing. */
static long long value_of(const char *text, const char *key)
{
	size_t kl = strlen(key);
	const char *p = text;

	while (*p) {
		if (!strncmp(p, key, kl) && p[kl] == ' ')
			return strtoll(p + kl + 1, NULL, 10);
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
	return -1;
}

/* Every line "key value", keys of [a-z_], values of [a-z0-9]. */
static void check_lines(const char *name, const char *t)
{
	const char *p = t;

	while (*p) {
		const char *q = p;

		while ((*q >= 'a' && *q <= 'z') || *q == '_')
			q++;
		FZ_ASSERT(q > p && *q == ' ', "%s: bad key at %td", name, p - t);
		p = ++q;
		while ((*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9'))
			q++;
		FZ_ASSERT(q > p && *q == '\n', "%s: bad value at %td", name, p - t);
		p = q + 1;
	}
}

static void check_stats_text(struct fz *f, struct fz_dev *fd, const char *t)
{
	const struct pcibk_dev *d = fd->d;
	u64 req = 0, err = 0, sreq = 0, serr = 0;
	const char *p;
	unsigned int i;

	check_lines("stats", t);
	for (i = 0; i < PCIBK_STAT_CMDS; i++)
		req += d->stats.req[i];
	for (i = 0; i < PCIBK_STAT_ERRS; i++)
		err += d->stats.err[i];
	for (p = t; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p) {
		const char *v = strchr(p, ' ');

		if (!strncmp(p, "req_", 4))
			sreq += strtoull(v + 1, NULL, 10);
		else if (!strncmp(p, "err_", 4))
			serr += strtoull(v + 1, NULL, 10);
	}
	FZ_ASSERT(sreq == req && serr == err, "stats: req %" PRIu64 "/%" PRIu64
		  " err %" PRIu64 "/%" PRIu64, sreq, req, serr, err);
	FZ_ASSERT(value_of(t, "req_conf_read") == (long long)d->stats.req[0] &&
		  value_of(t, "err_ok") == (long long)d->stats.err[0],
		  "stats: conf_read or ok count wrong");
	FZ_ASSERT(value_of(t, "intx_helper") == d->isr_on &&
		  value_of(t, "intx_ack") == d->ack &&
		  value_of(t, "intx_handled") == (long long)d->intx_handled,
		  "stats: INTx helper state wrong");
	FZ_ASSERT(value_of(t, "assigned") == (d->guest != NULL) &&
		  value_of(t, "domid") == (d->guest ? f->g->domid : 0) &&
		  value_of(t, "allow_interrupt_control") == d->allow_intctl &&
		  value_of(t, "vectors") == (d->msix_enabled ? (long long)d->msix_nr :
					    d->msi_enabled),
		  "stats: assignment or vectors wrong");
	p = strstr(t, "\nmode ");
	FZ_ASSERT(p && !strncmp(p + 6, pcibk_dev_mode(d), strlen(pcibk_dev_mode(d))),
		  "stats: mode line");
}

static void check_ring_text(const struct pcibk_ring_stats *s, const char *t)
{
	static const struct pcibk_ring_stats zero;

	if (!s)
		s = &zero;
	check_lines("ring_stats", t);
	FZ_ASSERT(value_of(t, "ring_events") == (long long)s->events &&
		  value_of(t, "ring_spurious") == (long long)s->spurious &&
		  value_of(t, "ring_ops") == (long long)s->ops &&
		  value_of(t, "ring_eoi") == (long long)(s->eoi + s->spurious) &&
		  value_of(t, "ring_double_events") == (long long)s->double_events &&
		  value_of(t, "ring_requeues") == (long long)s->requeues &&
		  value_of(t, "ring_fast") == (long long)s->fast,
		  "ring_stats: a counter shown wrong");
}

static void check_intx_text(const struct fz_dev *fd, const char *t)
{
	const struct pcibk_dev *d = fd->d;
	char want[96];

	snprintf(want, sizeof(want), "%s:%s:%s:%lu\n", d->name,
		 d->isr_on ? "on" : "off", d->ack ? "acking" : "not acking",
		 d->intx_handled);
	FZ_ASSERT(!strcmp(t, want), "irq_handlers: \"%s\", not \"%s\"", t, want);
}

/* A buffer length from one input byte: small, near the text's end, a page. */
static size_t pick_len(struct fz *f, u8 how, int nfull)
{
	size_t len;

	switch (how % 4) {
	case 0:
		return how >> 2;
	case 1:
		len = (size_t)nfull + 2 - (how >> 2) % 4;
		return len < SHOW_MAX ? len : SHOW_MAX;
	case 2:
		return SHOW_MAX;
	default:
		return fz_u16(&f->in) % (SHOW_MAX + 1);
	}
}

static void show_one(struct fz *f, struct fz_dev *fd, unsigned int k, u8 how)
{
	static char full[SHOW_MAX];
	int nfull;

	nfull = call(f, fd, k, full, sizeof(full));
	FZ_ASSERT(nfull >= 0 && (size_t)nfull < sizeof(full) &&
		  strlen(full) == (size_t)nfull, "%s: full text %d",
		  show_names[k], nfull);
	if (k == SH_STATS)
		check_stats_text(f, fd, full);
	else if (k == SH_INTX)
		check_intx_text(fd, full);
	else if (k == SH_RING)
		check_ring_text(&f->ring->stats, full);
	else if (k == SH_RING_NONE)
		check_ring_text(NULL, full);
	show_len(f, fd, k, pick_len(f, how, nfull), full, nfull);
}

/*
 * Step 22: device, which (bits 0-2: one show function; 6-7: all, each
 * with its own length byte), length byte(s) as pick_len() reads them.
 */
void fz_counters(struct fz *f)
{
	struct fz_dev *fd = fz_pick(f);
	u8 which = fz_u8(&f->in);
	unsigned int k;

	if (!fd->d)
		return;
	if ((which & 0xc0) == 0xc0) {
		for (k = 0; k < SH_NR; k++)
			show_one(f, fd, k, fz_u8(&f->in));
		return;
	}
	show_one(f, fd, (which & 7) % SH_NR, fz_u8(&f->in));
}

/* Admin kind 6 (the first encoding): lengths 1 + 16n, roots, vaddr. */
void fz_show(struct fz *f, struct fz_dev *fd)
{
	static char buf[SHOW_MAX];
	struct pcibk_root roots[PCIBK_MAX_ROOTS];
	struct pcibk_cfg_denied den[PCIBK_CFG_DENIED_SLOTS];
	size_t len = 1 + fz_u8(&f->in) * 16u;
	unsigned int k;
	int n;

	if (len > sizeof(buf))
		len = sizeof(buf);
	pcibk_topo_roots(&f->g->topo, roots, 1 + fz_u8(&f->in) % PCIBK_MAX_ROOTS);
	if (!fd->d)
		return;
	for (k = 0; k < SH_NR; k++) {
		n = call(f, fd, k, buf, len);
		FZ_ASSERT(n >= 0 && (size_t)n < len && strlen(buf) == (size_t)n,
			  "%s returned %d for %zu", show_names[k], n, len);
	}
	pcibk_dev_mode(fd->d);
	pcibk_cfg_denied(fd->d, den, ARRAY_SIZE(den));
	if (fd->d->guest)
		pcibk_vaddr_format(&fd->d->vaddr, buf, 1 + fz_u8(&f->in) % 32);
}
