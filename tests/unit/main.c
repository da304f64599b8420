// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Test runner: runs every registered case (or those whose name contains
 * argv[1]) and prints "N passed, N failed".
 */
#include <stdarg.h>
#include <string.h>
#include "t.h"

static struct t_case *head, **tail = &head;
static unsigned int cur_failures;
static const char *cur_name;
unsigned long t_checks;

void t_register(struct t_case *c)
{
	*tail = c;
	tail = &c->next;
}

void t_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	if (cur_failures++ < 5) {
		fprintf(stdout, "  FAIL %s (%s:%d): ", cur_name, file, line);
		va_start(ap, fmt);
		vfprintf(stdout, fmt, ap);
		va_end(ap);
		fputc('\n', stdout);
	}
}

int main(int argc, char **argv)
{
	unsigned int passed = 0, failed = 0;
	struct t_case *c;

	if (getenv("PCIBK_LOG"))
		sim_log_verbose = true;
	for (c = head; c; c = c->next) {
		if (argc > 1 && !strstr(c->name, argv[1]))
			continue;
		cur_name = c->name;
		cur_failures = 0;
		c->fn();
		if (cur_failures) {
			failed++;
			printf("FAIL %s\n", c->name);
		} else {
			passed++;
			if (getenv("PCIBK_VERBOSE"))
				printf("ok   %s\n", c->name);
		}
	}
	printf("unit: %lu assertions\n", t_checks);
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
