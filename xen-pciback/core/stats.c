// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Per-device counters as text: the module's "pciback_stats" sysfs file
 * and what pcibackctl reads. One "key value" pair per line, so that new
 * keys can be added without breaking readers.
 */
#include <pcibk/core.h>
#include <pcibk/cfg.h>

static const char *const cmd_names[PCIBK_STAT_CMDS] = {
	"conf_read", "conf_write", "enable_msi", "disable_msi",
	"enable_msix", "disable_msix", "aer_detected", "aer_resume",
	"aer_mmio", "aer_slotreset", "enable_multi_msi", "unknown",
};

static const char *const err_names[PCIBK_STAT_ERRS] = {
	"ok", "dev_not_found", "invalid_offset", "access_denied",
	"not_implemented", "op_failed", "other",
};

/* Like scnprintf: never more than len - 1 characters, always terminated. */
static int put(char *buf, size_t len, int at, const char *key, const char *sub,
	       unsigned long long v)
{
	int n;

	if ((size_t)at + 1 >= len)
		return at;
	n = pcibk_snprintf(buf + at, len - (size_t)at, "%s%s%s %llu\n", key,
			   sub ? "_" : "", sub ? sub : "", v);
	if (n < 0)
		return at;
	if ((size_t)(at + n) >= len)
		return (int)len - 1;
	return at + n;
}

const char *pcibk_dev_mode(const struct pcibk_dev *d)
{
	if (d->msix_enabled)
		return "msix";
	if (d->msi_enabled)
		return "msi";
	return d->intx_wanted ? "intx" : "none";
}

int pcibk_dev_stats_show(const struct pcibk_dev *d, char *buf, size_t len)
{
	int at = 0, i, n;
	bool assigned;

	if (!len)
		return 0;
	buf[0] = 0;
	for (i = 0; i < PCIBK_STAT_CMDS; i++)
		at = put(buf, len, at, "req", cmd_names[i], d->stats.req[i]);
	for (i = 0; i < PCIBK_STAT_ERRS; i++)
		at = put(buf, len, at, "err", err_names[i], d->stats.err[i]);
	if ((size_t)at + 1 < len) {
		n = pcibk_snprintf(buf + at, len - (size_t)at, "mode %s\n",
				   pcibk_dev_mode(d));
		at = n > 0 && (size_t)(at + n) < len ? at + n : (int)len - 1;
	}
	at = put(buf, len, at, "vectors", NULL,
		 d->msix_enabled ? d->msix_nr : d->msi_enabled ? 1 : 0);
	/*
	 * d->guest is read once and never followed: a detach may clear it
	 * (and free the guest) while the counters are shown.
	 */
	assigned = pcibk_read_once(d->guest) != NULL;
	at = put(buf, len, at, "assigned", NULL, assigned);
	at = put(buf, len, at, "domid", NULL, assigned ? d->domid : 0);
	at = put(buf, len, at, "permissive", NULL, pcibk_cfg_is_permissive(d));
	at = put(buf, len, at, "allow_interrupt_control", NULL, d->allow_intctl);
	at = put(buf, len, at, "intx_helper", NULL, d->isr_on);
	at = put(buf, len, at, "intx_ack", NULL, d->ack);
	at = put(buf, len, at, "intx_handled", NULL, d->intx_handled);
	at = put(buf, len, at, "denied_total", NULL, pcibk_cfg_denied_total(d));
	return at;
}

int pcibk_dev_intx_show(const struct pcibk_dev *d, char *buf, size_t len)
{
	int n;

	if (!len)
		return 0;
	/* §9's "%s:%s:%sing:%ld", upstream's format, with the BDF as name. */
	n = pcibk_snprintf(buf, len, "%s:%s:%sing:%ld\n", d->name,
			   d->isr_on ? "on" : "off",
			   d->ack ? "ack" : "not ack", (long)d->intx_handled);
	if (n < 0) {
		buf[0] = 0;
		return 0;
	}
	return (size_t)n >= len ? (int)len - 1 : n;
}

int pcibk_ring_stats_show(const struct pcibk_ring_stats *s, char *buf,
			  size_t len)
{
	static const struct pcibk_ring_stats zero;
	int at = 0;

	if (!len)
		return 0;
	buf[0] = 0;
	if (!s)
		s = &zero;
	at = put(buf, len, at, "ring", "events", s->events);
	at = put(buf, len, at, "ring", "spurious", s->spurious);
	at = put(buf, len, at, "ring", "ops", s->ops);
	at = put(buf, len, at, "ring", "eoi", s->eoi + s->spurious);
	at = put(buf, len, at, "ring", "double_events", s->double_events);
	at = put(buf, len, at, "ring", "requeues", s->requeues);
	at = put(buf, len, at, "ring", "fast", s->fast);
	return at;
}
