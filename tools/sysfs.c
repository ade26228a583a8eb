// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reading the knobs: from the module's sysfs directory when it is loaded,
 * from /proc/sys against the default floors when it is not.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "status.h"

#define SYSFS_DIR	"/sys/kernel/harden_defaults"

static const struct knob knob_table[NKNOBS] = {
	{ .name = "ptrace_scope", .sysctl = "kernel.yama.ptrace_scope",
	  .proc = "kernel/yama/ptrace_scope", .default_floor = 1,
	  .max = 3 },
	{ .name = "kptr_restrict", .sysctl = "kernel.kptr_restrict",
	  .proc = "kernel/kptr_restrict", .default_floor = 1, .max = 2 },
	{ .name = "bpf_jit_harden", .sysctl = "net.core.bpf_jit_harden",
	  .proc = "net/core/bpf_jit_harden", .default_floor = 1,
	  .max = 2 },
};

static const char *const mode_names[] = {
	[MODE_NONE] = "none",
	[MODE_WARN] = "warn",
	[MODE_ENFORCE] = "enforce",
	[MODE_LOCK] = "lock",
};

static const char *const state_names[] = {
	[STATE_OK] = "ok",
	[STATE_BELOW] = "below",
	[STATE_ABSENT] = "absent",
	[STATE_ROOT_ONLY] = "root-only",
	[STATE_UNKNOWN] = "unknown",
};

const char *mode_name(enum mode mode)
{
	return mode_names[mode];
}

const char *state_name(enum state state)
{
	return state_names[state];
}

bool parse_int(const char *s, int *val)
{
	char *end;
	long v;

	if (!*s || isspace((unsigned char)*s))
		return false;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < -2147483647L || v > 2147483647L)
		return false;
	*val = (int)v;
	return true;
}

/*
 * A value written to one of the knobs, parsed as the kernel's integer
 * sysctl handler does: leading blanks skipped, an optional '-', base 0
 * (0x hex, 0 octal), then only the end or a blank (the rest is ignored).
 * The knob's handler then refuses anything outside 0..@max.
 */
bool parse_sysctl_value(const char *s, int max, int *val)
{
	const char *digits;
	char *end;
	long v;

	while (isspace((unsigned char)*s))
		s++;
	digits = *s == '-' ? s + 1 : s;
	if (!isdigit((unsigned char)*digits))
		return false;
	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || (*end && !isspace((unsigned char)*end)) || v < 0 ||
	    v > max)
		return false;
	*val = (int)v;
	return true;
}

/*
 * Open a file that is expected to be regular without blocking on a FIFO
 * or a device. Return: the descriptor, a negative errno, or -EINVAL when
 * it is not a regular file.
 */
