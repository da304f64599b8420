// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * pcibk-probe: guest-side protocol client of the Xen PCI backend. See
 * pcibk-probe.1 for usage.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include "probe.h"

#define VERSION "0.1"

static const char usage[] =
"usage: pcibk-probe [OPTIONS] COMMAND [ARGS] [COMMAND [ARGS]]...\n"
"Take the frontend role of this guest's PCI backend instance (instead of\n"
"xen-pcifront, which must not be bound) and talk to the backend.\n"
"\n"
"Commands (several may follow each other; they share one connection):\n"
"  devices                      list the assigned devices (vdev-N)\n"
"  replay FILE                  send the requests in FILE, print each reply\n"
"                               (and carry out its directives)\n"
"  fuzz [--seconds N] [--seed S]\n"
"                               random and mutated requests, page rewrites\n"
"                               while a request is pending, event storms\n"
"  latency [--count N]          round trips of conf_read at offset 0 of an\n"
"                               assigned device and of an unassigned devfn\n"
"\n"
"Options:\n"
"  --domid N        this guest's domid (default: read xenstore \"domid\")\n"
"  --path DIR       frontend directory (default /local/domain/N/device/pci/0)\n"
"  --timeout MS     per-request timeout (default 2000, as xen-pcifront)\n"
"  --force          connect even if the frontend state is not 1\n"
"  --wait SECONDS   wait for the frontend directory to appear (hot-plug)\n"
"  --manual         no handshake at start: the replay file's directives\n"
"                   (connect, publish, key, state...) do it step by step\n"
"  -v, --verbose    print the handshake; twice: every fuzz reply too\n"
"  -h, --help       this text\n"
"  --version        print the version\n"
"\n"
"Exit status: 0 ok, 1 anomalies or timeouts seen, 2 usage or setup error.\n";

/*
 * Consecutive timeouts after which a phase stops: the backend has stopped
 * answering, and more requests would only cost 2 s each.
 */
#define STALL_AFTER	5

struct ctx {
	struct probe_front *f;
	struct probe_dev devs[PROBE_MAX_DEVS];
	unsigned int ndevs;
	int verbose;
	bool stalled;			/* a phase saw STALL_AFTER timeouts */
};

static bool is_cmd(const char *s)
{
	return !strcmp(s, "replay") || !strcmp(s, "fuzz") ||
	       !strcmp(s, "latency") || !strcmp(s, "devices");
}

static long opt_num(const char *name, const char *v, long lo, long hi)
{
	char *end;
	long n;

	errno = 0;
	n = v ? strtol(v, &end, 0) : 0;
	if (!v || errno || *end || n < lo || n > hi) {
		fprintf(stderr, "pcibk-probe: %s needs a number in %ld..%ld\n",
			name, lo, hi);
		exit(2);
	}
	return n;
}

static void print_reply(unsigned int n, const struct probe_req *r,
			const struct probe_reply *rep)
{
	char s[160];
	unsigned int i, nr;

	probe_req_str(r, s, sizeof(s));
	if (rep->timeout) {
		printf("%u: %s -> TIMEOUT (%.0f us)\n", n, s, rep->usec);
		return;
	}
	printf("%u: %s -> err %d value %#x", n, s, rep->err, rep->value);
	nr = r->cmd == PROBE_ENABLE_MSIX && !rep->err ? r->value : 0;
	for (i = 0; i < nr && i < PROBE_MAX_VEC; i++)
		printf("%s%u", i ? "," : " vectors ", rep->vector[i]);
	printf(" (%.1f us)\n", rep->usec);
}

static int resolve(struct ctx *c, struct probe_req *r)
{
	if (r->dev_ref < 0)
		return 0;
	if ((unsigned int)r->dev_ref >= c->ndevs) {
		fprintf(stderr, "pcibk-probe: line %u: @%d, but %u device(s) assigned\n",
			r->line, r->dev_ref, c->ndevs);
		return -1;
	}
	r->domain = c->devs[r->dev_ref].domain;
	r->bus = c->devs[r->dev_ref].bus;
	r->devfn = c->devs[r->dev_ref].devfn;
	return 0;
}

static void print_states(unsigned int mask)
{
	unsigned int i;
	bool first = true;

	for (i = 0; i < 32; i++)
		if (mask & 1u << i) {
			printf("%s%u", first ? "" : ",", i);
			first = false;
		}
}

