// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The user-space build's environment (compat.h): memory, logging and the
 * shared-page hooks, so that the core's library links and runs on its
 * own. A program that wants its own (the tests count allocations, capture
 * log lines and watch the page) defines these symbols itself; the ones
 * here are weak. Not part of the kernel module (Kbuild leaves it out).
 */
#ifndef __KERNEL__
#include <stdarg.h>

#include <pcibk/compat.h>

__attribute__((weak)) const struct pcibk_sh_hooks *pcibk_sh_hooks;

__attribute__((weak)) void *pcibk_zalloc(size_t sz)
{
	return calloc(1, sz);
}

__attribute__((weak)) void pcibk_free(void *p)
{
	free(p);
}

/* Lines as the module's: "xen-pciback: " and a level; no rate limit. */
__attribute__((weak)) void pcibk_log_emit(int level, bool ratelimited,
					  const char *fmt, ...)
{
	static const char *const names[] = { "err", "warn", "info", "debug" };
	va_list ap;

	(void)ratelimited;
	if (level == PCIBK_LOG_DBG && !getenv("PCIBK_DEBUG"))
		return;
	fprintf(stderr, "xen-pciback: %s: ",
		level >= 0 && level <= PCIBK_LOG_DBG ? names[level] : "?");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}
#endif /* !__KERNEL__ */
