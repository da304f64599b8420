/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The one header through which the portable core reaches its environment.
 *
 * The core (xen-pciback/core/) is compiled twice: by Kbuild into the
 * kernel module and by the top-level Makefile into a user-space library
 * that the tests, fuzzers and benchmarks link against a simulated host.
 * Core files include only project headers; everything they need from the
 * kernel or from libc (integer types, errno values, memory, logging,
 * barriers, atomic bit operations, shared-page accessors) comes from here.
 */
#ifndef PCIBK_COMPAT_H
#define PCIBK_COMPAT_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/printk.h>
#include <linux/compiler.h>
#include <linux/build_bug.h>
#include <linux/bitops.h>
#include <linux/atomic.h>
#include <asm/barrier.h>

#define pcibk_zalloc(sz)	kzalloc((sz), GFP_KERNEL)
#define pcibk_free(p)		kfree(p)

/*
 * Logging. The "_rl" forms are for anything a guest can trigger (B15):
 * they are rate limited in the kernel, and counted separately by the
 * user-space build so that tests can check no guest input reaches an
 * unlimited log line.
 */
#define pcibk_err(fmt, ...)	pr_err("xen-pciback: " fmt, ##__VA_ARGS__)
#define pcibk_warn(fmt, ...)	pr_warn("xen-pciback: " fmt, ##__VA_ARGS__)
#define pcibk_info(fmt, ...)	pr_info("xen-pciback: " fmt, ##__VA_ARGS__)
#define pcibk_dbg(fmt, ...)	pr_debug("xen-pciback: " fmt, ##__VA_ARGS__)
#define pcibk_err_rl(fmt, ...)	pr_err_ratelimited("xen-pciback: " fmt, ##__VA_ARGS__)
#define pcibk_warn_rl(fmt, ...)	pr_warn_ratelimited("xen-pciback: " fmt, ##__VA_ARGS__)
#define pcibk_info_rl(fmt, ...)	pr_info_ratelimited("xen-pciback: " fmt, ##__VA_ARGS__)

#define pcibk_snprintf		snprintf
/* Ordering of shared-page accesses; each caller says what it orders. */
#define pcibk_wmb()		wmb()	/* see the caller */
#define pcibk_rmb()		rmb()	/* see the caller */
#define pcibk_mb()		mb()	/* see the caller */
#define pcibk_barrier()		barrier()

/* Private (backend-only) flag words. */
#define pcibk_read_once(x)			READ_ONCE(x)
#define pcibk_write_once(x, v)			WRITE_ONCE(x, v)
#define pcibk_test_and_set_bit(nr, addr)	test_and_set_bit((nr), (addr))
#define pcibk_set_bit(nr, addr)			set_bit((nr), (addr))
#define pcibk_clear_bit(nr, addr)		clear_bit((nr), (addr))
#define pcibk_test_bit(nr, addr)		test_bit((nr), (addr))
#define pcibk_test_and_clear_bit(nr, addr)	test_and_clear_bit((nr), (addr))

/*
 * Shared-page accessors: every byte the guest can change is read with a
 * single load into private memory (XSA-155) and written with a single
 * store. The page is plain memory mapped from the guest.
 */
static inline u32 pcibk_sh_read32(const void *sh, unsigned int off)
{
	return READ_ONCE(*(const u32 *)((const u8 *)sh + off));
}

static inline u16 pcibk_sh_read16(const void *sh, unsigned int off)
{
	return READ_ONCE(*(const u16 *)((const u8 *)sh + off));
}

static inline void pcibk_sh_write32(void *sh, unsigned int off, u32 v)
{
	WRITE_ONCE(*(u32 *)((u8 *)sh + off), v);
}

static inline void pcibk_sh_write16(void *sh, unsigned int off, u16 v)
{
	WRITE_ONCE(*(u16 *)((u8 *)sh + off), v);
}

/*
 * The flags word is changed by both sides with atomic read-modify-write
 * operations (PROTOCOL.md §2.3). A 32-bit locked AND/OR touches only the
 * flags word, never op.cmd next to it.
 */
static inline bool pcibk_sh_test_flag(const void *sh, unsigned int bit)
{
	return READ_ONCE(*(const u32 *)sh) & (1U << bit);
}

static inline void pcibk_sh_clear_flag(void *sh, unsigned int bit)
{
	atomic_and(~(1U << bit), (atomic_t *)sh);
}

static inline void pcibk_sh_set_flag(void *sh, unsigned int bit)
{
	atomic_or(1U << bit, (atomic_t *)sh);
}

#else /* !__KERNEL__: the user-space build */

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif
#define static_assert(c, m)	_Static_assert(c, m)
#define BITS_PER_LONG		(8 * (int)sizeof(long))
#define __maybe_unused		__attribute__((unused))
#define __printf(a, b)		__attribute__((format(printf, a, b)))
#ifndef fallthrough
#define fallthrough		__attribute__((fallthrough))
#endif

/*
 * Memory, logging and the shared-page tripwire: defaults in core/user.c,
 * which a program (the tests: counting, capturing, a tripwire) replaces.
 */
void *pcibk_zalloc(size_t sz);
void pcibk_free(void *p);

enum pcibk_log_level { PCIBK_LOG_ERR, PCIBK_LOG_WARN, PCIBK_LOG_INFO, PCIBK_LOG_DBG };
void pcibk_log_emit(int level, bool ratelimited, const char *fmt, ...) __printf(3, 4);

