/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (C) 2026 The pcibk authors. */
/*
 * pcibk-probe: a guest-side client of the Xen PCI backend protocol
 * (PROTOCOL.md §2, §3, §8). It takes the frontend role in place of
 * xen-pcifront and sends requests over the shared page.
 */
#ifndef PCIBK_PROBE_H
#define PCIBK_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PROBE_MAX_VEC	128
#define PROBE_MAX_DEVS	64

/* The commands of the wire (PROTOCOL.md §2.1). */
enum {
	PROBE_CONF_READ = 0,
	PROBE_CONF_WRITE = 1,
	PROBE_ENABLE_MSI = 2,
	PROBE_DISABLE_MSI = 3,
	PROBE_ENABLE_MSIX = 4,
	PROBE_DISABLE_MSIX = 5,
};

/* One request as the guest sends it. */
struct probe_req {
	uint32_t cmd;
	uint32_t domain, bus, devfn;
	int32_t offset, size;
	uint32_t value, info;
	unsigned int nr_entries;	/* entries to write (enable_msix) */
	uint16_t entry[PROBE_MAX_VEC];
	int dev_ref;			/* "@N": the Nth assigned device, or -1 */
	unsigned int line;		/* in the request file */
};

/* ---- request files (reqfile.c) ---- */

/*
 * Parse one line. Returns 1 and fills *r for a request, 0 for a blank or
 * comment line, -1 on a syntax error (message in err).
 */
int probe_parse_line(const char *line, struct probe_req *r, char *err,
		     size_t errlen);
/* Parse a whole file; *out is malloc()ed. Returns the count or -1. */
int probe_parse_file(FILE *fp, struct probe_req **out, char *err, size_t errlen);
/* "read 0000:00:01.0 +0x10/4" and the like, for printing. */
void probe_req_str(const struct probe_req *r, char *buf, size_t len);
/* Parse "DDDD:BB:SS.F", "BB:SS.F" (also vdev-N's "SS.FF" form). */
int probe_parse_bdf(const char *s, uint32_t *domain, uint32_t *bus,
		    uint32_t *devfn);
const char *probe_cmd_name(uint32_t cmd);

/* ---- statistics (stats.c) ---- */

struct probe_stats {
	size_t n;
	double min, median, p99, max, mean;
};

/* Sorts samples in place; nearest-rank percentiles. 0, or -1 if n == 0. */
int probe_stats(double *samples, size_t n, struct probe_stats *st);

/* ---- the frontend (front.c) ---- */

struct probe_dev {
	uint32_t domain, bus, devfn;	/* as the guest sees it (vdev-N) */
};

struct probe_reply {
	int32_t err;
	uint32_t value;
	uint16_t vector[PROBE_MAX_VEC];
	double usec;			/* round trip */
	bool timeout;
};

struct probe_anomalies {
	unsigned long changed_request;	/* a request field rewritten */
	unsigned long vector_beyond_nr;	/* a vector written past nr */
	unsigned long outside_op;	/* bytes outside op/flags changed */
	unsigned long late_reply;	/* an answer after the timeout */
	unsigned long bad_vector;	/* enable_msix ok with a 0 vector */
	unsigned long timeouts;
};

struct probe_front;

struct probe_opts {
	int domid;			/* -1: read "domid" */
	const char *devpath;		/* frontend dir, default device/pci/0 */
	unsigned int timeout_ms;	/* per request, default 2000 */
	bool force;			/* even if the frontend is not in 1 */
	unsigned int wait_s;		/* wait this long for the frontend dir */
	bool verbose;
};

struct probe_front *probe_connect(const struct probe_opts *o);
void probe_disconnect(struct probe_front *f);
/* Assigned devices, from the backend's vdev-N keys. */
unsigned int probe_devs(struct probe_front *f, struct probe_dev *devs,
			unsigned int max);
/* Send one request and wait; fills rep. Checks the page for anomalies. */
int probe_send(struct probe_front *f, const struct probe_req *r,
	       struct probe_reply *rep);
/*
 * Post a request and, while it is pending, rewrite random request bytes
 * (a hostile guest), then wait as probe_send() does.
 */
int probe_send_hostile(struct probe_front *f, const struct probe_req *r,
		       struct probe_reply *rep, uint64_t *rng);
/* Notify the backend n times with nothing posted. */
void probe_storm(struct probe_front *f, unsigned int n);
const struct probe_anomalies *probe_anomalies(const struct probe_front *f);

uint64_t probe_rand(uint64_t *state);

#endif /* PCIBK_PROBE_H */