/*
 * "verdict": how the backend ended up. The backend's state, then a
 * conf_read of the first device: connected (4) and answering, refused
 * (5 or 6, and no successful answer), connected but silent (4, no
 * answer), closed but answering, or stuck (any other state). A state
 * that changed while the read was under way is read again after it: the
 * backend was still acting on the last directive.
 */
static void verdict(struct ctx *c, unsigned int line)
{
	struct probe_reply rep;
	struct probe_req r;
	const char *what;
	char ans[64];
	int st = probe_backend_state(c->f);

	memset(&r, 0, sizeof(r));
	r.cmd = PROBE_CONF_READ;
	r.size = 4;
	r.dev_ref = -1;
	if (c->ndevs) {
		r.domain = c->devs[0].domain;
		r.bus = c->devs[0].bus;
		r.devfn = c->devs[0].devfn;
	}
	probe_send(c->f, &r, &rep);
	if (probe_backend_state(c->f) != st) {
		usleep(200000);
		st = probe_backend_state(c->f);
	}
	if (rep.timeout)
		snprintf(ans, sizeof(ans), "no answer in %.0f ms", rep.usec / 1000);
	else
		snprintf(ans, sizeof(ans), "err %d value %#x in %.1f ms", rep.err,
			 rep.value, rep.usec / 1000);
	if (st == 4)
		what = rep.timeout ? "connected-but-silent" : "connected";
	else if (st == 5 || st == 6)
		what = rep.timeout || rep.err ? "refused" : "closed-but-answering";
	else
		what = "stuck";
	printf("%u: verdict: %s (backend state %d, conf_read %s)\n", line, what,
	       st, ans);
}

/* Carry out one directive of a request file. */
static int directive(struct ctx *c, struct probe_req *d)
{
	struct probe_reply rep;
	struct probe_req r;
	unsigned int waited;
	char s[64];
	int st;

	switch (d->dir) {
	case PROBE_DIR_CONNECT:
		st = probe_handshake(c->f, d->ms);
		printf("%u: connect: %s, backend state %d\n", d->line,
		       st ? "failed" : "connected", probe_backend_state(c->f));
		/* Devices may have been added meanwhile. */
		c->ndevs = probe_devs(c->f, c->devs, PROBE_MAX_DEVS);
		break;
	case PROBE_DIR_PUBLISH:
		probe_describe(c->f, s, sizeof(s));
		st = probe_publish(c->f);
		printf("%u: publish %s magic %s%s\n", d->line, s, "7",
		       st ? " (xenstore write failed)" : "");
		break;
	case PROBE_DIR_KEY:
		st = probe_write_key(c->f, d->key, d->val);
		printf("%u: key %s = %s%s\n", d->line, d->key, d->val,
		       st ? " (xenstore write failed)" : "");
		break;
	case PROBE_DIR_STATE:
		st = probe_set_state(c->f, d->state);
		printf("%u: state -> %u%s\n", d->line, d->state,
		       st ? " (xenstore write failed)" : "");
		break;
	case PROBE_DIR_WAIT_BACKEND:
		st = probe_wait_backend(c->f, d->states, d->ms, &waited);
		printf("%u: backend state %d after %u ms%s", d->line, st, waited,
		       st >= 0 && st < 32 && d->states & 1u << st ? "" :
		       " (timeout waiting for ");
		if (!(st >= 0 && st < 32 && d->states & 1u << st)) {
			print_states(d->states);
			printf(")");
		}
		printf("\n");
		break;
	case PROBE_DIR_BACKEND:
		printf("%u: backend state %d\n", d->line, probe_backend_state(c->f));
		break;
	case PROBE_DIR_SLEEP: {
		struct timespec ts = { .tv_sec = d->ms / 1000,
				       .tv_nsec = (long)(d->ms % 1000) * 1000000 };

		while (nanosleep(&ts, &ts) && errno == EINTR)
			;
		break;
	}
	case PROBE_DIR_REPLY:
		if (!probe_pending(c->f)) {
			printf("%u: reply: nothing posted\n", d->line);
			break;
		}
		probe_reply(c->f, &r, &rep);
		print_reply(r.line, &r, &rep);
		return rep.timeout;
	case PROBE_DIR_VERDICT:
		verdict(c, d->line);
		break;
	default:
		break;
	}
	return 0;
}