#define pcibk_err(fmt, ...)	pcibk_log_emit(PCIBK_LOG_ERR, false, fmt, ##__VA_ARGS__)
#define pcibk_warn(fmt, ...)	pcibk_log_emit(PCIBK_LOG_WARN, false, fmt, ##__VA_ARGS__)
#define pcibk_info(fmt, ...)	pcibk_log_emit(PCIBK_LOG_INFO, false, fmt, ##__VA_ARGS__)
#define pcibk_dbg(fmt, ...)	pcibk_log_emit(PCIBK_LOG_DBG, false, fmt, ##__VA_ARGS__)
#define pcibk_err_rl(fmt, ...)	pcibk_log_emit(PCIBK_LOG_ERR, true, fmt, ##__VA_ARGS__)
#define pcibk_warn_rl(fmt, ...)	pcibk_log_emit(PCIBK_LOG_WARN, true, fmt, ##__VA_ARGS__)
#define pcibk_info_rl(fmt, ...)	pcibk_log_emit(PCIBK_LOG_INFO, true, fmt, ##__VA_ARGS__)

#define pcibk_snprintf		snprintf
#define pcibk_read_once(x)	__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define pcibk_write_once(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#define pcibk_wmb()		__atomic_thread_fence(__ATOMIC_RELEASE)
#define pcibk_rmb()		__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define pcibk_mb()		__atomic_thread_fence(__ATOMIC_SEQ_CST)
static inline void pcibk_barrier(void)
{
	__asm__ __volatile__("" ::: "memory");
}

static inline bool pcibk_test_and_set_bit(unsigned int nr, unsigned long *addr)
{
	unsigned long m = 1UL << nr;

	return __atomic_fetch_or(addr, m, __ATOMIC_SEQ_CST) & m;
}

static inline bool pcibk_test_and_clear_bit(unsigned int nr, unsigned long *addr)
{
	unsigned long m = 1UL << nr;

	return __atomic_fetch_and(addr, ~m, __ATOMIC_SEQ_CST) & m;
}

static inline void pcibk_set_bit(unsigned int nr, unsigned long *addr)
{
	__atomic_fetch_or(addr, 1UL << nr, __ATOMIC_SEQ_CST);
}

static inline void pcibk_clear_bit(unsigned int nr, unsigned long *addr)
{
	__atomic_fetch_and(addr, ~(1UL << nr), __ATOMIC_SEQ_CST);
}

static inline bool pcibk_test_bit(unsigned int nr, const unsigned long *addr)
{
	return __atomic_load_n(addr, __ATOMIC_SEQ_CST) & (1UL << nr);
}

/*
 * Shared-page accessors. The user-space build routes every access through
 * hooks so that tests can act as a hostile guest (rewrite the page between
 * reads) and as a tripwire (fail if a request byte is read twice or if
 * anything but err/value/vectors is written). Without hooks they are plain
 * single loads and stores.
 */
struct pcibk_sh_hooks {
	void (*on_read)(const void *sh, unsigned int off, unsigned int len);
	void (*on_write)(void *sh, unsigned int off, unsigned int len);
};
extern const struct pcibk_sh_hooks *pcibk_sh_hooks;

static inline u32 pcibk_sh_read32(const void *sh, unsigned int off)
{
	u32 v;

	if (pcibk_sh_hooks)
		pcibk_sh_hooks->on_read(sh, off, 4);
	v = __atomic_load_n((const u32 *)((const u8 *)sh + off), __ATOMIC_RELAXED);
	return v;
}

static inline u16 pcibk_sh_read16(const void *sh, unsigned int off)
{
	u16 v;

	if (pcibk_sh_hooks)
		pcibk_sh_hooks->on_read(sh, off, 2);
	v = __atomic_load_n((const u16 *)((const u8 *)sh + off), __ATOMIC_RELAXED);
	return v;
}

static inline void pcibk_sh_write32(void *sh, unsigned int off, u32 v)
{
	if (pcibk_sh_hooks)
		pcibk_sh_hooks->on_write(sh, off, 4);
	__atomic_store_n((u32 *)((u8 *)sh + off), v, __ATOMIC_RELAXED);
}

static inline void pcibk_sh_write16(void *sh, unsigned int off, u16 v)
{
	if (pcibk_sh_hooks)
		pcibk_sh_hooks->on_write(sh, off, 2);
	__atomic_store_n((u16 *)((u8 *)sh + off), v, __ATOMIC_RELAXED);
}

/* flags is not part of a request: the tripwire does not count it. */
static inline bool pcibk_sh_test_flag(const void *sh, unsigned int bit)
{
	return __atomic_load_n((const u32 *)sh, __ATOMIC_SEQ_CST) & (1U << bit);
}

static inline void pcibk_sh_clear_flag(void *sh, unsigned int bit)
{
	__atomic_fetch_and((u32 *)sh, ~(1U << bit), __ATOMIC_SEQ_CST);
}

static inline void pcibk_sh_set_flag(void *sh, unsigned int bit)
{
	__atomic_fetch_or((u32 *)sh, 1U << bit, __ATOMIC_SEQ_CST);
}

#endif /* __KERNEL__ */

#endif /* PCIBK_COMPAT_H */
