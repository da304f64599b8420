// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Round-trip statistics for "pcibk-probe latency": min, median, p99 and
 * max by the nearest-rank method, and the mean; the fuzzer's generator.
 */
#include <stdlib.h>
#include "probe.h"

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The smallest sample with at least p percent of the samples <= it. */
static double rank(const double *s, size_t n, unsigned int p)
{
	size_t k = (n * p + 99) / 100;

	return s[k ? k - 1 : 0];
}

int probe_stats(double *samples, size_t n, struct probe_stats *st)
{
	double sum = 0;
	size_t i;

	if (!n)
		return -1;
	qsort(samples, n, sizeof(*samples), cmp);
	for (i = 0; i < n; i++)
		sum += samples[i];
	st->n = n;
	st->min = samples[0];
	st->max = samples[n - 1];
	st->median = rank(samples, n, 50);
	st->p99 = rank(samples, n, 99);
	st->mean = sum / (double)n;
	return 0;
}

uint64_t probe_rand(uint64_t *s)
{
	/* xorshift64* */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}
