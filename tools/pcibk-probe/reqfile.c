// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Request files for "pcibk-probe replay" (format in pcibk-probe.1):
 *
 *   # comment
 *   read         DEV OFFSET SIZE
 *   write        DEV OFFSET SIZE VALUE
 *   msi-enable   DEV
 *   msi-disable  DEV
 *   msix-enable  DEV NR [ENTRY...]
 *   msix-disable DEV
 *   raw          CMD DOMAIN BUS DEVFN OFFSET SIZE VALUE [INFO]
 *   post         REQUEST                  (send it, do not wait)
 *   reply                                 (wait for the posted one)
 *
 * and the directives: connect [MS], publish, key NAME VALUE, state N,
 * wait-backend S[,S...] [MS], backend, sleep MS, verdict.
 *
 * DEV is "@N" (the Nth assigned device) or DDDD:BB:SS.F / BB:SS.F.
 * Numbers are C literals (0x10, 16, -4).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "probe.h"

#define MAX_WORDS	(PROBE_MAX_VEC + 8)

static const char *const names[] = {
	"read", "write", "msi-enable", "msi-disable", "msix-enable",
	"msix-disable",
};

const char *probe_cmd_name(uint32_t cmd)
{
	static const char *const wire[] = {
		"conf_read", "conf_write", "enable_msi", "disable_msi",
		"enable_msix", "disable_msix", "aer_detected", "aer_resume",
		"aer_mmio", "aer_slotreset", "enable_multi_msi",
	};

	return cmd < sizeof(wire) / sizeof(wire[0]) ? wire[cmd] : "unknown";
}

static int fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

static bool num(const char *s, long long lo, long long hi, long long *v)
{
	char *end;

	errno = 0;
	*v = strtoll(s, &end, 0);
	return !errno && end != s && !*end && *v >= lo && *v <= hi;
}

int probe_parse_bdf(const char *s, uint32_t *domain, uint32_t *bus,
		    uint32_t *devfn)
{
	unsigned int d = 0, b, sl, fn;
	int n = -1;

	/* Hex digits and separators only: sscanf would take "0x" prefixes. */
	if (s[strspn(s, "0123456789abcdefABCDEF:.")])
		return -1;
	if (sscanf(s, "%x:%x:%x.%x%n", &d, &b, &sl, &fn, &n) == 4 && n > 0 &&
	    !s[n]) {
		/* ok */
	} else if (n = -1, d = 0,
		   sscanf(s, "%x:%x.%x%n", &b, &sl, &fn, &n) == 3 && n > 0 &&
		   !s[n]) {
		/* ok */
	} else {
		return -1;
	}
	if (d > 0xffff || b > 0xff || sl > 0x1f || fn > 7)
		return -1;
	*domain = d;
	*bus = b;
	*devfn = sl << 3 | fn;
	return 0;
}

static int parse_dev(const char *s, struct probe_req *r)
{
	long long v;

	if (s[0] == '@') {
		if (!num(s + 1, 0, PROBE_MAX_DEVS - 1, &v))
			return -1;
		r->dev_ref = (int)v;
		return 0;
	}
	return probe_parse_bdf(s, &r->domain, &r->bus, &r->devfn);
}

static int split(char *buf, char **w)
{
	int n = 0;
	char *p = buf;

	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (!*p || *p == '#')
			return n;
		if (n == MAX_WORDS)
			return -1;
		w[n++] = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		if (*p)
			*p++ = 0;
	}
}

/* Numeric arguments from index first on, into the request fields. */
static int args(char **w, int n, int first, struct probe_req *r, char *err,
		size_t errlen)
{
	long long v;
	int i;

	for (i = first; i < n; i++) {
		if (!num(w[i], -0x80000000ll, 0xffffffffll, &v))
			return fail(err, errlen, "bad number '%s'", w[i]);
		switch (i - first) {
		case 0: r->offset = (int32_t)v; break;
		case 1: r->size = (int32_t)v; break;
		case 2: r->value = (uint32_t)v; break;
		default: r->info = (uint32_t)v; break;
		}
	}
	return 0;
}

