// SPDX-License-Identifier: GPL-2.0-only
/*
 * harden-status against the real module: the exit code in each situation
 * (at the floor, after a lowering, without the module, as nobody, with a
 * lowering boot file in warn and in enforce mode), the writer in the
 * table, --json through a strict parser, --prometheus line by line.
 *
 * The initramfs carries /usr/lib/sysctl.d/10-default-yama-scope.conf
 * (ptrace_scope = 0, as elfutils ships it). In warn mode that file alone
 * makes the exit code 1, so the tests that need a clean boot
 * configuration rename it out of the way and the fixture puts it back.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "hd_test.h"

#define TOOL		"/bin/harden-status"
#define YAMA_CONF	"/usr/lib/sysctl.d/10-default-yama-scope.conf"
#define YAMA_AWAY	YAMA_CONF ".away"	/* not *.conf: not read */
#define SYSTEMD_SYSCTL	"/usr/lib/systemd/systemd-sysctl"
#define TABLE_HEAD \
	"SYSCTL                   VALUE FLOOR STATE     EVENTS LAST EVENT\n"
#define YAMA_FINDING \
	"  " YAMA_CONF ":1 sets kernel.yama.ptrace_scope = 0 (floor 1)\n"

/* ---------------------------------------------------------------- */
/* Running things                                                    */
/* ---------------------------------------------------------------- */

struct run {
	int rc;		/* exit status, 128 + signal, or -errno */
	pid_t pid;
	char *out;	/* stdout, NUL-terminated */
	char *err;	/* stderr */
};