static int cmd_replay(struct ctx *c, const char *file)
{
	struct probe_req *reqs, pr;
	struct probe_reply rep;
	char err[256], s[160];
	FILE *fp = strcmp(file, "-") ? fopen(file, "r") : stdin;
	unsigned int timeouts = 0, row = 0;
	int i, n, to;

	if (!fp) {
		perror(file);
		return 2;
	}
	n = probe_parse_file(fp, &reqs, err, sizeof(err));
	if (fp != stdin)
		fclose(fp);
	if (n < 0) {
		fprintf(stderr, "pcibk-probe: %s: %s\n", file, err);
		return 2;
	}
	for (i = 0; i < n; i++) {
		if (reqs[i].dir) {
			to = directive(c, &reqs[i]);
			timeouts += to;
			continue;
		}
		if (resolve(c, &reqs[i])) {
			free(reqs);
			return 2;
		}
		/* One request at a time: a posted one is answered first. */
		if (probe_pending(c->f)) {
			probe_reply(c->f, &pr, &rep);
			print_reply(pr.line, &pr, &rep);
			timeouts += rep.timeout;
		}
		if (reqs[i].post) {
			probe_post(c->f, &reqs[i]);
			probe_req_str(&reqs[i], s, sizeof(s));
			printf("%u: post %s\n", reqs[i].line, s);
			continue;
		}
		probe_send(c->f, &reqs[i], &rep);
		print_reply(reqs[i].line, &reqs[i], &rep);
		timeouts += rep.timeout;
		row = rep.timeout ? row + 1 : 0;
		if (row >= STALL_AFTER) {
			printf("replay: stalled: %u timeouts in a row\n", row);
			c->stalled = true;
			i++;
			break;
		}
	}
	if (probe_pending(c->f)) {
		probe_reply(c->f, &pr, &rep);
		print_reply(pr.line, &pr, &rep);
		timeouts += rep.timeout;
	}
	printf("replay: %d of %d requests sent, %u timeouts\n", i, n, timeouts);
	free(reqs);
	return 0;
}

/* ---------------------------------------------------------------- fuzz */

struct fuzz_tally {
	unsigned long sent, hostile, storms, timeouts, by_cmd[12], by_err[8];
};

/* The last requests sent, to show what came before a timeout. */
#define FUZZ_HIST	8

struct fuzz_hist {
	struct probe_req r[FUZZ_HIST];
	bool hostile[FUZZ_HIST];
	unsigned long n;
};

static void hist_show(const struct fuzz_hist *h)
{
	unsigned long i = h->n > FUZZ_HIST ? h->n - FUZZ_HIST : 0;
	char s[160];

	for (; i < h->n; i++) {
		probe_req_str(&h->r[i % FUZZ_HIST], s, sizeof(s));
		printf("fuzz:   #%lu %s%s\n", i + 1, s,
		       h->hostile[i % FUZZ_HIST] ? " (rewritten while pending)" : "");
	}
}

static void random_req(struct ctx *c, uint64_t *rng, struct probe_req *r)
{
	uint64_t x = probe_rand(rng);
	unsigned int i, pick = x % 100;

	memset(r, 0, sizeof(*r));
	r->dev_ref = -1;
	if (c->ndevs && (x >> 8) % 8) {
		const struct probe_dev *d = &c->devs[(x >> 12) % c->ndevs];

		r->domain = d->domain;
		r->bus = d->bus;
		r->devfn = d->devfn;
	} else {
		r->devfn = (x >> 16) & 0xff;
		if (!((x >> 24) % 16)) {
			r->domain = (uint32_t)probe_rand(rng);
			r->bus = (uint32_t)probe_rand(rng);
			r->devfn = (uint32_t)probe_rand(rng);
		}
	}
	x = probe_rand(rng);
	r->size = 1 << (x % 3);
	r->offset = (int32_t)((x >> 4) % 4096) & ~(r->size - 1);
	if (pick < 55) {
		r->cmd = PROBE_CONF_READ;
	} else if (pick < 65) {
		/* Writes only above the header: the guest keeps its device. */
		r->cmd = PROBE_CONF_WRITE;
		r->offset |= 0x40;
		r->value = (uint32_t)probe_rand(rng);
	} else if (pick < 80) {
		r->cmd = PROBE_ENABLE_MSI + (uint32_t)(x >> 20) % 4;
		if (r->cmd == PROBE_ENABLE_MSIX) {
			r->value = (uint32_t)(x >> 24) % 140;
			r->nr_entries = r->value < PROBE_MAX_VEC ? r->value : PROBE_MAX_VEC;
			for (i = 0; i < r->nr_entries; i++)
				r->entry[i] = (x >> 40) & 1 ? (uint16_t)i :
					      (uint16_t)(probe_rand(rng) % 64);
		}
	} else {
		/* Garbage in every field. */
		r->cmd = (x >> 20) % 2 ? (uint32_t)(x >> 24) % 16 :
					 (uint32_t)probe_rand(rng);
		r->offset = (int32_t)probe_rand(rng);
		r->size = (int32_t)probe_rand(rng) % 9;
		r->value = (uint32_t)probe_rand(rng);
		r->info = (uint32_t)probe_rand(rng);
	}
}