static int parse_raw(char **w, int n, struct probe_req *r, char *err,
		     size_t errlen)
{
	long long v[4];
	int i;

	if (n < 8 || n > 9)
		return fail(err, errlen, "raw: CMD DOMAIN BUS DEVFN OFFSET SIZE VALUE [INFO]");
	for (i = 0; i < 4; i++)
		if (!num(w[1 + i], 0, 0xffffffffll, &v[i]))
			return fail(err, errlen, "bad number '%s'", w[1 + i]);
	r->cmd = (uint32_t)v[0];
	r->domain = (uint32_t)v[1];
	r->bus = (uint32_t)v[2];
	r->devfn = (uint32_t)v[3];
	return args(w, n, 5, r, err, errlen);
}

/* Directives; returns 1 if w[0] is one (0 if not, -1 on an error). */
static int parse_directive(char **w, int n, struct probe_req *r, char *err,
			   size_t errlen)
{
	static const struct {
		const char *name;
		unsigned int dir;
		int min, max;		/* words, the name included */
	} dirs[] = {
		{ "connect", PROBE_DIR_CONNECT, 1, 2 },
		{ "publish", PROBE_DIR_PUBLISH, 1, 1 },
		{ "key", PROBE_DIR_KEY, 3, 3 },
		{ "state", PROBE_DIR_STATE, 2, 2 },
		{ "wait-backend", PROBE_DIR_WAIT_BACKEND, 2, 3 },
		{ "backend", PROBE_DIR_BACKEND, 1, 1 },
		{ "sleep", PROBE_DIR_SLEEP, 2, 2 },
		{ "reply", PROBE_DIR_REPLY, 1, 1 },
		{ "verdict", PROBE_DIR_VERDICT, 1, 1 },
	};
	unsigned int i;
	long long v;
	char *p, *q;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (!strcmp(w[0], dirs[i].name))
			break;
	if (i == sizeof(dirs) / sizeof(dirs[0]))
		return 0;
	if (n < dirs[i].min || n > dirs[i].max)
		return fail(err, errlen, "%s: wrong number of arguments", w[0]);
	r->dir = dirs[i].dir;
	switch (r->dir) {
	case PROBE_DIR_CONNECT:
		r->ms = 10000;
		if (n == 2 && !num(w[1], 0, 600000, &v))
			return fail(err, errlen, "connect [MS]: bad MS '%s'", w[1]);
		if (n == 2)
			r->ms = (unsigned int)v;
		break;
	case PROBE_DIR_KEY:
		if (strlen(w[1]) >= PROBE_KEY_LEN || strlen(w[2]) >= PROBE_VAL_LEN ||
		    strchr(w[1], '/'))
			return fail(err, errlen, "key NAME VALUE: bad or too long");
		strcpy(r->key, w[1]);
		strcpy(r->val, w[2]);
		break;
	case PROBE_DIR_STATE:
		if (!num(w[1], 0, 0xffff, &v))
			return fail(err, errlen, "state N: bad N '%s'", w[1]);
		r->state = (unsigned int)v;
		break;
	case PROBE_DIR_WAIT_BACKEND:
		r->ms = 5000;
		for (p = w[1]; p; p = q) {
			q = strchr(p, ',');
			if (q)
				*q++ = 0;
			if (!num(p, 0, 31, &v))
				return fail(err, errlen, "wait-backend: bad state '%s'", p);
			r->states |= 1u << v;
		}
		if (n == 3 && !num(w[2], 0, 600000, &v))
			return fail(err, errlen, "wait-backend: bad MS '%s'", w[2]);
		if (n == 3)
			r->ms = (unsigned int)v;
		break;
	case PROBE_DIR_SLEEP:
		if (!num(w[1], 0, 600000, &v))
			return fail(err, errlen, "sleep MS: bad MS '%s'", w[1]);
		r->ms = (unsigned int)v;
		break;
	default:
		break;
	}
	return 1;
}