static char *slurp(int fd)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap), *nbuf;
	ssize_t n;

	if (!buf)
		return NULL;
	for (;;) {
		if (len + 1 >= cap) {
			cap *= 2;
			nbuf = realloc(buf, cap);
			if (!nbuf) {
				free(buf);
				return NULL;
			}
			buf = nbuf;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	buf[len] = '\0';
	return buf;
}

/* Run argv as @uid (0: as we are), stdout and stderr captured. */
static int run_capture(uid_t uid, char *const argv[], struct run *r)
{
	int fds[2], status;
	FILE *err;

	memset(r, 0, sizeof(*r));
	err = tmpfile();
	if (!err || pipe(fds))
		return r->rc = -errno;
	fflush(NULL);
	r->pid = fork();
	if (r->pid < 0)
		return r->rc = -errno;
	if (!r->pid) {
		if (uid && (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
			    setresuid(uid, uid, uid)))
			_exit(125);
		dup2(fds[1], 1);
		dup2(fileno(err), 2);
		close(fds[0]);
		close(fds[1]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	r->out = slurp(fds[0]);
	close(fds[0]);
	if (waitpid(r->pid, &status, 0) < 0)
		return r->rc = -errno;
	rewind(err);
	r->err = slurp(fileno(err));
	fclose(err);
	if (!r->out || !r->err)
		return r->rc = -ENOMEM;
	r->rc = WIFEXITED(status) ? WEXITSTATUS(status) :
		128 + WTERMSIG(status);
	return r->rc;
}

/* harden-status with up to two options, as @uid. */
static int tool(uid_t uid, struct run *r, const char *opt)
{
	char *argv[] = { TOOL, (char *)opt, NULL };

	return run_capture(uid, argv, r);
}

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

/* sh -c CMD, output discarded; its pid through pidp. */
static int sh(const char *cmd, pid_t *pidp)
{
	char *argv[] = { "/bin/sh", "-c", (char *)cmd, NULL };
	struct run r;
	int rc;

	rc = run_capture(0, argv, &r);
	if (pidp)
		*pidp = r.pid;
	run_free(&r);
	return rc;
}

static int hide_boot_conf(void)
{
	return rename(YAMA_CONF, YAMA_AWAY) ? -errno : 0;
}

static void restore_boot_conf(void)
{
	if (!access(YAMA_AWAY, F_OK))
		rename(YAMA_AWAY, YAMA_CONF);
}

/*
 * The table row of @sysctl, split into its columns. The last column is
 * the rest of the line (the last event has blanks in it).
 */
struct row {
	char value[16], floor[16], state[16], events[24], last[320];
};

static int table_row(const char *out, const char *sysctl, struct row *row)
{
	char key[64], fmt[64];
	const char *p = out;
	size_t len = strlen(sysctl);

	while (p && *p) {
		if (!strncmp(p, sysctl, len) && p[len] == ' ') {
			snprintf(fmt, sizeof(fmt),
				 "%%63s %%15s %%15s %%15s %%23s %%319[^\n]");
			if (sscanf(p, fmt, key, row->value, row->floor,
				   row->state, row->events, row->last) != 6)
				return -EINVAL;
			return 0;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -ENOENT;
}

/* Does @text hold @line as a whole line (@line ends in "\n")? */
static bool has_line(const char *text, const char *line)
{
	const char *p = text;

	while ((p = strstr(p, line))) {
		if (p == text || p[-1] == '\n')
			return true;
		p++;
	}
	return false;
}

/* ---------------------------------------------------------------- */
/* A strict JSON parser (RFC 8259), small enough to read in a sitting */
/* ---------------------------------------------------------------- */

enum jtype { J_NULL, J_FALSE, J_TRUE, J_NUM, J_STR, J_ARR, J_OBJ };

struct jv {
	enum jtype t;
	bool integer;		/* J_NUM without fraction or exponent */
	long long i;
	char *s;		/* J_STR, decoded */
	size_t n;		/* J_ARR, J_OBJ: members */
	char **keys;		/* J_OBJ */
	struct jv *v;		/* J_ARR, J_OBJ */
};

struct jparse {
	const char *p, *start;
	int depth;
	char err[128];
};

static bool jfail(struct jparse *jp, const char *what)
{
	if (!*jp->err)
		snprintf(jp->err, sizeof(jp->err), "offset %ld: %s",
			 (long)(jp->p - jp->start), what);
	return false;
}

static void jws(struct jparse *jp)
{
	while (*jp->p == ' ' || *jp->p == '\t' || *jp->p == '\n' ||
	       *jp->p == '\r')
		jp->p++;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool jhex4(struct jparse *jp, unsigned int *cp)
{
	int i, h;

	*cp = 0;
	for (i = 0; i < 4; i++) {
		h = hexval(jp->p[i]);
		if (h < 0)
			return jfail(jp, "bad \\u escape");
		*cp = *cp << 4 | h;
	}
	jp->p += 4;
	return true;
}

static size_t utf8_put(char *out, unsigned int cp)
{
	if (cp < 0x80) {
		out[0] = cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = 0xc0 | cp >> 6;
		out[1] = 0x80 | (cp & 0x3f);
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = 0xe0 | cp >> 12;
		out[1] = 0x80 | (cp >> 6 & 0x3f);
		out[2] = 0x80 | (cp & 0x3f);
		return 3;
	}
	out[0] = 0xf0 | cp >> 18;
	out[1] = 0x80 | (cp >> 12 & 0x3f);
	out[2] = 0x80 | (cp >> 6 & 0x3f);
	out[3] = 0x80 | (cp & 0x3f);
	return 4;
}

/*
 * A string. Raw bytes must be printable ASCII: harden-status promises
 * ASCII output (it escapes everything else), so anything else is a bug
 * even where JSON would allow UTF-8.
 */
static bool jstring(struct jparse *jp, char **out)
{
	const char *q;
	unsigned int cp, lo;
	char *s;
	size_t n = 0;

	if (*jp->p != '"')
		return jfail(jp, "expected a string");
	jp->p++;
	for (q = jp->p; *q && *q != '"'; q++)
		if (*q == '\\' && q[1])
			q++;
	s = malloc(4 * (q - jp->p) + 1);	/* \uXXXX never grows */
	if (!s)
		return jfail(jp, "out of memory");
	for (;;) {
		unsigned char c = *jp->p;

		if (!c) {
			free(s);
			return jfail(jp, "unterminated string");
		}
		if (c == '"')
			break;
		if (c < 0x20 || c >= 0x7f) {
			free(s);
			return jfail(jp, "raw control or non-ASCII byte in string");
		}
		jp->p++;
		if (c != '\\') {
			s[n++] = c;
			continue;
		}
		c = *jp->p++;
		switch (c) {
		case '"': case '\\': case '/':
			s[n++] = c; break;
		case 'b': s[n++] = '\b'; break;
		case 'f': s[n++] = '\f'; break;
		case 'n': s[n++] = '\n'; break;
		case 'r': s[n++] = '\r'; break;
		case 't': s[n++] = '\t'; break;
		case 'u':
			if (!jhex4(jp, &cp))
				goto bad;
			if (cp >= 0xdc00 && cp <= 0xdfff) {
				jfail(jp, "lone low surrogate");
				goto bad;
			}
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (jp->p[0] != '\\' || jp->p[1] != 'u') {
					jfail(jp, "lone high surrogate");
					goto bad;
				}
				jp->p += 2;
				if (!jhex4(jp, &lo))
					goto bad;
				if (lo < 0xdc00 || lo > 0xdfff) {
					jfail(jp, "bad surrogate pair");
					goto bad;
				}
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				     (lo - 0xdc00);
			}
			if (!cp) {
				jfail(jp, "\\u0000 in a string");
				goto bad;
			}
			n += utf8_put(s + n, cp);
			break;
		default:
			jp->p--;
			jfail(jp, "bad escape");
			goto bad;
		}
	}
	jp->p++;
	s[n] = '\0';
	*out = s;
	return true;
bad:
	free(s);
	return false;
}

static bool jnumber(struct jparse *jp, struct jv *v)
{
	const char *q = jp->p;
	char *end;

	v->t = J_NUM;
	v->integer = true;
	if (*q == '-')
		q++;
	if (*q == '0')
		q++;
	else if (*q >= '1' && *q <= '9')
		while (isdigit((unsigned char)*q))
			q++;
	else
		return jfail(jp, "bad number");
	if (*q == '.') {
		v->integer = false;
		q++;
		if (!isdigit((unsigned char)*q))
			return jfail(jp, "bad fraction");
		while (isdigit((unsigned char)*q))
			q++;
	}
	if (*q == 'e' || *q == 'E') {
		v->integer = false;
		q++;
		if (*q == '+' || *q == '-')
			q++;
		if (!isdigit((unsigned char)*q))
			return jfail(jp, "bad exponent");
		while (isdigit((unsigned char)*q))
			q++;
	}
	if (v->integer) {
		errno = 0;
		v->i = strtoll(jp->p, &end, 10);
		if (errno || end != q)
			return jfail(jp, "integer out of range");
	}
	jp->p = q;
	return true;
}

static bool jvalue(struct jparse *jp, struct jv *v);

static bool jgrow(struct jparse *jp, struct jv *v, bool keys)
{
	struct jv *nv;
	char **nk;

	nv = realloc(v->v, (v->n + 1) * sizeof(*v->v));
	if (!nv)
		return jfail(jp, "out of memory");
	v->v = nv;
	memset(&v->v[v->n], 0, sizeof(*v->v));
	if (keys) {
		nk = realloc(v->keys, (v->n + 1) * sizeof(*v->keys));
		if (!nk)
			return jfail(jp, "out of memory");
		v->keys = nk;
		v->keys[v->n] = NULL;
	}
	return true;
}

static bool jcontainer(struct jparse *jp, struct jv *v, bool obj)
{
	char close = obj ? '}' : ']';
	size_t i;

	if (++jp->depth > 32)
		return jfail(jp, "nested too deep");
	v->t = obj ? J_OBJ : J_ARR;
	jp->p++;
	jws(jp);
	if (*jp->p == close) {
		jp->p++;
		jp->depth--;
		return true;
	}
	for (;;) {
		if (!jgrow(jp, v, obj))
			return false;
		v->n++;
		if (obj) {
			jws(jp);
			if (!jstring(jp, &v->keys[v->n - 1]))
				return false;
			for (i = 0; i + 1 < v->n; i++)
				if (!strcmp(v->keys[i], v->keys[v->n - 1]))
					return jfail(jp, "duplicate key");
			jws(jp);
			if (*jp->p != ':')
				return jfail(jp, "expected ':'");
			jp->p++;
		}
		if (!jvalue(jp, &v->v[v->n - 1]))
			return false;
		jws(jp);
		if (*jp->p == ',') {
			jp->p++;
			continue;
		}
		if (*jp->p == close) {
			jp->p++;
			jp->depth--;
			return true;
		}
		return jfail(jp, obj ? "expected ',' or '}'" :
				       "expected ',' or ']'");
	}
}

static bool jvalue(struct jparse *jp, struct jv *v)
{
	jws(jp);
	switch (*jp->p) {
	case '{':
		return jcontainer(jp, v, true);
	case '[':
		return jcontainer(jp, v, false);
	case '"':
		v->t = J_STR;
		return jstring(jp, &v->s);
	case 't':
		v->t = J_TRUE;
		if (strncmp(jp->p, "true", 4))
			return jfail(jp, "bad literal");
		jp->p += 4;
		return true;
	case 'f':
		v->t = J_FALSE;
		if (strncmp(jp->p, "false", 5))
			return jfail(jp, "bad literal");
		jp->p += 5;
		return true;
	case 'n':
		v->t = J_NULL;
		if (strncmp(jp->p, "null", 4))
			return jfail(jp, "bad literal");
		jp->p += 4;
		return true;
	default:
		return jnumber(jp, v);
	}
}

static void jfree(struct jv *v)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		jfree(&v->v[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->v);
	free(v->keys);
	free(v->s);
	memset(v, 0, sizeof(*v));
}

/* Parse a whole document; on failure the reason is in @err. */
static bool json_parse(const char *text, struct jv *v, char *err,
		       size_t size)
{
	struct jparse jp = { .p = text, .start = text };
	bool ok;

	memset(v, 0, sizeof(*v));
	ok = jvalue(&jp, v);
	if (ok) {
		jws(&jp);
		if (*jp.p)
			ok = jfail(&jp, "trailing data");
	}
	if (!ok)
		jfree(v);
	snprintf(err, size, "%s", jp.err);
	return ok;
}

static const struct jv *jget(const struct jv *obj, const char *key)
{
	size_t i;

	if (!obj || obj->t != J_OBJ)
		return NULL;
	for (i = 0; i < obj->n; i++)
		if (!strcmp(obj->keys[i], key))
			return &obj->v[i];
	return NULL;
}

/* Typed getters; a missing key or a wrong type gives a sentinel. */
static long long jint(const struct jv *obj, const char *key)
{
	const struct jv *v = jget(obj, key);

	return v && v->t == J_NUM && v->integer ? v->i : -999999;
}

static const char *jstr(const struct jv *obj, const char *key)
{
	const struct jv *v = jget(obj, key);

	return v && v->t == J_STR ? v->s : "<not a string>";
}

static bool jis(const struct jv *obj, const char *key, enum jtype t)
{
	const struct jv *v = jget(obj, key);

	return v && v->t == t;
}

/* Exactly these keys, in any order. */
static bool jkeys(const struct jv *obj, const char *const *keys)
{
	size_t n = 0;

	for (; keys[n]; n++)
		if (!jget(obj, keys[n]))
			return false;
	return obj->t == J_OBJ && obj->n == n;
}

static const struct jv *jknob(const struct jv *doc, const char *name)
{
	const struct jv *knobs = jget(doc, "knobs");
	size_t i;

	if (!knobs || knobs->t != J_ARR)
		return NULL;
	for (i = 0; i < knobs->n; i++)
		if (!strcmp(jstr(&knobs->v[i], "knob"), name))
			return &knobs->v[i];
	return NULL;
}

static const char *const top_keys[] = {
	"module_loaded", "version", "mode", "secure_boot", "knobs",
	"boot_config", "status", "exit_code", NULL
};
static const char *const knob_keys[] = {
	"knob", "sysctl", "value", "floor", "state", "events", "detector",
	"last_event", NULL
};
static const char *const event_keys[] = {
	"time", "pid", "comm", "uid", "auid", "old", "new", "action", NULL
};
static const char *const finding_keys[] = {
	"sysctl", "value", "floor", "file", "line", "package", NULL
};

/* ---------------------------------------------------------------- */
/* The Prometheus text exposition format, line by line               */
/* ---------------------------------------------------------------- */

static const char *metric_name(const char *p)
{
	if (!isalpha((unsigned char)*p) && *p != '_' && *p != ':')
		return NULL;
	while (isalnum((unsigned char)*p) || *p == '_' || *p == ':')
		p++;
	return p;
}

static const char *label_name(const char *p)
{
	if (!isalpha((unsigned char)*p) && *p != '_')
		return NULL;
	while (isalnum((unsigned char)*p) || *p == '_')
		p++;
	return p;
}

/* A float as Go's ParseFloat takes it, or NaN, +Inf, -Inf. */
static bool prom_float(const char *s, double *val)
{
	char *end;

	if (!strcmp(s, "NaN") || !strcmp(s, "+Inf") || !strcmp(s, "-Inf")) {
		*val = 0;
		return true;
	}
	if (!*s || !(isdigit((unsigned char)*s) || *s == '-' || *s == '+' ||
		     *s == '.'))
		return false;
	errno = 0;
	*val = strtod(s, &end);
	return !errno && !*end;
}

#define MAX_FAMILIES	32
#define MAX_SERIES	128

struct prom {
	char family[MAX_FAMILIES][128];
	char type[MAX_FAMILIES][16];
	bool help[MAX_FAMILIES];
	int nfamilies;
	int current;		/* family of the last sample, -1 none */
	bool done[MAX_FAMILIES];	/* family left behind */
	char series[MAX_SERIES][256];
	int nseries;
};

static int prom_family(struct prom *pr, const char *name, size_t len)
{
	int i;

	for (i = 0; i < pr->nfamilies; i++)
		if (strlen(pr->family[i]) == len &&
		    !strncmp(pr->family[i], name, len))
			return i;
	if (pr->nfamilies == MAX_FAMILIES || len >= sizeof(pr->family[0]))
		return -1;
	snprintf(pr->family[i], sizeof(pr->family[i]), "%.*s", (int)len, name);
	pr->nfamilies++;
	return i;
}

/* "# HELP name text" or "# TYPE name type" or another comment. */
static const char *prom_comment(struct prom *pr, const char *line)
{
	static const char *const types[] = {
		"counter", "gauge", "histogram", "summary", "untyped", NULL
	};
	const char *name, *end, *rest;
	bool help = !strncmp(line, "# HELP ", 7);
	int f, i;

	if (!help && strncmp(line, "# TYPE ", 7))
		return NULL;	/* a plain comment */
	name = line + 7;
	end = metric_name(name);
	if (!end || *end != ' ')
		return "bad metric name in HELP/TYPE";
	f = prom_family(pr, name, end - name);
	if (f < 0)
		return "too many families";
	rest = end + 1;
	if (help) {
		if (pr->help[f])
			return "second HELP for a family";
		pr->help[f] = true;
		for (; *rest; rest++)
			if (*rest == '\\' && rest[1] != '\\' && rest[1] != 'n')
				return "bad escape in HELP";
			else if (*rest == '\\')
				rest++;
		return NULL;
	}
	if (*pr->type[f])
		return "second TYPE for a family";
	if (pr->done[f] || pr->current == f)
		return "TYPE after the family's samples";
	for (i = 0; types[i]; i++)
		if (!strcmp(rest, types[i]))
			break;
	if (!types[i])
		return "unknown TYPE";
	snprintf(pr->type[f], sizeof(pr->type[f]), "%s", rest);
	return NULL;
}

/* name{l="v",...} value [timestamp] */
static const char *prom_sample_line(struct prom *pr, const char *line)
{
	const char *p = line, *end, *series_end;
	char names[8][64], num[64];
	int nlabels = 0, f, i;
	double val;
	size_t len;

	end = metric_name(p);
	if (!end)
		return "bad metric name";
	f = prom_family(pr, p, end - p);
	if (f < 0)
		return "too many families";
	if (!*pr->type[f])
		return "sample without a TYPE line before it";
	if (pr->done[f])
		return "family's samples not contiguous";
	if (pr->current >= 0 && pr->current != f)
		pr->done[pr->current] = true;
	pr->current = f;
	p = end;
	if (*p == '{') {
		p++;
		while (*p != '}') {
			end = label_name(p);
			if (!end || end - p >= 64)
				return "bad label name";
			if (nlabels == 8)
				return "too many labels";
			snprintf(names[nlabels], 64, "%.*s", (int)(end - p), p);
			for (i = 0; i < nlabels; i++)
				if (!strcmp(names[i], names[nlabels]))
					return "duplicate label";
			nlabels++;
			p = end;
			if (p[0] != '=' || p[1] != '"')
				return "expected =\" after a label name";
			for (p += 2; *p != '"'; p++) {
				if (!*p)
					return "unterminated label value";
				if (*p == '\\') {
					p++;
					if (*p != '\\' && *p != '"' && *p != 'n')
						return "bad escape in label value";
				}
			}
			p++;
			if (*p == ',' && p[1] != '}')
				p++;
			else if (*p != '}')
				return "expected , or } after a label";
		}
		p++;
	}
	series_end = p;
	if (*p != ' ')
		return "expected one blank before the value";
	p++;
	len = strcspn(p, " ");
	if (!len || len >= sizeof(num))
		return "bad value";
	snprintf(num, sizeof(num), "%.*s", (int)len, p);
	if (!prom_float(num, &val))
		return "value is not a number";
	if (!strcmp(pr->type[f], "counter") && val < 0)
		return "negative counter";
	p += len;
	if (*p) {
		long long ts;
		char *tend;

		errno = 0;
		ts = strtoll(p + 1, &tend, 10);
		if (p[1] == '\0' || errno || *tend || ts < 0)
			return "bad timestamp";
	}
	/* No series twice. */
	if (series_end - line >= 256 || pr->nseries == MAX_SERIES)
		return "series too long or too many";
	for (i = 0; i < pr->nseries; i++)
		if (strlen(pr->series[i]) == (size_t)(series_end - line) &&
		    !strncmp(pr->series[i], line, series_end - line))
			return "duplicate series";
	snprintf(pr->series[pr->nseries++], 256, "%.*s",
		 (int)(series_end - line), line);
	return NULL;
}

/*
 * Check a whole exposition. Returns NULL when well formed, else what is
 * wrong; the 1-based line number goes to *lineno.
 */
static const char *prom_check(const char *text, int *lineno)
{
	struct prom *pr = calloc(1, sizeof(*pr));
	const char *p = text, *nl, *why = NULL;
	char line[1024];
	int f;

	*lineno = 0;
	if (!pr)
		return "out of memory";
	pr->current = -1;
	if (!*text)
		why = "empty";
	else if (text[strlen(text) - 1] != '\n')
		why = "no newline at the end";
	while (!why && *p) {
		nl = strchr(p, '\n');
		++*lineno;
		if (nl - p >= (long)sizeof(line)) {
			why = "line too long";
			break;
		}
		snprintf(line, sizeof(line), "%.*s", (int)(nl - p), p);
		p = nl + 1;
		if (strchr(line, '\r') || strchr(line, '\t'))
			why = "CR or TAB in a line";
		else if (!*line)
			why = "empty line";	/* legal, but we print none */
		else if (line[0] == '#')
			why = prom_comment(pr, line);
		else
			why = prom_sample_line(pr, line);
	}
	/* Every family has HELP and TYPE; counters end in _total. */
	for (f = 0; !why && f < pr->nfamilies; f++) {
		size_t len = strlen(pr->family[f]);

		if (!pr->help[f] || !*pr->type[f])
			why = "family without HELP or TYPE";
		else if (!strcmp(pr->type[f], "counter") &&
			 (len < 6 || strcmp(pr->family[f] + len - 6, "_total")))
			why = "counter not named *_total";
		if (why)
			*lineno = 0;
	}
	free(pr);
	return why;
}

/* The value of one series (exact name and labels), or -1 when absent. */
static double prom_value(const char *text, const char *series)
{
	const char *p = text;
	size_t len = strlen(series);

	while (p && *p) {
		if (!strncmp(p, series, len) && p[len] == ' ')
			return strtod(p + len + 1, NULL);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

/* ---------------------------------------------------------------- */
/* The checkers must reject what they should: tests without a module  */
/* ---------------------------------------------------------------- */

TEST(json_checker)
{
	static const char *const bad[] = {
		"", "{", "{}}", "[1,]", "{\"a\":1,}", "{\"a\" 1}",
		"{\"a\":1,\"a\":2}", "[01]", "[1.]", "[.5]", "[1e]", "[+1]",
		"[-]", "[\"\\x41\"]", "[\"a\nb\"]", "[\"\\ud800\"]",
		"[\"\\udc00\"]", "[\"\\u12\"]", "[tru]", "[nul]", "[True]",
		"{a:1}", "['a']", "[1] [2]", "[\"\xc3\xa9\"]", "[NaN]",
		"[\"\\u0000\"]", "{\"a\":1}x",
	};
	static const char *const good[] = {
		"{}", "[]", " [ 1 , -0 , 2.5e-3 , true , false , null ] ",
		"{\"a\":{\"b\":[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\"]}}",
		"\"x\"", "0",
	};
	char err[128];
	struct jv v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_FALSE(json_parse(bad[i], &v, err, sizeof(err)))
			TH_LOG("accepted bad JSON #%zu: %s", i, bad[i]);
	}
	for (i = 0; i < ARRAY_SIZE(good); i++) {
		EXPECT_TRUE(json_parse(good[i], &v, err, sizeof(err)))
			TH_LOG("rejected good JSON #%zu: %s", i, err);
		jfree(&v);
	}
	ASSERT_TRUE(json_parse("{\"k\":[{\"n\":-42,\"s\":\"\\u0041\"}]}", &v,
			       err, sizeof(err)));
	EXPECT_EQ(-42, jint(&jget(&v, "k")->v[0], "n"));
	EXPECT_STREQ("A", jstr(&jget(&v, "k")->v[0], "s"));
	jfree(&v);
}

TEST(prometheus_checker)
{
#define H "# HELP x_total Things.\n# TYPE x_total counter\n"
	static const char *const bad[] = {
		"", "x_total 1\n", H "x_total 1", "x_total{a=\"1\"} 1\n",
		H "x_total{a=1} 1\n", H "x_total{a=\"1\"}  1\n",
		H "x_total{a=\"1\",a=\"2\"} 1\n", H "x_total{1a=\"1\"} 1\n",
		H "x_total{a=\"\\t\"} 1\n", H "x_total{a=\"1\"} one\n",
		H "x_total{a=\"1\"} -1\n", H "x_total 1\nx_total 2\n",
		H "x_total 1 x\n", H "x_total{a=\"1\"\n", H "x_total{a=\"1\"}1\n",
		H "x_total 1\n\n", H "x_total\t1\n", H "x_total{a=\"1\",} 1\n",
		"# TYPE x_total counter\nx_total 1\n",
		H "# TYPE x_total counter\nx_total 1\n",
		"# HELP y Y.\n# TYPE y counter\ny 1\n",
		H "# HELP g G.\n# TYPE g gauge\nx_total 1\ng 1\nx_total{a=\"b\"} 2\n",
		H "x_total 1\r\n", "# HELP x_total A\\x.\n# TYPE x_total counter\nx_total 1\n",
	};
	static const char *const good =
		H "x_total{a=\"q\\\"\\\\\\n\",b=\"\"} 3 1700000000000\n"
		"x_total 0\n# a comment\n"
		"# HELP g A gauge.\n# TYPE g gauge\ng -1.5e3\ng{c=\"d\"} NaN\n";
#undef H
	size_t i;
	int line;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		const char *why = prom_check(bad[i], &line);

		EXPECT_TRUE(why != NULL)
			TH_LOG("accepted bad exposition #%zu", i);
	}
	EXPECT_EQ(NULL, prom_check(good, &line)) TH_LOG("line %d", line);
	EXPECT_EQ(3, prom_value(good, "x_total{a=\"q\\\"\\\\\\n\",b=\"\"}"));
	EXPECT_EQ(-1500, prom_value(good, "g"));
}

/* ---------------------------------------------------------------- */
/* Against the module                                                */
/* ---------------------------------------------------------------- */

FIXTURE(status) {
	struct run r;
	struct row row;
	char version[64];
	char buf[512];
};

FIXTURE_SETUP(status)
{
	restore_boot_conf();
	ASSERT_EQ(0, hd_reset());
	ASSERT_EQ(0, access(TOOL, X_OK));
	ASSERT_EQ(0, access(YAMA_CONF, R_OK));
}

FIXTURE_TEARDOWN(status)
{
	run_free(&self->r);
	restore_boot_conf();
	hd_reset();
}

/* After hd_reset() + hd_load(NULL), nothing in sysctl.d: exit 0. */
TEST_F(status, at_floor_ok)
{
	static const char *const sysctls[] = {
		"kernel.yama.ptrace_scope", "kernel.kptr_restrict",
		"net.core.bpf_jit_harden",
	};
	int i;

	ASSERT_EQ(0, hide_boot_conf());
	ASSERT_EQ(0, hd_load(NULL));
	ASSERT_EQ(0, sysfs_get(NULL, "version", self->version, 64));

	EXPECT_EQ(0, tool(0, &self->r, NULL)) TH_LOG("%s%s", self->r.out,
						     self->r.err);
	EXPECT_STREQ("", self->r.err);
	EXPECT_EQ(0, strncmp(self->r.out, TABLE_HEAD, strlen(TABLE_HEAD)))
		TH_LOG("%s", self->r.out);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, table_row(self->r.out, sysctls[i], &self->row))
			TH_LOG("no row for %s in:\n%s", sysctls[i], self->r.out);
		EXPECT_STREQ("1", self->row.value);
		EXPECT_STREQ("1", self->row.floor);
		EXPECT_STREQ("ok", self->row.state);
		EXPECT_STREQ("0", self->row.events);
		EXPECT_STREQ("-", self->row.last);
	}
	EXPECT_TRUE(has_line(self->r.out, "mode: warn\n"));
	snprintf(self->buf, sizeof(self->buf),
		 "module: harden_defaults %s\n", self->version);
	EXPECT_TRUE(has_line(self->r.out, self->buf)) TH_LOG("%s", self->r.out);
	EXPECT_TRUE(has_line(self->r.out,
			     "next boot: nothing sets a knob below its floor\n"));
	run_free(&self->r);

	EXPECT_EQ(0, tool(0, &self->r, "--quiet"));
	EXPECT_STREQ("HARDEN OK - all knobs at or above their floor\n",
		     self->r.out);
}

/* echo 0 > kptr_restrict in warn mode: exit 1, the writer in the row. */
TEST_F(status, lowered_warn_shows_writer)
{
	char when[32], want[160];
	long long t;
	pid_t pid;
	time_t tt;

	ASSERT_EQ(0, hide_boot_conf());
	ASSERT_EQ(0, hd_load(NULL));
	ASSERT_EQ(0, sh("echo 0 > " KPTR_RESTRICT, &pid));
	ASSERT_EQ(0, sysctl_get(KPTR_RESTRICT));
	ASSERT_EQ(0, sysfs_get("kptr_restrict", "last_event", self->buf, 512));
	ASSERT_EQ(1, sscanf(self->buf, "%lld", &t));

	EXPECT_EQ(1, tool(0, &self->r, NULL)) TH_LOG("%s", self->r.out);
	EXPECT_STREQ("", self->r.err);
	ASSERT_EQ(0, table_row(self->r.out, "kernel.kptr_restrict", &self->row));
	EXPECT_STREQ("0", self->row.value);
	EXPECT_STREQ("1", self->row.floor);
	EXPECT_STREQ("below", self->row.state);
	EXPECT_STREQ("1", self->row.events);
	/* The time of the event as this machine's clock shows it. */
	tt = t;
	strftime(when, sizeof(when), "%F %T", localtime(&tt));
	snprintf(want, sizeof(want), "%s 1->0 by sh[%d] uid 0: warned", when,
		 pid);
	EXPECT_STREQ(want, self->row.last);
	/* The others untouched. */
	ASSERT_EQ(0, table_row(self->r.out, "kernel.yama.ptrace_scope",
			       &self->row));
	EXPECT_STREQ("ok", self->row.state);
	EXPECT_STREQ("0", self->row.events);
	ASSERT_EQ(0, table_row(self->r.out, "net.core.bpf_jit_harden",
			       &self->row));
	EXPECT_STREQ("ok", self->row.state);
	run_free(&self->r);

	EXPECT_EQ(1, tool(0, &self->r, "--quiet"));
	EXPECT_STREQ("HARDEN WARNING - kernel.kptr_restrict 0 < floor 1\n",
		     self->r.out);
	run_free(&self->r);

	/* Raised back: the value is fine again, the event stays on record. */
	ASSERT_EQ(0, sysctl_set(KPTR_RESTRICT, 1));
	EXPECT_EQ(0, tool(0, &self->r, NULL)) TH_LOG("%s", self->r.out);
	ASSERT_EQ(0, table_row(self->r.out, "kernel.kptr_restrict", &self->row));
	EXPECT_STREQ("ok", self->row.state);
	EXPECT_STREQ("1", self->row.events);
	EXPECT_STREQ(want, self->row.last);
}

/* No module, every knob at the default floor: still 1, and it says why. */
TEST_F(status, not_loaded)
{
	const struct jv *knobs, *k;
	struct jv doc;
	char err[128];
	size_t i;

	ASSERT_EQ(0, hide_boot_conf());
	ASSERT_FALSE(hd_loaded());
	ASSERT_EQ(0, sysctl_set(PTRACE_SCOPE, 1));
	ASSERT_EQ(0, sysctl_set(KPTR_RESTRICT, 1));
	ASSERT_EQ(0, sysctl_set(BPF_JIT_HARDEN, 1));

	EXPECT_EQ(1, tool(0, &self->r, NULL)) TH_LOG("%s", self->r.out);
	EXPECT_STREQ("", self->r.err);
	EXPECT_TRUE(has_line(self->r.out,
			     "module: not loaded (values from /proc/sys, default floors)\n"))
		TH_LOG("%s", self->r.out);
	EXPECT_TRUE(has_line(self->r.out, "mode: -\n"));
	ASSERT_EQ(0, table_row(self->r.out, "kernel.kptr_restrict", &self->row));
	EXPECT_STREQ("1", self->row.value);
	EXPECT_STREQ("ok", self->row.state);
	EXPECT_STREQ("-", self->row.events);
	run_free(&self->r);

	EXPECT_EQ(1, tool(0, &self->r, "--quiet"));
	EXPECT_STREQ("HARDEN WARNING - module not loaded\n", self->r.out);
	run_free(&self->r);

	EXPECT_EQ(1, tool(0, &self->r, "--json"));
	ASSERT_TRUE(json_parse(self->r.out, &doc, err, sizeof(err)))
		TH_LOG("%s in:\n%s", err, self->r.out);
	EXPECT_TRUE(jkeys(&doc, top_keys));
	EXPECT_TRUE(jis(&doc, "module_loaded", J_FALSE));
	EXPECT_TRUE(jis(&doc, "version", J_NULL));
	EXPECT_TRUE(jis(&doc, "mode", J_NULL));
	EXPECT_STREQ("WARNING", jstr(&doc, "status"));
	EXPECT_EQ(1, jint(&doc, "exit_code"));
	knobs = jget(&doc, "knobs");
	ASSERT_NE(NULL, knobs);
	ASSERT_EQ(J_ARR, knobs->t);
	ASSERT_EQ(3, knobs->n);
	k = knobs->v;
	for (i = 0; i < knobs->n; i++) {
		EXPECT_TRUE(jkeys(&k[i], knob_keys));
		EXPECT_EQ(1, jint(&k[i], "value"));
		EXPECT_EQ(1, jint(&k[i], "floor"));
		EXPECT_STREQ("ok", jstr(&k[i], "state"));
		EXPECT_TRUE(jis(&k[i], "events", J_NULL));
		EXPECT_TRUE(jis(&k[i], "detector", J_NULL));
		EXPECT_TRUE(jis(&k[i], "last_event", J_NULL));
	}
	jfree(&doc);
	run_free(&self->r);

	/* As nobody: /proc/sys/net/core/bpf_jit_harden is 0600. */
	EXPECT_EQ(1, tool(NOBODY, &self->r, NULL)) TH_LOG("%s", self->r.out);
	EXPECT_STREQ("", self->r.err);
	ASSERT_EQ(0, table_row(self->r.out, "net.core.bpf_jit_harden",
			       &self->row)) TH_LOG("%s", self->r.out);
	EXPECT_STREQ("root-only", self->row.state);
	ASSERT_EQ(0, table_row(self->r.out, "kernel.yama.ptrace_scope",
			       &self->row));
	EXPECT_STREQ("ok", self->row.state);
	EXPECT_TRUE(has_line(self->r.out,
			     "module: not loaded (values from /proc/sys, default floors)\n"));
	run_free(&self->r);

	/* The values as Debian boots them: below as well. */
	ASSERT_EQ(0, sysctl_set(PTRACE_SCOPE, 0));
	EXPECT_EQ(1, tool(0, &self->r, "--quiet"));
	EXPECT_STREQ("HARDEN WARNING - kernel.yama.ptrace_scope 0 < floor 1, module not loaded\n",
		     self->r.out);
}

/* --json after a lowering, through the strict parser, field by field. */
TEST_F(status, json)
{
	const struct jv *k, *ev, *bc;
	char err[128], detector[16];
	struct jv doc;
	pid_t pid;
	int rc;

	ASSERT_EQ(0, hd_load(NULL));
	ASSERT_EQ(0, sh("echo 0 > " KPTR_RESTRICT, &pid));
	ASSERT_EQ(0, sysfs_get(NULL, "version", self->version, 64));
	ASSERT_EQ(0, sysfs_get("kptr_restrict", "detector", detector, 16));

	rc = tool(0, &self->r, "--json");
	EXPECT_EQ(1, rc);
	EXPECT_STREQ("", self->r.err);
	ASSERT_TRUE(json_parse(self->r.out, &doc, err, sizeof(err)))
		TH_LOG("%s in:\n%s", err, self->r.out);
	EXPECT_TRUE(jkeys(&doc, top_keys)) TH_LOG("%s", self->r.out);
	EXPECT_TRUE(jis(&doc, "module_loaded", J_TRUE));
	EXPECT_STREQ(self->version, jstr(&doc, "version"));
	EXPECT_STREQ("warn", jstr(&doc, "mode"));
	EXPECT_STREQ("WARNING", jstr(&doc, "status"));
	EXPECT_EQ(rc, jint(&doc, "exit_code"));
	ASSERT_TRUE(jis(&doc, "knobs", J_ARR));
	/*
	 * The VM boots through SeaBIOS (no EFI: Secure Boot unknown) and the
	 * test module is unsigned and out of tree: the kernel taints it OE.
	 */
	{
		const struct jv *sb = jget(&doc, "secure_boot");
		struct utsname u;

		ASSERT_NE(NULL, sb);
		EXPECT_TRUE(jis(sb, "enabled", J_NULL));
		EXPECT_STREQ("OE", jstr(sb, "taint"));
		ASSERT_EQ(0, uname(&u));
		EXPECT_STREQ(u.release, jstr(sb, "running"));
	}
	ASSERT_EQ(3, jget(&doc, "knobs")->n);
	EXPECT_STREQ("ptrace_scope", jstr(&jget(&doc, "knobs")->v[0], "knob"));
	EXPECT_STREQ("kptr_restrict", jstr(&jget(&doc, "knobs")->v[1], "knob"));
	EXPECT_STREQ("bpf_jit_harden", jstr(&jget(&doc, "knobs")->v[2], "knob"));

	k = jknob(&doc, "kptr_restrict");
	ASSERT_NE(NULL, k);
	EXPECT_TRUE(jkeys(k, knob_keys));
	EXPECT_STREQ("kernel.kptr_restrict", jstr(k, "sysctl"));
	EXPECT_EQ(0, jint(k, "value"));
	EXPECT_EQ(1, jint(k, "floor"));
	EXPECT_STREQ("below", jstr(k, "state"));
	EXPECT_EQ(1, jint(k, "events"));
	EXPECT_STREQ(detector, jstr(k, "detector"));
	ev = jget(k, "last_event");
	ASSERT_NE(NULL, ev);
	ASSERT_EQ(J_OBJ, ev->t);
	EXPECT_TRUE(jkeys(ev, event_keys));
	EXPECT_EQ(pid, jint(ev, "pid"));
	EXPECT_STREQ("sh", jstr(ev, "comm"));
	EXPECT_EQ(0, jint(ev, "uid"));
	EXPECT_TRUE(jis(ev, "auid", J_NULL));
	EXPECT_EQ(1, jint(ev, "old"));
	EXPECT_EQ(0, jint(ev, "new"));
	EXPECT_STREQ("warned", jstr(ev, "action"));
	ASSERT_EQ(0, sysfs_get("kptr_restrict", "last_event", self->buf, 512));
	EXPECT_EQ(atoll(self->buf), jint(ev, "time"));
	EXPECT_LT(time(NULL) - 60, jint(ev, "time"));

	k = jknob(&doc, "ptrace_scope");
	ASSERT_NE(NULL, k);
	EXPECT_EQ(1, jint(k, "value"));
	EXPECT_STREQ("ok", jstr(k, "state"));
	EXPECT_EQ(0, jint(k, "events"));
	EXPECT_TRUE(jis(k, "last_event", J_NULL));
	k = jknob(&doc, "bpf_jit_harden");
	ASSERT_NE(NULL, k);
	EXPECT_STREQ("net.core.bpf_jit_harden", jstr(k, "sysctl"));
	EXPECT_EQ(1, jint(k, "value"));

	/* The elfutils file, by name and line; no rpm or dpkg to ask. */
	bc = jget(&doc, "boot_config");
	ASSERT_NE(NULL, bc);
	ASSERT_EQ(J_ARR, bc->t);
	ASSERT_EQ(1, bc->n) TH_LOG("%s", self->r.out);
	EXPECT_TRUE(jkeys(&bc->v[0], finding_keys));
	EXPECT_STREQ("kernel.yama.ptrace_scope", jstr(&bc->v[0], "sysctl"));
	EXPECT_EQ(0, jint(&bc->v[0], "value"));
	EXPECT_EQ(1, jint(&bc->v[0], "floor"));
	EXPECT_STREQ(YAMA_CONF, jstr(&bc->v[0], "file"));
	EXPECT_EQ(1, jint(&bc->v[0], "line"));
	EXPECT_TRUE(jis(&bc->v[0], "package", J_NULL));
	jfree(&doc);
}

/* --prometheus: every line well formed, the counter equal to sysfs. */
TEST_F(status, prometheus)
{
	const char *why;
	int line, events;

	ASSERT_EQ(0, hd_load(NULL));
	/* Three writes below the floor: three events. */
	ASSERT_EQ(0, sh("echo 0 > " KPTR_RESTRICT "; echo 0 > " KPTR_RESTRICT
			"; echo 0 > " KPTR_RESTRICT, NULL));
	events = sysfs_int("kptr_restrict", "events");
	ASSERT_EQ(3, events);

	EXPECT_EQ(1, tool(0, &self->r, "--prometheus"));
	EXPECT_STREQ("", self->r.err);
	why = prom_check(self->r.out, &line);
	EXPECT_EQ(NULL, why) TH_LOG("line %d: %s in:\n%s", line, why,
				    self->r.out);
	EXPECT_EQ(events, prom_value(self->r.out,
		"harden_defaults_events_total{knob=\"kptr_restrict\",sysctl=\"kernel.kptr_restrict\"}"))
		TH_LOG("%s", self->r.out);
	EXPECT_EQ(0, prom_value(self->r.out,
		"harden_defaults_events_total{knob=\"ptrace_scope\",sysctl=\"kernel.yama.ptrace_scope\"}"));
	EXPECT_EQ(0, prom_value(self->r.out,
		"harden_defaults_knob_value{knob=\"kptr_restrict\",sysctl=\"kernel.kptr_restrict\"}"));
	EXPECT_EQ(1, prom_value(self->r.out,
		"harden_defaults_knob_below{knob=\"kptr_restrict\",sysctl=\"kernel.kptr_restrict\"}"));
	EXPECT_EQ(1, prom_value(self->r.out,
		"harden_defaults_knob_state{knob=\"kptr_restrict\",sysctl=\"kernel.kptr_restrict\",state=\"below\"}"));
	EXPECT_EQ(0, prom_value(self->r.out,
		"harden_defaults_knob_state{knob=\"kptr_restrict\",sysctl=\"kernel.kptr_restrict\",state=\"ok\"}"));
	EXPECT_EQ(1, prom_value(self->r.out,
		"harden_defaults_boot_config_lowering{knob=\"ptrace_scope\",sysctl=\"kernel.yama.ptrace_scope\"}"));
	EXPECT_EQ(1, prom_value(self->r.out, "harden_defaults_module_loaded"));
	EXPECT_EQ(1, prom_value(self->r.out, "harden_defaults_status"));
	ASSERT_EQ(0, sysfs_get(NULL, "version", self->version, 64));
	snprintf(self->buf, sizeof(self->buf),
		 "harden_defaults_mode_info{mode=\"warn\",version=\"%s\"}",
		 self->version);
	EXPECT_EQ(1, prom_value(self->r.out, self->buf));
	ASSERT_EQ(0, sysfs_get("kptr_restrict", "last_event", self->buf, 512));
	EXPECT_EQ(atoll(self->buf), prom_value(self->r.out,
		"harden_defaults_last_event_timestamp_seconds{knob=\"kptr_restrict\",sysctl=\"kernel.kptr_restrict\"}"));
	run_free(&self->r);

	/* Without the module: still well formed, no counters. */
	ASSERT_EQ(0, hd_unload());
	EXPECT_EQ(1, tool(0, &self->r, "--prometheus"));
	why = prom_check(self->r.out, &line);
	EXPECT_EQ(NULL, why) TH_LOG("line %d: %s", line, why);
	EXPECT_EQ(0, prom_value(self->r.out, "harden_defaults_module_loaded"));
	EXPECT_EQ(NULL, strstr(self->r.out, "harden_defaults_events_total{"));
}

/* As nobody: bpf_jit_harden is root-only, the rest judged, exit 0. */
TEST_F(status, non_root)
{
	char err[128];
	struct jv doc;
	const struct jv *k;

	ASSERT_EQ(0, hide_boot_conf());
	ASSERT_EQ(0, hd_load(NULL));

	EXPECT_EQ(0, tool(NOBODY, &self->r, NULL))
		TH_LOG("%s%s", self->r.out, self->r.err);
	EXPECT_STREQ("", self->r.err);
	ASSERT_EQ(0, table_row(self->r.out, "net.core.bpf_jit_harden",
			       &self->row)) TH_LOG("%s", self->r.out);
	EXPECT_STREQ("?", self->row.value);
	EXPECT_STREQ("?", self->row.floor);	/* hidden like the value */
	EXPECT_STREQ("root-only", self->row.state);
	EXPECT_STREQ("?", self->row.events);
	ASSERT_EQ(0, table_row(self->r.out, "kernel.kptr_restrict", &self->row));
	EXPECT_STREQ("1", self->row.value);
	EXPECT_STREQ("1", self->row.floor);
	EXPECT_STREQ("ok", self->row.state);
	EXPECT_STREQ("0", self->row.events);
	ASSERT_EQ(0, table_row(self->r.out, "kernel.yama.ptrace_scope",
			       &self->row));
	EXPECT_STREQ("ok", self->row.state);
	run_free(&self->r);

	EXPECT_EQ(0, tool(NOBODY, &self->r, "--json"));
	ASSERT_TRUE(json_parse(self->r.out, &doc, err, sizeof(err)))
		TH_LOG("%s", err);
	k = jknob(&doc, "bpf_jit_harden");
	ASSERT_NE(NULL, k);
	EXPECT_STREQ("root-only", jstr(k, "state"));
	EXPECT_TRUE(jis(k, "value", J_NULL));
	EXPECT_TRUE(jis(k, "floor", J_NULL));
	EXPECT_TRUE(jis(k, "events", J_NULL));
	EXPECT_STREQ("OK", jstr(&doc, "status"));
	jfree(&doc);
	run_free(&self->r);

	/* What nobody cannot read, --quiet says it did not judge. */
	EXPECT_EQ(0, tool(NOBODY, &self->r, "--quiet"));
	EXPECT_STREQ("HARDEN OK - the readable knobs at or above their floor, net.core.bpf_jit_harden not judged (readable by root only)\n",
		     self->r.out);
	run_free(&self->r);

	/* The others are still judged: a lowering makes it 1 for nobody too. */
	ASSERT_EQ(0, sysctl_set(KPTR_RESTRICT, 0));
	EXPECT_EQ(1, tool(NOBODY, &self->r, "--quiet"));
	EXPECT_STREQ("HARDEN WARNING - kernel.kptr_restrict 0 < floor 1, net.core.bpf_jit_harden not judged (readable by root only)\n",
		     self->r.out);
}

/*
 * The elfutils file in enforce mode: listed, exit 0, and the module does
 * refuse it. In warn mode the same file makes it 1.
 */
TEST_F(status, boot_conf_enforce_and_warn)
{
	char *argv[] = { SYSTEMD_SYSCTL, NULL };
	char err[128], want[160];
	struct jv doc;
	const struct jv *bc;
	struct run r;

	ASSERT_EQ(0, hd_load("mode=enforce"));
	EXPECT_EQ(0, tool(0, &self->r, NULL)) TH_LOG("%s", self->r.out);
	EXPECT_TRUE(has_line(self->r.out, "next boot:\n"));
	EXPECT_TRUE(has_line(self->r.out, YAMA_FINDING)) TH_LOG("%s", self->r.out);
	EXPECT_TRUE(has_line(self->r.out,
			     "  (mode enforce: the module refuses such writes)\n"));
	EXPECT_TRUE(has_line(self->r.out, "mode: enforce\n"));
	run_free(&self->r);

	EXPECT_EQ(0, tool(0, &self->r, "--json"));
	ASSERT_TRUE(json_parse(self->r.out, &doc, err, sizeof(err)))
		TH_LOG("%s", err);
	EXPECT_STREQ("OK", jstr(&doc, "status"));
	EXPECT_EQ(0, jint(&doc, "exit_code"));
	EXPECT_STREQ("enforce", jstr(&doc, "mode"));
	bc = jget(&doc, "boot_config");
	ASSERT_NE(NULL, bc);
	ASSERT_EQ(1, bc->n);
	EXPECT_STREQ(YAMA_CONF, jstr(&bc->v[0], "file"));
	EXPECT_EQ(1, jint(&bc->v[0], "line"));
	jfree(&doc);
	run_free(&self->r);

	EXPECT_EQ(0, tool(0, &self->r, "--quiet"));
	EXPECT_STREQ("HARDEN OK - 1 boot setting(s) below floor\n", self->r.out);
	run_free(&self->r);

	/* What the tool promised: systemd-sysctl applying it is refused. */
	EXPECT_NE(0, run_capture(0, argv, &r));
	EXPECT_NE(NULL, strstr(r.err, "cannot set kernel.yama.ptrace_scope"));
	run_free(&r);
	EXPECT_EQ(1, sysctl_get(PTRACE_SCOPE));
	EXPECT_EQ(0, tool(0, &self->r, NULL)) TH_LOG("%s", self->r.out);
	ASSERT_EQ(0, table_row(self->r.out, "kernel.yama.ptrace_scope",
			       &self->row));
	EXPECT_STREQ("1", self->row.value);
	EXPECT_STREQ("ok", self->row.state);
	EXPECT_STREQ("1", self->row.events);
	snprintf(want, sizeof(want), " 1->0 by systemd-sysctl[%d] uid 0: refused",
		 r.pid);
	EXPECT_NE(NULL, strstr(self->row.last, want))
		TH_LOG("'%s' lacks '%s'", self->row.last, want);
	run_free(&self->r);

	/* warn mode, same file: exit 1, same line, no "refuses" note. */
	ASSERT_EQ(0, write_str(HD_SYSFS "/mode", "warn"));
	EXPECT_EQ(1, tool(0, &self->r, NULL)) TH_LOG("%s", self->r.out);
	EXPECT_TRUE(has_line(self->r.out, YAMA_FINDING)) TH_LOG("%s", self->r.out);
	EXPECT_EQ(NULL, strstr(self->r.out, "refuses"));
	EXPECT_TRUE(has_line(self->r.out, "mode: warn\n"));
	run_free(&self->r);

	EXPECT_EQ(1, tool(0, &self->r, "--quiet"));
	EXPECT_STREQ("HARDEN WARNING - 1 boot setting(s) below floor\n",
		     self->r.out);
	run_free(&self->r);

	/* Taken away, nothing is left to warn about. */
	ASSERT_EQ(0, hide_boot_conf());
	EXPECT_EQ(0, tool(0, &self->r, NULL)) TH_LOG("%s", self->r.out);
	EXPECT_EQ(NULL, strstr(self->r.out, YAMA_CONF));
}

/* A fresh load in warn mode, the file in place: 1 with all knobs ok. */
TEST_F(status, boot_conf_warn_load)
{
	ASSERT_EQ(0, hd_load(NULL));
	EXPECT_EQ(1, tool(0, &self->r, NULL)) TH_LOG("%s", self->r.out);
	EXPECT_TRUE(has_line(self->r.out, YAMA_FINDING)) TH_LOG("%s", self->r.out);
	ASSERT_EQ(0, table_row(self->r.out, "kernel.yama.ptrace_scope",
			       &self->row));
	EXPECT_STREQ("ok", self->row.state);
}

TEST_HARNESS_MAIN