static void mutate(uint64_t *rng, struct probe_req *r)
{
	uint64_t x = probe_rand(rng);

	switch (x % 5) {
	case 0: r->offset ^= 1 << ((x >> 8) % 32); break;
	case 1: r->size ^= 1 << ((x >> 8) % 4); break;
	case 2: r->devfn ^= 1 << ((x >> 8) % 9); break;
	case 3: r->value = (uint32_t)(x >> 16); break;
	default: r->cmd ^= 1 << ((x >> 8) % 4); break;
	}
	if (r->cmd == PROBE_CONF_WRITE && r->offset >= 0 && r->offset < 0x40)
		r->offset |= 0x40;
}

static void tally(struct fuzz_tally *t, const struct probe_req *r,
		  const struct probe_reply *rep)
{
	t->sent++;
	t->by_cmd[r->cmd < 11 ? r->cmd : 11]++;
	if (!rep->timeout)
		t->by_err[rep->err <= 0 && rep->err >= -6 ? -rep->err : 7]++;
}

static int cmd_fuzz(struct ctx *c, unsigned long secs, uint64_t seed)
{
	uint64_t rng = seed ? seed : 0x9e3779b97f4a7c15ull;
	static struct fuzz_hist h;
	struct fuzz_tally t;
	struct probe_req r, prev;
	struct probe_reply rep;
	time_t t0 = time(NULL), end = t0 + (time_t)secs, next = t0 + 10;
	unsigned int i, row = 0;
	bool hostile;

	memset(&t, 0, sizeof(t));
	memset(&prev, 0, sizeof(prev));
	memset(&h, 0, sizeof(h));
	printf("fuzz: %lu s, seed %#llx, %u device(s)\n", secs,
	       (unsigned long long)rng, c->ndevs);
	while (time(NULL) < end) {
		uint64_t x = probe_rand(&rng);

		if (time(NULL) >= next) {
			next += 10;
			printf("fuzz: after %lld s: %lu requests, %lu timeouts\n",
			       (long long)(time(NULL) - t0), t.sent, t.timeouts);
		}

		if (x % 100 < 3) {
			probe_storm(c->f, 1 + (unsigned int)(x >> 8) % 256);
			t.storms++;
			continue;
		}
		if (x % 100 < 15 && prev.line) {
			r = prev;
			mutate(&rng, &r);
		} else {
			random_req(c, &rng, &r);
		}
		r.line = 1;
		hostile = (x >> 32) % 8 == 0;
		h.r[h.n % FUZZ_HIST] = r;
		h.hostile[h.n++ % FUZZ_HIST] = hostile;
		if (hostile) {
			probe_send_hostile(c->f, &r, &rep, &rng);
			t.hostile++;
		} else {
			probe_send(c->f, &r, &rep);
		}
		tally(&t, &r, &rep);
		if (c->verbose > 1)
			print_reply((unsigned int)t.sent, &r, &rep);
		prev = r;
		if (!rep.timeout) {
			row = 0;
			continue;
		}
		/* As it happens: the requests just before it tell the cause. */
		if (++t.timeouts <= 3 || row + 1 == STALL_AFTER) {
			printf("fuzz: timeout of request #%lu, the last ones sent:\n",
			       t.sent);
			hist_show(&h);
		}
		if (++row >= STALL_AFTER) {
			printf("fuzz: stalled: %u timeouts in a row after %lld s, stopping\n",
			       row, (long long)(time(NULL) - t0));
			c->stalled = true;
			break;
		}
	}
	/* Leave the devices as a guest driver would: interrupts off. */
	if (!c->stalled)
		printf("fuzz: done after %lld s, turning MSI and MSI-X off\n",
		       (long long)(time(NULL) - t0));
	for (i = 0; i < c->ndevs && !c->stalled; i++) {
		memset(&r, 0, sizeof(r));
		r.domain = c->devs[i].domain;
		r.bus = c->devs[i].bus;
		r.devfn = c->devs[i].devfn;
		r.cmd = PROBE_DISABLE_MSIX;
		probe_send(c->f, &r, &rep);
		r.cmd = PROBE_DISABLE_MSI;
		probe_send(c->f, &r, &rep);
	}
	secs = (unsigned long)(time(NULL) - t0);
	printf("fuzz: %lu requests (%lu with page rewrites), %lu storms, %lu timeouts, %.0f req/s\n",
	       t.sent, t.hostile, t.storms, t.timeouts,
	       (double)t.sent / (double)(secs ? secs : 1));
	printf("fuzz: by command:");
	for (i = 0; i < 12; i++)
		if (t.by_cmd[i])
			printf(" %s=%lu", i < 11 ? probe_cmd_name(i) : "other",
			       t.by_cmd[i]);
	printf("\nfuzz: by err:");
	for (i = 0; i < 8; i++)
		if (t.by_err[i])
			printf(" %s%u=%lu", i < 7 ? "-" : "other", i < 7 ? i : 0,
			       t.by_err[i]);
	printf("\n");
	return 0;
}

