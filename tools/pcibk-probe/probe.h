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

/*
 * Directives of request files: lines the client carries out itself
 * instead of sending them (the xenstore handshake step by step, pauses,
 * a request left pending), in the field dir of struct probe_req.
 */
enum {
	PROBE_DIR_NONE = 0,		/* a request */
	PROBE_DIR_CONNECT,		/* connect [MS] */
	PROBE_DIR_PUBLISH,		/* publish */
	PROBE_DIR_KEY,			/* key NAME VALUE */
	PROBE_DIR_STATE,		/* state N */
	PROBE_DIR_WAIT_BACKEND,		/* wait-backend S[,S...] [MS] */
	PROBE_DIR_BACKEND,		/* backend */
	PROBE_DIR_SLEEP,		/* sleep MS */
	PROBE_DIR_REPLY,		/* reply */
	PROBE_DIR_VERDICT,		/* verdict */
};

#define PROBE_KEY_LEN		64
#define PROBE_VAL_LEN		128

/* One request as the guest sends it (or a directive). */
struct probe_req {
	uint32_t cmd;
	uint32_t domain, bus, devfn;
	int32_t offset, size;
	uint32_t value, info;
	unsigned int nr_entries;	/* entries to write (enable_msix) */
	uint16_t entry[PROBE_MAX_VEC];
	int dev_ref;			/* "@N": the Nth assigned device, or -1 */
	unsigned int line;		/* in the request file */
	bool post;			/* "post REQUEST": do not wait for it */
	unsigned int dir;		/* PROBE_DIR_*: a directive, not sent */
	/* Directives: state, milliseconds, states to wait for (bit N), key. */
	unsigned int state, ms, states;
	char key[PROBE_KEY_LEN], val[PROBE_VAL_LEN];
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
	bool manual;			/* no handshake: the request file does it */
	bool verbose;
};

/*
 * Share the page, bind the channel and (unless o->manual) do the
 * handshake up to state 4 (Connected).
 */
struct probe_front *probe_connect(const struct probe_opts *o);
void probe_disconnect(struct probe_front *f);
/* The handshake: publish, state 3, wait for the backend, state 4. */
int probe_handshake(struct probe_front *f, unsigned int ms);
/* pci-op-ref, event-channel and magic, as the client holds them. */
int probe_publish(struct probe_front *f);
/* Write NAME = VALUE in the frontend directory (any value). */
int probe_write_key(struct probe_front *f, const char *name, const char *val);
int probe_set_state(struct probe_front *f, unsigned int state);
/* The backend's state, -1 if it cannot be read. */
int probe_backend_state(struct probe_front *f);
/*
 * Wait up to ms for the backend state to be one of the states in mask
 * (bit N: state N); returns the last state read. *waited: milliseconds.
 */
int probe_wait_backend(struct probe_front *f, unsigned int mask,
		       unsigned int ms, unsigned int *waited);
/* "ref R port P". */
void probe_describe(const struct probe_front *f, char *buf, size_t len);
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
/* Post a request and return at once; probe_reply() waits for it. */
int probe_post(struct probe_front *f, const struct probe_req *r);
/* Wait for the posted request's reply; -1 if none is posted. */
int probe_reply(struct probe_front *f, struct probe_req *r,
		struct probe_reply *rep);
bool probe_pending(const struct probe_front *f);
/* Notify the backend n times with nothing posted. */
void probe_storm(struct probe_front *f, unsigned int n);
const struct probe_anomalies *probe_anomalies(const struct probe_front *f);

uint64_t probe_rand(uint64_t *state);

#endif /* PCIBK_PROBE_H */
