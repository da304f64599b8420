// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Guest side of "make vmbench", P1: the config-read round trip as the
 * stock xen-pcifront sees it. Times N 4-byte preads of a device's sysfs
 * config file (each aligned dword read is one pcifront request) and
 * prints min, median, mean and max in microseconds. Built static: the
 * guest has only busybox.
 *
 *   cfgread FILE [N]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Header dwords a driver reads often: ids, command, class, BAR0, subsystem, irq. */
static const off_t offs[] = { 0x00, 0x04, 0x08, 0x10, 0x2c, 0x3c };

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	unsigned long n = 2000, i;
	double *t, sum = 0;
	uint32_t v;
	int fd;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: cfgread FILE [N]\n");
		return 2;
	}
	if (argc == 3)
		n = strtoul(argv[2], NULL, 0);
	if (n < 1 || n > 1000000) {
		fprintf(stderr, "cfgread: N must be in 1..1000000\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "cfgread: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	t = calloc(n, sizeof(*t));
	if (!t)
		return 2;
	for (i = 0; i < n; i++) {
		double t0 = now_us();

		if (pread(fd, &v, 4, offs[i % (sizeof(offs) / sizeof(offs[0]))]) != 4) {
			fprintf(stderr, "cfgread: read %lu failed: %s\n", i, strerror(errno));
			return 1;
		}
		t[i] = now_us() - t0;
		sum += t[i];
	}
	qsort(t, n, sizeof(*t), cmp_double);
	printf("cfgread n=%lu min %.1f median %.1f mean %.1f max %.1f us\n",
	       n, t[0], t[n / 2], sum / (double)n, t[n - 1]);
	free(t);
	close(fd);
	return 0;
}