/* ------------------------------------------------------------- latency */

static int measure(struct ctx *c, const struct probe_req *r, unsigned long n,
		   const char *what)
{
	double *s = calloc(n, sizeof(*s));
	struct probe_reply rep;
	struct probe_stats st;
	unsigned long i, ok = 0, row = 0;
	int32_t err = 0;

	if (!s)
		return 2;
	for (i = 0; i < 16 + n && row < STALL_AFTER; i++) {
		if (probe_send(c->f, r, &rep)) {
			row++;
			continue;
		}
		row = 0;
		if (i >= 16)		/* the first ones warm up */
			s[ok++] = rep.usec;
		err = rep.err;
	}
	if (row >= STALL_AFTER) {
		printf("latency %s: stalled: %lu timeouts in a row\n", what, row);
		c->stalled = true;
	}
	if (!probe_stats(s, ok, &st))
		printf("latency %-26s n=%zu err=%d  min %.1f  median %.1f  p99 %.1f  max %.1f us\n",
		       what, st.n, err, st.min, st.median, st.p99, st.max);
	else
		printf("latency %-26s: every request timed out\n", what);
	free(s);
	return 0;
}

static bool assigned(const struct ctx *c, uint32_t devfn)
{
	unsigned int i;

	for (i = 0; i < c->ndevs; i++)
		if (c->devs[i].devfn == devfn)
			return true;
	return false;
}

static int cmd_latency(struct ctx *c, unsigned long n)
{
	struct probe_req r;
	char what[64];

	if (!c->ndevs) {
		fprintf(stderr, "pcibk-probe: latency: no device assigned\n");
		return 2;
	}
	memset(&r, 0, sizeof(r));
	r.cmd = PROBE_CONF_READ;
	r.size = 4;
	r.domain = c->devs[0].domain;
	r.bus = c->devs[0].bus;
	r.devfn = c->devs[0].devfn;
	snprintf(what, sizeof(what), "%04x:%02x:%02x.%x (assigned)", r.domain,
		 r.bus, r.devfn >> 3, r.devfn & 7);
	measure(c, &r, n, what);
	for (r.devfn = 0xff; r.devfn > 0 && assigned(c, r.devfn); r.devfn--)
		;
	snprintf(what, sizeof(what), "%04x:%02x:%02x.%x (absent)", r.domain,
		 r.bus, r.devfn >> 3, r.devfn & 7);
	return measure(c, &r, n, what);
}

/* ---------------------------------------------------------------- main */

