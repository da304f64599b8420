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
	at = put(buf, len, at, "assigned", NULL, d->guest ? 1 : 0);
	at = put(buf, len, at, "domid", NULL, d->guest ? d->guest->domid : 0);
	at = put(buf, len, at, "permissive", NULL, pcibk_cfg_is_permissive(d));
	at = put(buf, len, at, "allow_interrupt_control", NULL, d->allow_intctl);
	at = put(buf, len, at, "intx_helper", NULL, d->isr_on);
	at = put(buf, len, at, "intx_ack", NULL, d->ack);
	at = put(buf, len, at, "intx_handled", NULL, d->intx_handled);
	at = put(buf, len, at, "denied_total", NULL, pcibk_cfg_denied_total(d));
	return at;
}