static int parse_words(char **w, int n, struct probe_req *r, char *err,
		       size_t errlen)
{
	static const int nargs[] = { 4, 5, 2, 2, -1, 2 };
	long long v;
	unsigned int cmd, i;
	int rc;

	if (!strcmp(w[0], "raw"))
		return parse_raw(w, n, r, err, errlen) ? -1 : 1;
	if (!strcmp(w[0], "post")) {
		if (n < 2 || !strcmp(w[1], "post"))
			return fail(err, errlen, "post REQUEST");
		rc = parse_words(w + 1, n - 1, r, err, errlen);
		if (rc < 0)
			return rc;
		if (r->dir)
			return fail(err, errlen, "post takes a request, not '%s'", w[1]);
		r->post = true;
		return 1;
	}
	rc = parse_directive(w, n, r, err, errlen);
	if (rc)
		return rc;
	for (cmd = 0; cmd < sizeof(names) / sizeof(names[0]); cmd++)
		if (!strcmp(w[0], names[cmd]))
			break;
	if (cmd == sizeof(names) / sizeof(names[0]))
		return fail(err, errlen, "unknown request '%s'", w[0]);
	r->cmd = cmd;
	if (nargs[cmd] > 0 && n != nargs[cmd])
		return fail(err, errlen, "%s takes %d arguments", w[0],
			    nargs[cmd] - 1);
	if (n < 2 || parse_dev(w[1], r))
		return fail(err, errlen, "bad device '%s'", n < 2 ? "" : w[1]);
	if (cmd != PROBE_ENABLE_MSIX)
		return args(w, n, 2, r, err, errlen) ? -1 : 1;

	if (n < 3 || !num(w[2], 0, 0xffffffffll, &v))
		return fail(err, errlen, "msix-enable DEV NR [ENTRY...]");
	r->value = (uint32_t)v;
	if (n > 3 && (unsigned int)(n - 3) != r->value)
		return fail(err, errlen, "%u entries given for NR %u", n - 3,
			    r->value);
	r->nr_entries = r->value < PROBE_MAX_VEC ? r->value : PROBE_MAX_VEC;
	for (i = 0; i < r->nr_entries; i++) {
		r->entry[i] = (uint16_t)i;
		if (n > 3 && !num(w[3 + i], 0, 0xffff, &v))
			return fail(err, errlen, "bad entry '%s'", w[3 + i]);
		if (n > 3)
			r->entry[i] = (uint16_t)v;
	}
	return 1;
}

int probe_parse_line(const char *line, struct probe_req *r, char *err,
		     size_t errlen)
{
	char buf[4096], *w[MAX_WORDS];
	int n;

	if (strlen(line) >= sizeof(buf))
		return fail(err, errlen, "line too long");
	strcpy(buf, line);
	n = split(buf, w);
	if (n < 0)
		return fail(err, errlen, "too many words");
	if (!n)
		return 0;
	memset(r, 0, sizeof(*r));
	r->dev_ref = -1;
	return parse_words(w, n, r, err, errlen);
}

int probe_parse_file(FILE *fp, struct probe_req **out, char *err, size_t errlen)
{
	struct probe_req *v = NULL, *nv, r;
	char line[4096], msg[256];
	unsigned int lineno = 0;
	size_t n = 0, cap = 0;
	int rc;

	while (fgets(line, sizeof(line), fp)) {
		lineno++;
		line[strcspn(line, "\n")] = 0;
		rc = probe_parse_line(line, &r, msg, sizeof(msg));
		if (rc < 0) {
			free(v);
			return fail(err, errlen, "line %u: %s", lineno, msg);
		}
		if (!rc)
			continue;
		r.line = lineno;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				return fail(err, errlen, "out of memory");
			}
			v = nv;
		}
		v[n++] = r;
	}
	*out = v;
	return (int)n;
}

void probe_req_str(const struct probe_req *r, char *buf, size_t len)
{
	char dev[40];

	if (r->dev_ref >= 0)
		snprintf(dev, sizeof(dev), "@%d", r->dev_ref);
	else if (r->domain <= 0xffff && r->bus <= 0xff && r->devfn <= 0xff)
		snprintf(dev, sizeof(dev), "%04x:%02x:%02x.%x", r->domain,
			 r->bus, r->devfn >> 3, r->devfn & 7);
	else
		snprintf(dev, sizeof(dev), "%#x/%#x/%#x", r->domain, r->bus,
			 r->devfn);
	switch (r->cmd) {
	case PROBE_CONF_READ:
		snprintf(buf, len, "conf_read %s %#x/%d", dev, r->offset, r->size);
		break;
	case PROBE_CONF_WRITE:
		snprintf(buf, len, "conf_write %s %#x/%d = %#x", dev, r->offset,
			 r->size, r->value);
		break;
	case PROBE_ENABLE_MSIX:
		snprintf(buf, len, "enable_msix %s nr %u", dev, r->value);
		break;
	default:
		snprintf(buf, len, "%s(%u) %s off %#x size %d value %#x info %#x",
			 probe_cmd_name(r->cmd), r->cmd, dev, r->offset, r->size,
			 r->value, r->info);
		break;
	}
}