static int run(struct ctx *c, int argc, char **argv, int i)
{
	int rc = 0;

	while (i < argc && !rc && !c->stalled) {
		const char *cmd = argv[i++];

		if (!strcmp(cmd, "devices")) {
			unsigned int k;

			for (k = 0; k < c->ndevs; k++)
				printf("@%u %04x:%02x:%02x.%x\n", k, c->devs[k].domain,
				       c->devs[k].bus, c->devs[k].devfn >> 3,
				       c->devs[k].devfn & 7);
		} else if (!strcmp(cmd, "replay")) {
			if (i >= argc) {
				fprintf(stderr, "pcibk-probe: replay needs a FILE\n");
				return 2;
			}
			rc = cmd_replay(c, argv[i++]);
		} else if (!strcmp(cmd, "fuzz")) {
			unsigned long secs = 10;
			uint64_t seed = 0;

			for (; i + 1 < argc && !is_cmd(argv[i]); i += 2) {
				if (!strcmp(argv[i], "--seconds"))
					secs = (unsigned long)opt_num("--seconds", argv[i + 1], 0, 86400);
				else if (!strcmp(argv[i], "--seed"))
					seed = strtoull(argv[i + 1], NULL, 0);
				else
					break;
			}
			rc = cmd_fuzz(c, secs, seed);
		} else if (!strcmp(cmd, "latency")) {
			unsigned long n = 1000;

			if (i + 1 < argc && !strcmp(argv[i], "--count")) {
				n = (unsigned long)opt_num("--count", argv[i + 1], 1, 10000000);
				i += 2;
			}
			rc = cmd_latency(c, n);
		} else {
			fprintf(stderr, "pcibk-probe: unknown command or argument '%s'\n%s",
				cmd, usage);
			return 2;
		}
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct probe_opts o = { .domid = -1, .timeout_ms = 2000 };
	const struct probe_anomalies *an;
	struct ctx c;
	unsigned long bad;
	int i, rc;

	/* Results as they come, also when stdout is a console or a file. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(&c, 0, sizeof(c));
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage, stdout);
			return 0;
		} else if (!strcmp(a, "--version")) {
			printf("pcibk-probe " VERSION "\n");
			return 0;
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			o.verbose = true;
			c.verbose++;
		} else if (!strcmp(a, "-vv")) {
			o.verbose = true;
			c.verbose += 2;
		} else if (!strcmp(a, "--wait")) {
			o.wait_s = (unsigned int)opt_num(a, argv[++i], 0, 3600);
		} else if (!strcmp(a, "--force")) {
			o.force = true;
		} else if (!strcmp(a, "--manual")) {
			o.manual = true;
		} else if (!strcmp(a, "--domid")) {
			o.domid = (int)opt_num(a, argv[++i], 0, 0x7fef);
		} else if (!strcmp(a, "--timeout")) {
			o.timeout_ms = (unsigned int)opt_num(a, argv[++i], 1, 600000);
		} else if (!strcmp(a, "--path") && i + 1 < argc) {
			o.devpath = argv[++i];
		} else {
			fprintf(stderr, "pcibk-probe: unknown option '%s'\n%s", a, usage);
			return 2;
		}
	}
	if (i >= argc) {
		fputs(usage, stderr);
		return 2;
	}
	if (!is_cmd(argv[i])) {
		fprintf(stderr, "pcibk-probe: unknown command '%s'\n%s", argv[i], usage);
		return 2;
	}
	c.f = probe_connect(&o);
	if (!c.f)
		return 2;
	/* --manual: the backend has exported the devices once it left InitWait. */
	if (o.manual)
		probe_wait_backend(c.f, ~0u << 3, 10000, NULL);
	c.ndevs = probe_devs(c.f, c.devs, PROBE_MAX_DEVS);
	rc = run(&c, argc, argv, i);
	an = probe_anomalies(c.f);
	bad = an->changed_request + an->vector_beyond_nr + an->outside_op +
	      an->late_reply + an->bad_vector;
	printf("anomalies: %lu changed request, %lu vector past nr, %lu outside op, %lu late reply, %lu bad vector; %lu timeouts\n",
	       an->changed_request, an->vector_beyond_nr, an->outside_op,
	       an->late_reply, an->bad_vector, an->timeouts);
	if (c.stalled)
		printf("stalled: the backend stopped answering; later commands skipped\n");
	/* Decided before the disconnect: it frees what an points into. */
	if (!rc && (bad || an->timeouts))
		rc = 1;
	if (c.verbose)
		fprintf(stderr, "pcibk-probe: disconnecting\n");
	probe_disconnect(c.f);
	if (c.verbose)
		fprintf(stderr, "pcibk-probe: disconnected\n");
	if (rc)
		fprintf(stderr, "pcibk-probe: exit %d (%s)\n", rc,
			rc == 1 ? "anomalies or timeouts" : "error");
	return rc;
}