int open_regular(const char *path)
{
	struct stat sb;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

static bool parse_ll(const char *s, long long *val)
{
	char *end;

	if (!*s || !isdigit((unsigned char)*s))
		return false;
	errno = 0;
	*val = strtoll(s, &end, 10);
	return !errno && !*end;
}

/*
 * Read a one-line file into @buf without its newline.
 * Return: 0, a negative errno, -EBADMSG for more than one line or a NUL,
 * -EFBIG when it does not fit.
 */
int read_line(const char *path, char *buf, size_t size)
{
	ssize_t n;
	size_t len;
	int fd, err = 0;

	/* O_NONBLOCK: a FIFO in a --root tree must not hang the tool. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size);
	if (n < 0)
		err = -errno;
	close(fd);
	if (err)
		return err;
	len = (size_t)n;
	if (len == size)
		return -EFBIG;
	if (len && buf[len - 1] == '\n')
		len--;
	buf[len] = '\0';
	if (strlen(buf) != len || strchr(buf, '\n'))
		return -EBADMSG;
	return 0;
}

/*
 * Say what is wrong with a file, on one line: either the errno of the
 * read, or (err 0) the unexpected @content, made printable.
 */
static void describe(char *out, size_t size, const char *path, int err,
		     char *content)
{
	char *p;

	if (err == -EBADMSG)
		snprintf(out, size, "%s: more than one line", path);
	else if (err == -EFBIG)
		snprintf(out, size, "%s: too long", path);
	else if (err)
		snprintf(out, size, "%s: %s", path, strerror(-err));
	else {
		for (p = content; *p; p++)
			if (!isprint((unsigned char)*p))
				*p = '?';
		snprintf(out, size, "%s: unexpected content \"%.40s\"", path,
			 content);
	}
}

static void knob_fail(struct knob *k, const char *path, int err,
		      char *content)
{
	k->state = STATE_UNKNOWN;
	describe(k->error, sizeof(k->error), path, err, content);
	errmsg("%s", k->error);
}

static void status_fail(struct status *st, const char *path, int err,
			char *content)
{
	char msg[PATH_MAX + 64];

	st->failed = true;
	describe(msg, sizeof(msg), path, err, content);
	errmsg("%s", msg);
}

static void knob_path(const struct status *st, const struct knob *k,
		      const char *file, char *path)
{
	snprintf(path, PATH_MAX, "%s%s/%s/%s", st->root, SYSFS_DIR, k->name,
		 file);
}

/*
 * Read one file of a knob's sysfs directory.
 * Return: true with the line in @buf; false when the knob is unreadable
 * to us (state root-only) or broken (state unknown, error printed).
 */
static bool knob_file(const struct status *st, struct knob *k,
		      const char *file, char *buf, size_t size)
{
	char path[PATH_MAX];
	int err;

	knob_path(st, k, file, path);
	err = read_line(path, buf, size);
	if (err == -EACCES || err == -EPERM) {
		k->state = STATE_ROOT_ONLY;
		return false;
	}
	if (err) {
		knob_fail(k, path, err, NULL);
		return false;
	}
	return true;
}

/* Report a file's content as garbled; always returns false. */
static bool knob_garbled(const struct status *st, struct knob *k,
			 const char *file, char *content)
{
	char path[PATH_MAX];

	knob_path(st, k, file, path);
	knob_fail(k, path, 0, content);
	return false;
}

static bool knob_int(const struct status *st, struct knob *k,
		     const char *file, int *val)
{
	char buf[64];
	int v;

	if (!knob_file(st, k, file, buf, sizeof(buf)))
		return false;
	/* Keep nothing of a rejected value: explain.c indexes by it. */
	if (parse_int(buf, &v) && v >= 0) {
		*val = v;
		return true;
	}
	return knob_garbled(st, k, file, buf);
}

static bool knob_ll(const struct status *st, struct knob *k,
		    const char *file, long long *val)
{
	char buf[64];

	if (!knob_file(st, k, file, buf, sizeof(buf)))
		return false;
	if (parse_ll(buf, val))
		return true;
	return knob_garbled(st, k, file, buf);
}

/* "-" or a number, for the optional fields of last_event. */
static bool opt_ll(const char *s, long long *val)
{
	if (!strcmp(s, "-")) {
		*val = -1;
		return true;
	}
	return parse_ll(s, val);
}

static bool valid_comm(const char *s)
{
	for (; *s; s++)
		if (*s <= ' ' || *s >= 0x7f || *s == '"')
			return false;
	return true;
}

static bool valid_action(const char *s)
{
	return !strcmp(s, "warned") || !strcmp(s, "refused") ||
	       !strcmp(s, "restored");
}

/* TIME PID COMM UID AUID OLD NEW ACTION, single spaces. */
static bool parse_event(char *line, struct event *ev)
{
	char *f[8], *save = NULL, *tok;
	int n = 0;

	for (tok = strtok_r(line, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		if (n == 8)
			return false;
		f[n++] = tok;
	}
	if (n != 8 || strlen(f[2]) >= sizeof(ev->comm) || !valid_comm(f[2]))
		return false;
	strcpy(ev->comm, strcmp(f[2], "-") ? f[2] : "");
	if (!valid_action(f[7]))
		return false;
	strcpy(ev->action, f[7]);
	return parse_ll(f[0], &ev->time) && opt_ll(f[1], &ev->pid) &&
	       opt_ll(f[3], &ev->uid) && opt_ll(f[4], &ev->auid) &&
	       parse_int(f[5], &ev->old_value) &&
	       parse_int(f[6], &ev->new_value);
}

static bool knob_event(const struct status *st, struct knob *k)
{
	char buf[512], copy[512];

	if (!knob_file(st, k, "last_event", buf, sizeof(buf)))
		return false;
	if (!*buf)
		return true;
	strcpy(copy, buf);
	if (parse_event(copy, &k->last)) {
		k->has_event = true;
		return true;
	}
	return knob_garbled(st, k, "last_event", buf);
}

static bool knob_floor(const struct status *st, struct knob *k)
{
	k->has_floor = knob_int(st, k, "floor", &k->floor);
	return k->has_floor;
}

static bool knob_word(const struct status *st, struct knob *k,
		      const char *file, char *buf, size_t size,
		      const char *const *words)
{
	if (!knob_file(st, k, file, buf, size))
		return false;
	for (; *words; words++)
		if (!strcmp(buf, *words))
			return true;
	return knob_garbled(st, k, file, buf);
}

static void read_module_knob(const struct status *st, struct knob *k)
{
	static const char *const states[] = { "ok", "below", "absent", NULL };
	static const char *const detectors[] = {
		"kprobe", "poll", "none", NULL
	};
	const char *expect[] = { k->sysctl, NULL };
	char buf[64], state[16], value[64];

	k->has_floor = false;
	if (!knob_word(st, k, "sysctl", buf, sizeof(buf), expect) ||
	    !knob_floor(st, k) ||
	    !knob_file(st, k, "value", value, sizeof(value)) ||
	    !knob_word(st, k, "state", state, sizeof(state), states) ||
	    !knob_ll(st, k, "events", &k->events) ||
	    !knob_event(st, k) ||
	    !knob_word(st, k, "detector", k->detector,
		       sizeof(k->detector), detectors))
		return;

	if (!strcmp(state, "absent")) {
		k->state = STATE_ABSENT;
		return;
	}
	if (!parse_int(value, &k->value)) {
		knob_garbled(st, k, "value", value);
		return;
	}
	k->has_value = true;
	/* Judge by the numbers; the state word is only a hint of the module. */
	k->state = k->value < k->floor ? STATE_BELOW : STATE_OK;
}

static void read_proc_knob(const struct status *st, struct knob *k)
{
	char path[PATH_MAX], buf[64];
	int err;

	k->floor = k->default_floor;
	snprintf(path, sizeof(path), "%s/proc/sys/%s", st->root, k->proc);
	err = read_line(path, buf, sizeof(buf));
	if (err == -ENOENT) {
		k->state = STATE_ABSENT;
		return;
	}
	if (err == -EACCES || err == -EPERM) {
		k->state = STATE_ROOT_ONLY;
		return;
	}
	if (err || !parse_int(buf, &k->value)) {
		knob_fail(k, path, err, buf);
		return;
	}
	k->has_value = true;
	k->state = k->value < k->floor ? STATE_BELOW : STATE_OK;
}

static void read_mode(struct status *st)
{
	char path[PATH_MAX], buf[32];
	int err, m;

	snprintf(path, sizeof(path), "%s%s/mode", st->root, SYSFS_DIR);
	err = read_line(path, buf, sizeof(buf));
	if (err) {
		status_fail(st, path, err, NULL);
		return;
	}
	for (m = MODE_WARN; m <= MODE_LOCK; m++) {
		if (!strcmp(buf, mode_names[m])) {
			st->mode = m;
			return;
		}
	}
	status_fail(st, path, 0, buf);
}

static void read_version(struct status *st)
{
	char path[PATH_MAX];
	char *p;
	int err;

	snprintf(path, sizeof(path), "%s%s/version", st->root, SYSFS_DIR);
	err = read_line(path, st->version, sizeof(st->version));
	if (err) {
		st->version[0] = '\0';
		status_fail(st, path, err, NULL);
		return;
	}
	for (p = st->version; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || *p == '"' || *p == '\\')
			break;
	if (*p || !*st->version) {
		status_fail(st, path, 0, st->version);
		st->version[0] = '\0';
	}
}

void status_init(struct status *st, const char *root)
{
	int i;

	memset(st, 0, sizeof(*st));
	st->root = root;
	st->sb.enabled = -1;
	st->sb.is_signed = -1;
	st->sb.kernel_taint = -1;
	for (i = 0; i < NKNOBS; i++) {
		st->knobs[i] = knob_table[i];
		st->knobs[i].floor = knob_table[i].default_floor;
		st->knobs[i].has_floor = true;
		st->knobs[i].events = -1;
	}
}

void status_read(struct status *st)
{
	char path[PATH_MAX];
	struct stat sb;
	int i;

	snprintf(path, sizeof(path), "%s%s", st->root, SYSFS_DIR);
	if (stat(path, &sb) == 0)
		st->loaded = S_ISDIR(sb.st_mode);
	else if (errno != ENOENT)
		status_fail(st, path, -errno, NULL);
	if (st->loaded) {
		read_version(st);
		read_mode(st);
	}
	for (i = 0; i < NKNOBS; i++) {
		if (st->loaded)
			read_module_knob(st, &st->knobs[i]);
		else
			read_proc_knob(st, &st->knobs[i]);
	}
}
