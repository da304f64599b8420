/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (C) 2026 The pcibk authors. */
/*
 * A minimal test runner: TEST() registers a case, CHECK*() record failed
 * assertions; the runner prints one line per failed case and ends with
 * "N passed, N failed" (cases, not assertions).
 */
#ifndef PCIBK_T_H
#define PCIBK_T_H

#include <stdio.h>
#include <inttypes.h>
#include "sim.h"

struct t_case {
	const char *name;
	const char *file;
	void (*fn)(void);
	struct t_case *next;
};

void t_register(struct t_case *c);
void t_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
extern unsigned long t_checks;

#define TEST(name)							\
	static void name(void);						\
	static struct t_case t_case_##name = { #name, __FILE__, name, NULL }; \
	__attribute__((constructor)) static void t_reg_##name(void)	\
	{								\
		t_register(&t_case_##name);				\
	}								\
	static void name(void)

#define CHECK(c)							\
	do {								\
		t_checks++;						\
		if (!(c))						\
			t_fail(__FILE__, __LINE__, "%s", #c);		\
	} while (0)

#define CHECK_EQ(a, b)							\
	do {								\
		long long t_a_ = (long long)(a), t_b_ = (long long)(b);	\
		t_checks++;						\
		if (t_a_ != t_b_)					\
			t_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld (0x%llx != 0x%llx)", \
			       #a, #b, t_a_, t_b_, t_a_, t_b_);		\
	} while (0)

#endif /* PCIBK_T_H */
