// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of harden-status: each test builds a fake tree (the module's
 * sysfs directory, /proc/sys, sysctl.d, /proc/cmdline) in a temporary
 * directory and runs the real binary on it with --root.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

#ifndef HS_TOOL
#define HS_TOOL "harden-status"
#endif
#ifndef HS_SCRIPTS
#define HS_SCRIPTS "."
#endif

#define SYSFS	"sys/kernel/harden_defaults"
#define OUTSZ	65536

static const char *const knobs[] = {
	"ptrace_scope", "kptr_restrict", "bpf_jit_harden",
};
static const char *const sysctls[] = {
	"kernel.yama.ptrace_scope", "kernel.kptr_restrict",
	"net.core.bpf_jit_harden",
};
static const char *const procs[] = {
	"kernel/yama/ptrace_scope", "kernel/kptr_restrict",
	"net/core/bpf_jit_harden",
};

/* -1 as a value: the knob is absent on this kernel. */
struct fake {
	const char *mode;
	int value[3];
	int floor[3];
};

static const struct fake at_floor = { "warn", { 1, 1, 1 }, { 1, 1, 1 } };

static const char *tool(void)
{
	const char *t = getenv("HS_TOOL");

	return t ? t : HS_TOOL;
}

static const char *scripts(void)
{
	const char *s = getenv("HS_SCRIPTS");

	return s ? s : HS_SCRIPTS;
}

static void mkparents(char *path)
{
	char *p;

	for (p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
}

/* Write @fmt into DIR/REL, creating directories; NULL @fmt removes it. */
static void put(const char *dir, const char *rel, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if (!fmt) {
		unlink(path);
		return;
	}
	mkparents(path);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		abort();
	}
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fclose(f);
}

static void put_knob(const char *dir, int i, const char *file,
		     const char *fmt, ...)
{
	char rel[256], text[512];
	va_list ap;

	snprintf(rel, sizeof(rel), SYSFS "/%s/%s", knobs[i], file);
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	put(dir, rel, "%s", text);
}

static void fake_module(const char *dir, const struct fake *fk)
{
	int i, v;

	put(dir, SYSFS "/version", "0.1.0\n");
	put(dir, SYSFS "/mode", "%s\n", fk->mode);
	for (i = 0; i < 3; i++) {
		v = fk->value[i];
		put_knob(dir, i, "sysctl", "%s\n", sysctls[i]);
		put_knob(dir, i, "floor", "%d\n", fk->floor[i]);
		if (v < 0)
			put_knob(dir, i, "value", "absent\n");
		else
			put_knob(dir, i, "value", "%d\n", v);
		put_knob(dir, i, "state", "%s\n", v < 0 ? "absent" :
			 v < fk->floor[i] ? "below" : "ok");
		put_knob(dir, i, "events", "0\n");
		put_knob(dir, i, "last_event", "");
		put_knob(dir, i, "detector", "%s\n", v < 0 ? "none" : "kprobe");
	}
}

/* /proc/sys only: the module is not loaded. */
static void fake_proc(const char *dir, const int value[3])
{
	char rel[256];
	int i;

	for (i = 0; i < 3; i++) {
		snprintf(rel, sizeof(rel), "proc/sys/%s", procs[i]);
		if (value[i] >= 0)
			put(dir, rel, "%d\n", value[i]);
	}
}

struct result {
	int code;		/* exit code, -1 when killed by a signal */
	char out[OUTSZ];
	char err[OUTSZ];
};

static void slurp(const char *path, char *buf)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? 0 : read(fd, buf, OUTSZ - 1);

	buf[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
}

/*
 * Run @argv with stdout and stderr in DIR/.out and DIR/.err; as @uid
 * unless it is 0. Returns the exit code into @r.
 */
static void run_argv(const char *dir, char *const argv[], uid_t uid,
		     struct result *r)
{
	char out[PATH_MAX], err[PATH_MAX];
	int status, fo, fe;
	pid_t pid;

	snprintf(out, sizeof(out), "%s/.out", dir);
	snprintf(err, sizeof(err), "%s/.err", dir);
	fo = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	fe = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	pid = fork();
	if (pid == 0) {
		dup2(fo, 1);
		dup2(fe, 2);
		if (uid && (setgroups(0, NULL) || setgid(uid) || setuid(uid)))
			_exit(126);
		setenv("TZ", "UTC", 1);
		execv(argv[0], argv);
		_exit(127);
	}
	close(fo);
	close(fe);
	waitpid(pid, &status, 0);
	r->code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	slurp(out, r->out);
	slurp(err, r->err);
}

/* harden-status --root DIR [ARGS...], at most 4 extra arguments. */
static int hs(const char *dir, struct result *r, uid_t uid, ...)
{
	char *argv[8] = { (char *)tool(), "--root", (char *)dir };
	int n = 3;
	va_list ap;

	va_start(ap, uid);
	while (n < 7 && (argv[n] = va_arg(ap, char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	run_argv(dir, argv, uid, r);
	return r->code;
}

#define HS(...) hs(self->dir, self->r, 0, ##__VA_ARGS__, NULL)

/* Run a checker script on the last stdout; its complaints go to stderr. */
static int check(const char *dir, const char *script, const char **args)
{
	char prog[PATH_MAX], out[PATH_MAX], keep[PATH_MAX];
	char *argv[32] = { "/usr/bin/env", "python3", prog, keep };
	struct result *r = malloc(sizeof(*r));
	int n = 4, code;

	snprintf(prog, sizeof(prog), "%s/%s", scripts(), script);
	snprintf(out, sizeof(out), "%s/.out", dir);
	snprintf(keep, sizeof(keep), "%s/.checked", dir);
	rename(out, keep);
	while (*args && n < 31)
		argv[n++] = (char *)*args++;
	argv[n] = NULL;
	run_argv(dir, argv, 0, r);
	if (r->code)
		fprintf(stderr, "# %s%s", r->out, r->err);
	code = r->code;
	free(r);
	return code;
}

#define JSON_OK(...) \
	ASSERT_EQ(0, check(self->dir, "jsoncheck.py", \
			   (const char *[]){ __VA_ARGS__, NULL }))
#define PROM_OK(...) \
	ASSERT_EQ(0, check(self->dir, "promcheck.py", \
			   (const char *[]){ __VA_ARGS__, NULL }))

/* Assert that @hay contains @needle, showing both when it does not. */
#define HAS(hay, needle) do { \
	if (!strstr(hay, needle)) \
		TH_LOG("missing \"%s\" in:\n%s", needle, hay); \
	ASSERT_NE(NULL, strstr(hay, needle)); \
} while (0)
#define HASNT(hay, needle) do { \
	if (strstr(hay, needle)) \
		TH_LOG("unexpected \"%s\" in:\n%s", needle, hay); \
	ASSERT_EQ(NULL, strstr(hay, needle)); \
} while (0)

static int rm_entry(const char *path, const struct stat *sb, int flag,
		    struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	return remove(path);
}

FIXTURE(hs) {
	char dir[64];
	struct result *r;
};

FIXTURE_SETUP(hs)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/hs-unit.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	ASSERT_EQ(0, chmod(self->dir, 0755));
	self->r = calloc(1, sizeof(*self->r));
	ASSERT_NE(NULL, self->r);
}

FIXTURE_TEARDOWN(hs)
{
	nftw(self->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(self->r);
}

/* ---- states and modes ---- */

TEST_F(hs, all_at_floor_is_ok)
{
	fake_module(self->dir, &at_floor);
	ASSERT_EQ(0, HS());
	HAS(self->r->out, "SYSCTL                   VALUE FLOOR STATE     "
	    "EVENTS LAST EVENT\n");
	HAS(self->r->out, "kernel.yama.ptrace_scope     1     1 ok        "
	    "     0 -\n");
	HAS(self->r->out, "net.core.bpf_jit_harden      1     1 ok");
	HAS(self->r->out, "mode: warn\nmodule: harden_defaults 0.1.0\n");
	HAS(self->r->out, "next boot: nothing sets a knob below its floor");
	ASSERT_STREQ("", self->r->err);
}

TEST_F(hs, above_floor_is_ok)
{
	struct fake fk = { "warn", { 2, 2, 2 }, { 1, 1, 1 } };

	fake_module(self->dir, &fk);
	ASSERT_EQ(0, HS());
	HAS(self->r->out, "kernel.kptr_restrict         2     1 ok");
}

TEST_F(hs, below_in_warn_mode_is_1)
{
	struct fake fk = { "warn", { 0, 1, 1 }, { 1, 1, 1 } };

	fake_module(self->dir, &fk);
	ASSERT_EQ(1, HS());
	HAS(self->r->out, "kernel.yama.ptrace_scope     0     1 below");
}

TEST_F(hs, below_in_enforce_mode_is_2)
{
	struct fake fk = { "enforce", { 1, 0, 1 }, { 1, 1, 1 } };

	fake_module(self->dir, &fk);
	ASSERT_EQ(2, HS());
	HAS(self->r->out, "kernel.kptr_restrict         0     1 below");
	HAS(self->r->out, "mode: enforce\n");
}

TEST_F(hs, below_in_lock_mode_is_2)
{
	struct fake fk = { "lock", { 1, 1, 0 }, { 1, 1, 2 } };

	fake_module(self->dir, &fk);
	ASSERT_EQ(2, HS());
	HAS(self->r->out, "net.core.bpf_jit_harden      0     2 below");
	HAS(self->r->out, "mode: lock\n");
}

TEST_F(hs, enforce_and_lock_at_floor_are_0)
{
	struct fake fk = { "enforce", { 1, 2, 1 }, { 1, 2, 1 } };

	fake_module(self->dir, &fk);
	ASSERT_EQ(0, HS());
	HAS(self->r->out, "mode: enforce\n");
	put(self->dir, SYSFS "/mode", "lock\n");
	ASSERT_EQ(0, HS());
	HAS(self->r->out, "mode: lock\n");
}

TEST_F(hs, absent_knob_is_not_a_failure)
{
	struct fake fk = { "warn", { -1, 1, 1 }, { 1, 1, 1 } };

	fake_module(self->dir, &fk);
	ASSERT_EQ(0, HS());
	HAS(self->r->out, "kernel.yama.ptrace_scope     -     1 absent   "
	    "      0 -\n");
}

TEST_F(hs, floor_zero_accepts_zero)
{
	struct fake fk = { "warn", { 0, 1, 1 }, { 0, 1, 1 } };

	fake_module(self->dir, &fk);
	ASSERT_EQ(0, HS());
	HAS(self->r->out, "kernel.yama.ptrace_scope     0     0 ok");
}

TEST_F(hs, no_module_at_floor_is_1)
{
	const int v[3] = { 1, 2, 1 };

	fake_proc(self->dir, v);
	ASSERT_EQ(1, HS());
	HAS(self->r->out, "kernel.kptr_restrict         2     1 ok        "
	    "     - -\n");
	HAS(self->r->out, "module: not loaded");
	HAS(self->r->out, "mode: -\n");
}

TEST_F(hs, no_module_below_and_absent)
{
	const int v[3] = { -1, 0, 1 };

	fake_proc(self->dir, v);
	ASSERT_EQ(1, HS());
	HAS(self->r->out, "kernel.yama.ptrace_scope     -     1 absent");
	HAS(self->r->out, "kernel.kptr_restrict         0     1 below");
	ASSERT_EQ(1, HS("--quiet"));
	ASSERT_STREQ("HARDEN WARNING - kernel.kptr_restrict 0 < floor 1, "
		     "module not loaded\n", self->r->out);
}

/* ---- last_event ---- */

TEST_F(hs, last_event_of_a_writer)
{
	struct fake fk = { "warn", { 0, 1, 1 }, { 1, 1, 1 } };

	fake_module(self->dir, &fk);
	put_knob(self->dir, 0, "events", "3\n");
	put_knob(self->dir, 0, "last_event",
		 "1700000000 412 systemd-sysctl 0 1000 1 0 warned\n");
	ASSERT_EQ(1, HS());
	HAS(self->r->out, "kernel.yama.ptrace_scope     0     1 below     "
	    "     3 2023-11-14 22:13:20 1->0 by systemd-sysctl[412] uid 0 "
	    "auid 1000: warned\n");
}

TEST_F(hs, last_event_of_the_periodic_check)
{
	fake_module(self->dir, &at_floor);
	put_knob(self->dir, 1, "events", "1\n");
	put_knob(self->dir, 1, "last_event",
		 "1700000000 - - - - 1 0 restored\n");
	ASSERT_EQ(0, HS());
	HAS(self->r->out, "1->0 by periodic check: restored\n");
}

TEST_F(hs, last_event_escaped_comm_and_no_auid)
{
	fake_module(self->dir, &at_floor);
	put_knob(self->dir, 0, "last_event",
		 "1700000000 977 evil\\x0a\\x20x 0 - 1 0 refused\n");
	ASSERT_EQ(0, HS());
	HAS(self->r->out, "by evil\\x0a\\x20x[977] uid 0: refused\n");
	ASSERT_EQ(0, HS("--json"));
	JSON_OK("d['knobs'][0]['last_event'] == {'time': 1700000000, "
		"'pid': 977, 'comm': 'evil\\\\x0a\\\\x20x', 'uid': 0, "
		"'auid': None, 'old': 1, 'new': 0, 'action': 'refused'}");
}

/* ---- missing or garbled files: exit 3, a clear message ---- */

static void expect_broken(struct __test_metadata *_metadata,
			  const char *dir, struct result *r,
			  const char *message)
{
	char want[PATH_MAX + 128];

	snprintf(want, sizeof(want), "harden-status: %s/%s", dir, message);
	ASSERT_EQ(3, hs(dir, r, 0, NULL));
	HAS(r->err, want);
	ASSERT_EQ(3, hs(dir, r, 0, "--json", NULL));
	ASSERT_EQ(0, check(dir, "jsoncheck.py",
			   (const char *[]){ "d['exit_code'] == 3", NULL }));
	ASSERT_EQ(3, hs(dir, r, 0, "--prometheus", NULL));
	ASSERT_EQ(0, check(dir, "promcheck.py",
			   (const char *[]){ "harden_defaults_status 3",
					     NULL }));
}

TEST_F(hs, garbled_floor)
{
	fake_module(self->dir, &at_floor);
	put_knob(self->dir, 0, "floor", "abc\n");
	expect_broken(_metadata, self->dir, self->r, SYSFS
		      "/ptrace_scope/floor: unexpected content \"abc\"");
	HAS(self->r->out, "harden_defaults_knob_state{knob=\"ptrace_scope\","
	    "sysctl=\"kernel.yama.ptrace_scope\",state=\"unknown\"} 1");
}

TEST_F(hs, missing_value)
{
	fake_module(self->dir, &at_floor);
	put(self->dir, SYSFS "/kptr_restrict/value", NULL);
	expect_broken(_metadata, self->dir, self->r, SYSFS
		      "/kptr_restrict/value: No such file or directory");
}

TEST_F(hs, two_line_value)
{
	fake_module(self->dir, &at_floor);
	put_knob(self->dir, 1, "value", "1\n0\n");
	expect_broken(_metadata, self->dir, self->r, SYSFS
		      "/kptr_restrict/value: more than one line");
}

TEST_F(hs, huge_last_event)
{
	char big[600];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	fake_module(self->dir, &at_floor);
	put(self->dir, SYSFS "/bpf_jit_harden/last_event", "%s", big);
	expect_broken(_metadata, self->dir, self->r, SYSFS
		      "/bpf_jit_harden/last_event: too long");
}

TEST_F(hs, garbled_last_event)
{
	fake_module(self->dir, &at_floor);
	put_knob(self->dir, 0, "last_event", "1700000000 412 x 0 0 1 0\n");
	expect_broken(_metadata, self->dir, self->r, SYSFS
		      "/ptrace_scope/last_event: unexpected content");
	put_knob(self->dir, 0, "last_event",
		 "1700000000 412 x 0 0 1 0 forgot\n");
	expect_broken(_metadata, self->dir, self->r, SYSFS
		      "/ptrace_scope/last_event: unexpected content");
}

TEST_F(hs, garbled_state_and_sysctl)
{
	fake_module(self->dir, &at_floor);
	put_knob(self->dir, 1, "state", "fine\n");
	expect_broken(_metadata, self->dir, self->r, SYSFS
		      "/kptr_restrict/state: unexpected content \"fine\"");
	fake_module(self->dir, &at_floor);
	put_knob(self->dir, 1, "sysctl", "kernel.\x1b[2J\n");
	expect_broken(_metadata, self->dir, self->r, SYSFS
		      "/kptr_restrict/sysctl: unexpected content "
		      "\"kernel.?[2J\"");
}

TEST_F(hs, unknown_mode)
{
	fake_module(self->dir, &at_floor);
	put(self->dir, SYSFS "/mode", "sideways\n");
	expect_broken(_metadata, self->dir, self->r, SYSFS
		      "/mode: unexpected content \"sideways\"");
}

TEST_F(hs, missing_version)
{
	fake_module(self->dir, &at_floor);
	put(self->dir, SYSFS "/version", NULL);
	expect_broken(_metadata, self->dir, self->r, SYSFS
		      "/version: No such file or directory");
}

TEST_F(hs, garbled_proc_value)
{
	const int v[3] = { 1, 1, 1 };

	fake_proc(self->dir, v);
	put(self->dir, "proc/sys/kernel/kptr_restrict", "one\n");
	expect_broken(_metadata, self->dir, self->r,
		      "proc/sys/kernel/kptr_restrict: unexpected content");
}

TEST_F(hs, below_in_enforce_beats_unknown)
{
	struct fake fk = { "enforce", { 0, 1, 1 }, { 1, 1, 1 } };

	fake_module(self->dir, &fk);
	put_knob(self->dir, 1, "floor", "x\n");
	ASSERT_EQ(2, HS());
}

/* ---- root-only bpf_jit_harden ---- */

/* Make bpf_jit_harden's files unreadable to the user the tool runs as. */
static uid_t hide_bpf(const char *dir, const char *files)
{
	char path[PATH_MAX];
	uid_t uid = geteuid() ? 0 : 65534;
	const char *f;

	for (f = files; *f; f += strlen(f) + 1) {
		snprintf(path, sizeof(path), "%s/%s", dir, f);
		/* As root, 0400 is what the module uses; a user needs 0. */
		chmod(path, uid ? 0400 : 0);
	}
	return uid;
}

#define BPF_FILES(d) d "sysctl\0" d "floor\0" d "value\0" d "state\0" \
	d "events\0" d "last_event\0" d "detector\0"

TEST_F(hs, bpf_root_only_for_a_user)
{
	uid_t uid;

	fake_module(self->dir, &at_floor);
	uid = hide_bpf(self->dir, BPF_FILES(SYSFS "/bpf_jit_harden/"));
	ASSERT_EQ(0, hs(self->dir, self->r, uid, NULL));
	/* The module's floor is as hidden as the value: not the default. */
	HAS(self->r->out, "net.core.bpf_jit_harden      ?     ? root-only "
	    "     ? -\n");
	HAS(self->r->out, "kernel.kptr_restrict         1     1 ok");
	ASSERT_STREQ("", self->r->err);
	ASSERT_EQ(0, hs(self->dir, self->r, uid, "--json", NULL));
	JSON_OK("d['knobs'][2]['state'] == 'root-only'",
		"d['knobs'][2]['value'] is None",
		"d['knobs'][2]['floor'] is None",
		"d['knobs'][1]['floor'] == 1", "d['exit_code'] == 0");
	ASSERT_EQ(0, hs(self->dir, self->r, uid, "--prometheus", NULL));
	PROM_OK("harden_defaults_knob_state{knob=\"bpf_jit_harden\","
		"sysctl=\"net.core.bpf_jit_harden\",state=\"root-only\"} 1");
	HAS(self->r->out, "harden_defaults_knob_floor{knob=\"kptr_restrict\"");
	ASSERT_EQ(NULL, strstr(self->r->out,
			       "harden_defaults_knob_floor{knob=\"bpf_jit_harden\""));
}

TEST_F(hs, bpf_root_only_with_others_below)
{
	struct fake fk = { "warn", { 0, 1, 1 }, { 1, 1, 1 } };
	uid_t uid;

	fake_module(self->dir, &fk);
	uid = hide_bpf(self->dir, BPF_FILES(SYSFS "/bpf_jit_harden/"));
	ASSERT_EQ(1, hs(self->dir, self->r, uid, NULL));
	HAS(self->r->out, "root-only");
}

TEST_F(hs, bpf_root_only_without_module)
{
	const int v[3] = { 1, 1, 1 };
	uid_t uid;

	fake_proc(self->dir, v);
	uid = hide_bpf(self->dir, "proc/sys/net/core/bpf_jit_harden\0");
	ASSERT_EQ(1, hs(self->dir, self->r, uid, NULL));
	HAS(self->r->out, "net.core.bpf_jit_harden      ?     1 root-only");
	ASSERT_STREQ("", self->r->err);
}

/* ---- output formats ---- */

TEST_F(hs, json_full)
{
	struct fake fk = { "enforce", { 2, 1, -1 }, { 1, 1, 1 } };

	fake_module(self->dir, &fk);
	put_knob(self->dir, 0, "events", "12\n");
	put_knob(self->dir, 0, "last_event",
		 "1700000000 412 gdb 1000 1000 2 0 refused\n");
	put(self->dir, "usr/lib/sysctl.d/10-default-yama-scope.conf",
	    "# debugging\n\nkernel.yama.ptrace_scope = 0\n");
	ASSERT_EQ(0, HS("--json"));
	JSON_OK("d['module_loaded'] is True", "d['version'] == '0.1.0'",
		"d['mode'] == 'enforce'", "len(d['knobs']) == 3",
		"d['knobs'][0] == {'knob': 'ptrace_scope', "
		"'sysctl': 'kernel.yama.ptrace_scope', 'value': 2, "
		"'floor': 1, 'state': 'ok', 'events': 12, "
		"'detector': 'kprobe', 'last_event': {'time': 1700000000, "
		"'pid': 412, 'comm': 'gdb', 'uid': 1000, 'auid': 1000, "
		"'old': 2, 'new': 0, 'action': 'refused'}}",
		"d['knobs'][2]['state'] == 'absent'",
		"d['knobs'][2]['value'] is None",
		"d['boot_config'] == [{'sysctl': 'kernel.yama.ptrace_scope', "
		"'value': 0, 'floor': 1, 'file': "
		"'/usr/lib/sysctl.d/10-default-yama-scope.conf', 'line': 3, "
		"'package': None}]",
		"d['status'] == 'OK'", "d['exit_code'] == 0");
}

TEST_F(hs, json_without_module)
{
	const int v[3] = { 0, 1, 1 };

	fake_proc(self->dir, v);
	put(self->dir, "proc/cmdline", "quiet sysctl.kernel.kptr_restrict=0\n");
	ASSERT_EQ(1, HS("--json"));
	JSON_OK("d['module_loaded'] is False", "d['mode'] is None",
		"d['version'] is None", "d['knobs'][0]['state'] == 'below'",
		"d['knobs'][0]['events'] is None",
		"d['boot_config'][0]['file'] == '/proc/cmdline'",
		"d['boot_config'][0]['line'] is None",
		"d['status'] == 'WARNING'");
}

TEST_F(hs, json_escapes_odd_file_names)
{
	fake_module(self->dir, &at_floor);
	put(self->dir, "etc/sysctl.d/10-\"q\"\\\t\x01\xe9.conf",
	    "kernel.kptr_restrict=0\n");
	ASSERT_EQ(1, HS("--json"));
	JSON_OK("d['boot_config'][0]['file'] == "
		"'/etc/sysctl.d/10-\"q\"\\\\\\t\\x01\\xe9.conf'");
	ASSERT_EQ(1, HS());
	/* A lone 0xe9 is no UTF-8: escaped in the table. */
	HAS(self->r->out, "  /etc/sysctl.d/10-\"q\"\\\\x09\\x01\\xe9.conf:1 "
	    "sets");
}

TEST_F(hs, prometheus_full)
{
	struct fake fk = { "warn", { 0, 1, 2 }, { 1, 1, 1 } };

	fake_module(self->dir, &fk);
	put_knob(self->dir, 0, "events", "5\n");
	put_knob(self->dir, 0, "last_event",
		 "1700000000 412 a\\x22b 0 - 1 0 warned\n");
	put(self->dir, "etc/sysctl.d/99-sysctl.conf",
	    "kernel.kptr_restrict=0\n");
	ASSERT_EQ(1, HS("--prometheus"));
	PROM_OK("harden_defaults_module_loaded 1",
		"harden_defaults_mode_info{mode=\"warn\",version=\"0.1.0\"} 1",
		"harden_defaults_knob_value{knob=\"ptrace_scope\","
		"sysctl=\"kernel.yama.ptrace_scope\"} 0",
		"harden_defaults_knob_floor{knob=\"bpf_jit_harden\","
		"sysctl=\"net.core.bpf_jit_harden\"} 1",
		"harden_defaults_knob_below{knob=\"ptrace_scope\","
		"sysctl=\"kernel.yama.ptrace_scope\"} 1",
		"harden_defaults_knob_below{knob=\"bpf_jit_harden\","
		"sysctl=\"net.core.bpf_jit_harden\"} 0",
		"harden_defaults_events_total{knob=\"ptrace_scope\","
		"sysctl=\"kernel.yama.ptrace_scope\"} 5",
		"harden_defaults_last_event_timestamp_seconds{knob="
		"\"ptrace_scope\",sysctl=\"kernel.yama.ptrace_scope\"} "
		"1700000000",
		"harden_defaults_boot_config_lowering{knob=\"kptr_restrict\","
		"sysctl=\"kernel.kptr_restrict\"} 1",
		"harden_defaults_boot_config_lowering{knob=\"ptrace_scope\","
		"sysctl=\"kernel.yama.ptrace_scope\"} 0",
		"harden_defaults_status 1");
}

TEST_F(hs, prometheus_without_module)
{
	const int v[3] = { 1, -1, 1 };

	fake_proc(self->dir, v);
	ASSERT_EQ(1, HS("--prometheus"));
	PROM_OK("harden_defaults_module_loaded 0",
		"!harden_defaults_mode_info", "!harden_defaults_events_total",
		"harden_defaults_knob_state{knob=\"kptr_restrict\","
		"sysctl=\"kernel.kptr_restrict\",state=\"absent\"} 1",
		"harden_defaults_knob_value{knob=\"ptrace_scope\","
		"sysctl=\"kernel.yama.ptrace_scope\"} 1");
}

TEST_F(hs, quiet_lines)
{
	struct fake fk = { "enforce", { 1, 0, 1 }, { 1, 1, 1 } };

	fake_module(self->dir, &at_floor);
	ASSERT_EQ(0, HS("-q"));
	ASSERT_STREQ("HARDEN OK - all knobs at or above their floor\n",
		     self->r->out);
	fake_module(self->dir, &fk);
	ASSERT_EQ(2, HS("--quiet"));
	ASSERT_STREQ("HARDEN CRITICAL - kernel.kptr_restrict 0 < floor 1\n",
		     self->r->out);
	put_knob(self->dir, 1, "value", "zero\n");
	ASSERT_EQ(3, HS("--quiet"));
	ASSERT_STREQ("HARDEN UNKNOWN - kernel.kptr_restrict unreadable\n",
		     self->r->out);
}

TEST_F(hs, explain)
{
	struct fake fk = { "warn", { 1, 2, -1 }, { 1, 1, 1 } };

	fake_module(self->dir, &fk);
	ASSERT_EQ(0, HS("--explain"));
	HAS(self->r->out, "kernel.yama.ptrace_scope = 1 (floor 1)\n"
	    "  blocks: attaching to a process that is not a descendant");
	HAS(self->r->out, "PR_SET_PTRACER");
	HAS(self->r->out, "CAP_SYS_PTRACE");
	HAS(self->r->out, "kernel.kptr_restrict = 2 (floor 1)\n"
	    "  blocks: kernel addresses for everyone, root included");
	HAS(self->r->out, "net.core.bpf_jit_harden: absent on this kernel\n");
	HASNT(self->r->out, "SYSCTL");
}

TEST_F(hs, explain_bpf_kallsyms)
{
	fake_module(self->dir, &at_floor);
	ASSERT_EQ(0, HS("--explain"));
	HAS(self->r->out, "net.core.bpf_jit_harden = 1 (floor 1)\n");
	HAS(self->r->out, "bpf_jit_kallsyms");
}

/* ---- command line ---- */

TEST_F(hs, help_version_and_usage_errors)
{
	ASSERT_EQ(0, HS("--help"));
	HAS(self->r->out, "Usage: harden-status [options]");
	HAS(self->r->out, "--prometheus");
	ASSERT_EQ(0, HS("--version"));
	ASSERT_STREQ("harden-status 0.1.0\n", self->r->out);
	ASSERT_EQ(3, HS("--bogus"));
	HAS(self->r->err, "Usage:");
	ASSERT_EQ(3, HS("--json", "--prometheus"));
	HAS(self->r->err, "harden-status: --json, --prometheus");
	ASSERT_EQ(3, HS("extra"));
	ASSERT_STREQ("harden-status: unexpected argument 'extra'\n",
		     self->r->err);
}

/* ---- boot configuration ---- */

#define YAMA_CONF "usr/lib/sysctl.d/10-default-yama-scope.conf"

TEST_F(hs, boot_lowering_in_warn_mode_is_1)
{
	fake_module(self->dir, &at_floor);
	put(self->dir, YAMA_CONF, "# allow gdb -p\n\nkernel.yama."
	    "ptrace_scope = 0\n");
	ASSERT_EQ(1, HS());
	HAS(self->r->out, "next boot:\n  /usr/lib/sysctl.d/10-default-yama-"
	    "scope.conf:3 sets kernel.yama.ptrace_scope = 0 (floor 1)\n");
	ASSERT_EQ(1, HS("--quiet"));
	ASSERT_STREQ("HARDEN WARNING - 1 boot setting(s) below floor\n",
		     self->r->out);
}

TEST_F(hs, boot_lowering_in_enforce_mode_is_0)
{
	struct fake fk = at_floor;

	fk.mode = "enforce";
	fake_module(self->dir, &fk);
	put(self->dir, YAMA_CONF, "kernel.yama.ptrace_scope = 0\n");
	ASSERT_EQ(0, HS());
	HAS(self->r->out, "10-default-yama-scope.conf:1 sets");
	HAS(self->r->out, "(mode enforce: the module refuses such writes)");
	fk.mode = "lock";
	fake_module(self->dir, &fk);
	ASSERT_EQ(0, HS());
}

TEST_F(hs, boot_masked_by_empty_file)
{
	fake_module(self->dir, &at_floor);
	put(self->dir, YAMA_CONF, "kernel.yama.ptrace_scope = 0\n");
	put(self->dir, "etc/sysctl.d/10-default-yama-scope.conf", "");
	ASSERT_EQ(0, HS());
	HAS(self->r->out, "next boot: nothing sets");
}

TEST_F(hs, boot_masked_by_dev_null)
{
	char link[PATH_MAX];

	fake_module(self->dir, &at_floor);
	put(self->dir, YAMA_CONF, "kernel.yama.ptrace_scope = 0\n");
	put(self->dir, "etc/sysctl.d/x", "");
	snprintf(link, sizeof(link),
		 "%s/etc/sysctl.d/10-default-yama-scope.conf", self->dir);
	ASSERT_EQ(0, symlink("/dev/null", link));
	ASSERT_EQ(0, HS());
	/* A name in /run masks /usr/lib, too, and only that name. */
	unlink(link);
	put(self->dir, "run/sysctl.d/10-default-yama-scope.conf", "# off\n");
	put(self->dir, "usr/lib/sysctl.d/11-other.conf",
	    "kernel.kptr_restrict=0\n");
	ASSERT_EQ(1, HS());
	HAS(self->r->out, "11-other.conf:1 sets kernel.kptr_restrict = 0");
	HASNT(self->r->out, "yama-scope.conf");
}

TEST_F(hs, boot_later_file_wins)
{
	fake_module(self->dir, &at_floor);
	/* Ordered by name across directories, not by directory. */
	put(self->dir, "etc/sysctl.d/10-a.conf", "kernel.kptr_restrict=1\n");
	put(self->dir, "usr/lib/sysctl.d/20-b.conf",
	    "kernel.kptr_restrict=0\n");
	ASSERT_EQ(1, HS());
	HAS(self->r->out, "/usr/lib/sysctl.d/20-b.conf:1 sets "
	    "kernel.kptr_restrict = 0");
	put(self->dir, "usr/local/lib/sysctl.d/30-c.conf",
	    "kernel.kptr_restrict=2\n");
	ASSERT_EQ(0, HS());
}

TEST_F(hs, boot_later_line_wins)
{
	fake_module(self->dir, &at_floor);
	put(self->dir, "etc/sysctl.d/50-x.conf", "kernel.kptr_restrict=0\n"
	    "kernel.kptr_restrict=1\nnet.core.bpf_jit_harden=1\n"
	    "net.core.bpf_jit_harden=0\n");
	ASSERT_EQ(1, HS());
	HASNT(self->r->out, "kptr_restrict = 0");
	HAS(self->r->out, "/etc/sysctl.d/50-x.conf:4 sets "
	    "net.core.bpf_jit_harden = 0 (floor 1)");
}

/* #2: sysctl.conf counts only through the 99-sysctl.conf link. */
TEST_F(hs, boot_sysctl_conf_via_link_in_name_order)
{
	char link[PATH_MAX];

	fake_module(self->dir, &at_floor);
	put(self->dir, "etc/sysctl.conf", "#\nkernel.yama.ptrace_scope=0\n");
	/* Not linked in: systemd does not read it. */
	ASSERT_EQ(0, HS());
	snprintf(link, sizeof(link), "%s/etc/sysctl.d/99-sysctl.conf",
		 self->dir);
	mkparents(link);
	ASSERT_EQ(0, symlink("../sysctl.conf", link));
	ASSERT_EQ(1, HS("--json"));
	JSON_OK("len(d['boot_config']) == 1",
		"d['boot_config'][0]['file'] == '/etc/sysctl.d/99-sysctl.conf'",
		"d['boot_config'][0]['line'] == 2");
	/* A file sorting after 99-sysctl.conf is read after it. */
	put(self->dir, "usr/lib/sysctl.d/99-zzz.conf",
	    "kernel.yama.ptrace_scope=1\n");
	ASSERT_EQ(0, HS());
	/* One sorting before it is overridden by it. */
	put(self->dir, "usr/lib/sysctl.d/99-zzz.conf", NULL);
	put(self->dir, "usr/lib/sysctl.d/99-aaa.conf",
	    "kernel.yama.ptrace_scope=1\n");
	ASSERT_EQ(1, HS());
	HAS(self->r->out, "  /etc/sysctl.d/99-sysctl.conf:2 sets "
	    "kernel.yama.ptrace_scope = 0");
	/* Masked in /etc by /dev/null: hidden. */
	unlink(link);
	ASSERT_EQ(0, symlink("/dev/null", link));
	ASSERT_EQ(0, HS());
	/* A /usr/lib link of the same name is masked by the /etc one. */
	snprintf(link, sizeof(link), "%s/usr/lib/sysctl.d/99-sysctl.conf",
		 self->dir);
	ASSERT_EQ(0, symlink("../../../etc/sysctl.conf", link));
	ASSERT_EQ(0, HS());
}

TEST_F(hs, boot_syntax)
{
	fake_module(self->dir, &at_floor);
	put(self->dir, "etc/sysctl.d/10-a.conf",
	    "; kernel.kptr_restrict=0\n"
	    "# kernel.kptr_restrict=0\n"
	    "   -kernel/yama/ptrace_scope\t=  0  \n"
	    "net.core.bpf_jit_harden\n"
	    "kernel.kptr_restrictx=0\n");
	put(self->dir, "etc/sysctl.d/README", "kernel.kptr_restrict=0\n");
	put(self->dir, "etc/sysctl.d/10-b.conf.disabled",
	    "kernel.kptr_restrict=0\n");
	ASSERT_EQ(1, HS("--json"));
	JSON_OK("[(b['sysctl'], b['line']) for b in d['boot_config']] == "
		"[('kernel.yama.ptrace_scope', 3)]");
}

TEST_F(hs, boot_glob_and_exact)
{
	fake_module(self->dir, &at_floor);
	put(self->dir, "etc/sysctl.d/10-a.conf", "kernel.yama.*=0\n");
	ASSERT_EQ(1, HS());
	HAS(self->r->out, "10-a.conf:1 sets kernel.yama.ptrace_scope = 0");
	/* An exact key beats a glob, whatever the order. */
	put(self->dir, "etc/sysctl.d/05-a.conf",
	    "kernel.yama.ptrace_scope=1\n");
	ASSERT_EQ(0, HS());
}

TEST_F(hs, boot_non_numeric_value_replaces)
{
	fake_module(self->dir, &at_floor);
	put(self->dir, "etc/sysctl.d/10-a.conf", "kernel.kptr_restrict=0\n");
	put(self->dir, "etc/sysctl.d/20-a.conf", "kernel.kptr_restrict=x\n");
	ASSERT_EQ(0, HS());
}

TEST_F(hs, boot_command_line)
{
	fake_module(self->dir, &at_floor);
	put(self->dir, "proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/vda "
	    "sysctl.kernel.yama.ptrace_scope=0 \"sysctl.kernel/kptr_restrict"
	    "=1\" sysctl.kernel.kptr_restrict=0 quiet -- "
	    "sysctl.net.core.bpf_jit_harden=0\n");
	ASSERT_EQ(1, HS("--json"));
	JSON_OK("[(b['sysctl'], b['file'], b['line']) for b in "
		"d['boot_config']] == [('kernel.yama.ptrace_scope', "
		"'/proc/cmdline', None), ('kernel.kptr_restrict', "
		"'/proc/cmdline', None)]");
	ASSERT_EQ(1, HS());
	HAS(self->r->out, "  kernel command line sets "
	    "kernel.yama.ptrace_scope = 0 (floor 1)\n");
	/* The command line and a file are both listed. */
	put(self->dir, YAMA_CONF, "kernel.yama.ptrace_scope = 0\n");
	ASSERT_EQ(1, HS("--json"));
	JSON_OK("len(d['boot_config']) == 3");
}

TEST_F(hs, boot_against_current_floor)
{
	struct fake fk = { "warn", { 2, 1, 1 }, { 2, 1, 1 } };

	fake_module(self->dir, &fk);
	put(self->dir, YAMA_CONF, "kernel.yama.ptrace_scope = 1\n");
	ASSERT_EQ(1, HS());
	HAS(self->r->out, "sets kernel.yama.ptrace_scope = 1 (floor 2)");
}

TEST_F(hs, boot_absent_knob_not_listed)
{
	struct fake fk = { "warn", { -1, 1, 1 }, { 1, 1, 1 } };

	fake_module(self->dir, &fk);
	put(self->dir, YAMA_CONF, "kernel.yama.ptrace_scope = 0\n");
	ASSERT_EQ(0, HS());
	HAS(self->r->out, "next boot: nothing sets");
}

TEST_F(hs, boot_without_module)
{
	const int v[3] = { 1, 1, 1 };

	fake_proc(self->dir, v);
	put(self->dir, YAMA_CONF, "kernel.yama.ptrace_scope = 0\n");
	ASSERT_EQ(1, HS());
	HAS(self->r->out, "yama-scope.conf:1 sets kernel.yama.ptrace_scope = 0"
	    " (floor 1)\n");
}

/* ---- Secure Boot, signer, build and taint: shown, never judged ---- */

#define SB_VAR "sys/firmware/efi/efivars/" \
	"SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c"
#define RELEASE "6.12.4-200.fc41.x86_64"
#define KO_DIR "lib/modules/" RELEASE "/extra/"

/* Write @len raw bytes into DIR/REL. */
static void put_bytes(const char *dir, const char *rel, const void *buf,
		      size_t len)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	mkparents(path);
	f = fopen(path, "w");
	if (!f || fwrite(buf, 1, len, f) != len) {
		perror(path);
		abort();
	}
	fclose(f);
}

/* The SecureBoot variable: attributes, then the value. */
static void fake_efi(const char *dir, int on)
{
	const unsigned char var[5] = { 0x06, 0, 0, 0, (unsigned char)on };

	put_bytes(dir, SB_VAR, var, sizeof(var));
	put(dir, "proc/sys/kernel/osrelease", RELEASE "\n");
}

/* What "modinfo harden_defaults" prints; @signer NULL: unsigned. */
static void fake_modinfo(const char *dir, const char *vermagic,
			 const char *signer)
{
	char sig[512] = "";

	if (signer)
		snprintf(sig, sizeof(sig),
			 "sig_id:         PKCS#7\n"
			 "signer:         %s\n"
			 "sig_key:        3A:5E:01:C2\n"
			 "sig_hashalgo:   sha256\n"
			 "signature:      30:65:02:31:00:A1\n"
			 "\t\tsigner: not a field\n", signer);
	put(dir, "harden_defaults.modinfo",
	    "filename:       /lib/modules/%s/extra/harden_defaults.ko.xz\n"
	    "version:        0.1.0\n"
	    "license:        GPL\n"
	    "depends:        \n"
	    "name:           harden_defaults\n"
	    "vermagic:       %s SMP preempt mod_unload \n"
	    "%s"
	    "parm:           mode:warn, enforce or lock (charp)\n",
	    RELEASE, vermagic, sig);
}

TEST_F(hs, secure_boot_on_signed_module)
{
	fake_module(self->dir, &at_floor);
	fake_efi(self->dir, 1);
	fake_modinfo(self->dir, RELEASE, "DKMS module signing key");
	put(self->dir, "sys/module/harden_defaults/taint", "O\n");
	put(self->dir, "proc/sys/kernel/tainted", "4096\n");
	ASSERT_EQ(0, HS());
	HAS(self->r->out, "module: harden_defaults 0.1.0\n"
	    "secure boot: on\n"
	    "  module file: /lib/modules/" RELEASE
	    "/extra/harden_defaults.ko.xz\n"
	    "  signer: DKMS module signing key\n"
	    "  built for: " RELEASE " (the running kernel)\n"
	    "  module taint: O\n"
	    "    O: built outside the kernel tree (expected for DKMS and "
	    "akmods modules)\n"
	    "  kernel taint: O (by this or another module)\n\nnext boot:");
	ASSERT_STREQ("", self->r->err);
	ASSERT_EQ(0, HS("--json"));
	JSON_OK("d['secure_boot'] == {'enabled': True, 'module_file': "
		"'/lib/modules/" RELEASE "/extra/harden_defaults.ko.xz', "
		"'signed': True, 'signer': 'DKMS module signing key', "
		"'built_for': '" RELEASE "', 'running': '" RELEASE "', "
		"'taint': 'O', 'kernel_taint': 'O'}", "d['exit_code'] == 0");
	ASSERT_EQ(0, HS("--prometheus"));
	PROM_OK("harden_defaults_secure_boot 1",
		"harden_defaults_module_signed 1",
		"harden_defaults_module_built_for_running_kernel 1",
		"harden_defaults_module_tainted{flag=\"O\"} 1",
		"harden_defaults_module_tainted{flag=\"E\"} 0",
		"harden_defaults_kernel_tainted{flag=\"O\"} 1",
		"harden_defaults_kernel_tainted{flag=\"E\"} 0",
		"harden_defaults_status 0");
	/* --quiet and --explain say nothing about it. */
	ASSERT_EQ(0, HS("--quiet"));
	HASNT(self->r->out, "secure");
}

TEST_F(hs, secure_boot_off_unsigned_module)
{
	fake_module(self->dir, &at_floor);
	fake_efi(self->dir, 0);
	fake_modinfo(self->dir, RELEASE, NULL);
	put(self->dir, "sys/module/harden_defaults/taint", "\n");
	put(self->dir, "proc/sys/kernel/tainted", "0\n");
	ASSERT_EQ(0, HS());
	HAS(self->r->out, "secure boot: off\n");
	HAS(self->r->out, "  signer: none (the module is not signed)\n");
	HAS(self->r->out, "  module taint: none\n");
	HAS(self->r->out, "  kernel taint: neither O nor E\n");
	ASSERT_EQ(0, HS("--json"));
	JSON_OK("d['secure_boot']['enabled'] is False",
		"d['secure_boot']['signed'] is False",
		"d['secure_boot']['signer'] is None",
		"d['secure_boot']['taint'] == ''",
		"d['secure_boot']['kernel_taint'] == ''");
	ASSERT_EQ(0, HS("--prometheus"));
	PROM_OK("harden_defaults_secure_boot 0",
		"harden_defaults_module_signed 0",
		"harden_defaults_module_tainted{flag=\"E\"} 0",
		"harden_defaults_status 0");
	/* EFI variables without SecureBoot: firmware without it, so off. */
	put(self->dir, SB_VAR, NULL);
	put(self->dir, "sys/firmware/efi/efivars/"
	    "BootOrder-8be4df61-93ca-11d2-aa0d-00e098032b8c", "x");
	ASSERT_EQ(0, HS());
	HAS(self->r->out, "secure boot: off (the firmware has no SecureBoot "
	    "variable)\n");
}

TEST_F(hs, secure_boot_unknown)
{
	char path[PATH_MAX];
	const int v[3] = { 1, 1, 1 };

	/* No /sys/firmware/efi, no module, no modinfo: all unknown. */
	fake_proc(self->dir, v);
	ASSERT_EQ(1, HS());
	HAS(self->r->out, "module: not loaded (values from /proc/sys, default "
	    "floors)\nsecure boot: unknown (not booted through EFI)\n"
	    "  module file: not found for kernel ?\n"
	    "  signer: ?\n"
	    "  built for: ? (running ?)\n"
	    "  module taint: - (not loaded)\n"
	    "  kernel taint: ?\n");
	ASSERT_STREQ("", self->r->err);
	ASSERT_EQ(1, HS("--json"));
	JSON_OK("d['secure_boot'] == {'enabled': None, 'module_file': None, "
		"'signed': None, 'signer': None, 'built_for': None, "
		"'running': None, 'taint': None, 'kernel_taint': None}",
		"d['exit_code'] == 1");
	ASSERT_EQ(1, HS("--prometheus"));
	PROM_OK("!harden_defaults_secure_boot", "!harden_defaults_module_signed",
		"!harden_defaults_module_tainted",
		"!harden_defaults_kernel_tainted",
		"!harden_defaults_module_built_for_running_kernel",
		"harden_defaults_status 1");
	/* efivarfs not mounted: an empty directory. */
	snprintf(path, sizeof(path), "%s/sys/firmware/efi/efivars", self->dir);
	mkparents(path);
	ASSERT_EQ(0, mkdir(path, 0755));
	ASSERT_EQ(1, HS());
	HAS(self->r->out, "secure boot: unknown (no EFI variables: efivarfs "
	    "not mounted?)\n");
	/* A garbled variable. */
	put(self->dir, SB_VAR, "abc");
	ASSERT_EQ(1, HS());
	HAS(self->r->out, "secure boot: unknown (SecureBoot variable garbled "
	    "(3 bytes))\n");
	put_bytes(self->dir, SB_VAR, "\x06\0\0\0\x02", 5);
	ASSERT_EQ(1, HS("--json"));
	JSON_OK("d['secure_boot']['enabled'] is None");
}

TEST_F(hs, module_tainted_oe)
{
	fake_module(self->dir, &at_floor);
	fake_efi(self->dir, 0);
	fake_modinfo(self->dir, RELEASE, NULL);
	put(self->dir, "sys/module/harden_defaults/taint", "OE\n");
	put(self->dir, "proc/sys/kernel/tainted", "12288\n");
	/* Taint never changes the exit code on its own. */
	ASSERT_EQ(0, HS());
	HAS(self->r->out, "  module taint: OE\n"
	    "    O: built outside the kernel tree (expected for DKMS and "
	    "akmods modules)\n"
	    "    E: the kernel could not verify the module's signature: "
	    "Secure Boot is off or not enforcing; see README, Secure Boot\n"
	    "  kernel taint: OE (by this or another module)\n");
	ASSERT_EQ(0, HS("--json"));
	JSON_OK("d['secure_boot']['taint'] == 'OE'",
		"d['secure_boot']['kernel_taint'] == 'OE'",
		"d['exit_code'] == 0");
	ASSERT_EQ(0, HS("--prometheus"));
	PROM_OK("harden_defaults_module_tainted{flag=\"O\"} 1",
		"harden_defaults_module_tainted{flag=\"E\"} 1",
		"harden_defaults_kernel_tainted{flag=\"E\"} 1",
		"harden_defaults_status 0");
	/* Other letters get a series of their own; garbage is unknown. */
	put(self->dir, "sys/module/harden_defaults/taint", "POE\n");
	ASSERT_EQ(0, HS("--prometheus"));
	PROM_OK("harden_defaults_module_tainted{flag=\"P\"} 1",
		"harden_defaults_module_tainted{flag=\"O\"} 1");
	put(self->dir, "sys/module/harden_defaults/taint", "O\"E\n");
	ASSERT_EQ(0, HS("--prometheus"));
	PROM_OK("!harden_defaults_module_tainted");
	ASSERT_EQ(0, HS());
	HAS(self->r->out, "  module taint: ?\n");
}

TEST_F(hs, built_for_another_kernel)
{
	struct fake fk = { "warn", { 0, 1, 1 }, { 1, 1, 1 } };

	fake_module(self->dir, &fk);
	fake_efi(self->dir, 1);
	fake_modinfo(self->dir, "6.11.9-100.fc41.x86_64", "akmods key");
	ASSERT_EQ(1, HS());
	HAS(self->r->out, "  signer: akmods key\n"
	    "  built for: 6.11.9-100.fc41.x86_64, but the running kernel is "
	    RELEASE ": rebuild the module\n");
	ASSERT_EQ(1, HS("--json"));
	JSON_OK("d['secure_boot']['built_for'] == '6.11.9-100.fc41.x86_64'",
		"d['secure_boot']['running'] == '" RELEASE "'",
		"d['secure_boot']['taint'] is None", "d['exit_code'] == 1");
	ASSERT_EQ(1, HS("--prometheus"));
	PROM_OK("harden_defaults_module_built_for_running_kernel 0",
		"harden_defaults_status 1");
}

TEST_F(hs, module_file_found_without_modinfo)
{
	static const char ko[] = "\177ELF....\0license=GPL\0"
		"vermagic=" RELEASE " SMP preempt mod_unload \0name=x\0"
		"~Module signature appended~\n";

	fake_module(self->dir, &at_floor);
	fake_efi(self->dir, 1);
	put_bytes(self->dir, KO_DIR "harden_defaults.ko", ko, sizeof(ko) - 1);
	ASSERT_EQ(0, HS("--json"));
	JSON_OK("d['secure_boot']['module_file'] == '/lib/modules/" RELEASE
		"/extra/harden_defaults.ko'",
		"d['secure_boot']['signed'] is True",
		"d['secure_boot']['signer'] is None",
		"d['secure_boot']['built_for'] == '" RELEASE "'");
	ASSERT_EQ(0, HS());
	HAS(self->r->out, "  signer: ? (signed; the signer could not be read)\n");
	/* Without the marker: unsigned. Compressed: not looked into. */
	put_bytes(self->dir, KO_DIR "harden_defaults.ko", ko, sizeof(ko) - 20);
	ASSERT_EQ(0, HS("--json"));
	JSON_OK("d['secure_boot']['signed'] is False");
	put(self->dir, KO_DIR "harden_defaults.ko", NULL);
	put(self->dir, KO_DIR "harden_defaults.ko.zst", "(zstd)");
	ASSERT_EQ(0, HS("--json"));
	JSON_OK("d['secure_boot']['module_file'].endswith('.ko.zst')",
		"d['secure_boot']['signed'] is None",
		"d['secure_boot']['built_for'] is None");
}

/* ---- fixes of the tester's list ---- */

/* #1: a negative floor is garbled, never an index for --explain. */
TEST_F(hs, explain_negative_floor)
{
	fake_module(self->dir, &at_floor);
	put_knob(self->dir, 0, "floor", "-5\n");
	ASSERT_EQ(3, HS("--explain"));
	HAS(self->r->out, "kernel.yama.ptrace_scope: value unknown, shown at "
	    "level 1\n");
	HAS(self->r->err, "ptrace_scope/floor: unexpected content \"-5\"");
	ASSERT_EQ(3, HS("--json"));
	JSON_OK("d['knobs'][0]['floor'] is None",
		"d['knobs'][0]['state'] == 'unknown'");
	/* A floor above the top level with an unknown value: the top. */
	put_knob(self->dir, 0, "floor", "7\n");
	put_knob(self->dir, 0, "value", "x\n");
	ASSERT_EQ(3, HS("--explain"));
	HAS(self->r->out, "kernel.yama.ptrace_scope: value unknown, shown at "
	    "level 3\n");
}

/* #3: a bare CR or a NUL ends a line, as for systemd; CRLF still works. */
TEST_F(hs, boot_cr_and_nul_end_lines)
{
	static const char text[] = "# harmless\rkernel.yama.ptrace_scope = 0\n"
		"# also\0kernel.kptr_restrict=0\r\n"
		"net.core.bpf_jit_harden=0\r\n";

	fake_module(self->dir, &at_floor);
	put_bytes(self->dir, "etc/sysctl.d/50-x.conf", text, sizeof(text) - 1);
	ASSERT_EQ(1, HS("--json"));
	JSON_OK("[(b['sysctl'], b['value'], b['line']) for b in "
		"d['boot_config']] == [('kernel.yama.ptrace_scope', 0, 2), "
		"('kernel.kptr_restrict', 0, 4), "
		"('net.core.bpf_jit_harden', 0, 5)]");
}

/* #4: the spellings systemd and the kernel take for the same key. */
TEST_F(hs, boot_key_spellings)
{
	static const char *const keys[] = {
		"kernel..yama.ptrace_scope", ".kernel.yama.ptrace_scope",
		"/kernel/yama/ptrace_scope", "kernel/yama//ptrace_scope",
		"kernel.yama.ptrace_scope.", "kernel/./yama/ptrace_scope",
		"kernel/yama/ptrace_scope/",
	};
	size_t i;

	fake_module(self->dir, &at_floor);
	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		put(self->dir, "etc/sysctl.d/50-x.conf", "%s = 0\n", keys[i]);
		if (HS() != 1)
			TH_LOG("key %s", keys[i]);
		ASSERT_EQ(1, self->r->code);
		HAS(self->r->out, "50-x.conf:1 sets kernel.yama.ptrace_scope "
		    "= 0");
	}
	/* After a first '/', a '.' is literal: another key. */
	put(self->dir, "etc/sysctl.d/50-x.conf",
	    "kernel/yama.ptrace_scope = 0\n");
	ASSERT_EQ(0, HS());
}

/* #5: the command line follows the kernel: every '.' becomes '/'. */
TEST_F(hs, boot_command_line_kernel_rule)
{
	fake_module(self->dir, &at_floor);
	put(self->dir, "proc/cmdline", "sysctl/kernel/yama/ptrace_scope=0 "
	    "sysctl.kernel.kptr_restrict/=0 sysctl/net.core.bpf_jit_harden=0"
	    "\n");
	ASSERT_EQ(1, HS("--json"));
	JSON_OK("[b['sysctl'] for b in d['boot_config']] == "
		"['kernel.yama.ptrace_scope', 'kernel.kptr_restrict', "
		"'net.core.bpf_jit_harden']");
	put(self->dir, "proc/cmdline", "sysctl.kernel.yama/ptrace_scope=0\n");
	ASSERT_EQ(1, HS());
	HAS(self->r->out, "kernel command line sets kernel.yama.ptrace_scope "
	    "= 0");
	/* Not the prefix: ignored. */
	put(self->dir, "proc/cmdline", "sysctlx.kernel.kptr_restrict=0 "
	    "sysctl.=0 sysctl=0 xsysctl.kernel.kptr_restrict=0\n");
	ASSERT_EQ(0, HS());
}

/* #6: values in base 0 after blanks, refused outside the knob's range. */
TEST_F(hs, boot_values_as_the_kernel_parses)
{
	static const char *const refused[] = {
		"-1", "4", "9", "08", "010", "0x", "+0", "1x", "- 0",
		"99999999999999999999",
	};
	size_t i;

	fake_module(self->dir, &at_floor);
	put(self->dir, "etc/sysctl.d/50-x.conf", "kernel.kptr_restrict = 0x0\n"
	    "kernel.yama.ptrace_scope = 00\n");
	ASSERT_EQ(1, HS("--json"));
	JSON_OK("[(b['sysctl'], b['value']) for b in d['boot_config']] == "
		"[('kernel.yama.ptrace_scope', 0), "
		"('kernel.kptr_restrict', 0)]");
	for (i = 0; i < ARRAY_SIZE(refused); i++) {
		put(self->dir, "etc/sysctl.d/50-x.conf",
		    "kernel.yama.ptrace_scope = %s\n", refused[i]);
		put(self->dir, "proc/cmdline",
		    "sysctl.kernel.kptr_restrict=\"%s\"\n", refused[i]);
		if (HS() != 0)
			TH_LOG("value %s:\n%s", refused[i], self->r->out);
		ASSERT_EQ(0, self->r->code);
	}
	/* A refused value replaces an earlier assignment (nothing written). */
	put(self->dir, "etc/sysctl.d/10-a.conf", "kernel.yama.ptrace_scope=0\n");
	put(self->dir, "etc/sysctl.d/50-x.conf", "kernel.yama.ptrace_scope=-1\n");
	ASSERT_EQ(0, HS());
	/* Leading blanks are skipped on the command line, as the kernel does. */
	put(self->dir, "proc/cmdline", "\"sysctl.kernel.kptr_restrict= 0\"\n");
	ASSERT_EQ(1, HS());
	HAS(self->r->out, "kernel command line sets kernel.kptr_restrict = 0");
	/* ptrace_scope takes 3, kptr_restrict only up to 2. */
	put(self->dir, "proc/cmdline", "sysctl.kernel.yama.ptrace_scope=3 "
	    "sysctl.kernel.kptr_restrict=3\n");
	ASSERT_EQ(0, HS());
}

/* #7: the numbers decide, not the module's state word. */
TEST_F(hs, state_judged_by_value_and_floor)
{
	fake_module(self->dir, &at_floor);
	put_knob(self->dir, 0, "value", "0\n");
	put_knob(self->dir, 0, "state", "ok\n");
	ASSERT_EQ(1, HS());
	HAS(self->r->out, "kernel.yama.ptrace_scope     0     1 below");
	put(self->dir, SYSFS "/mode", "enforce\n");
	ASSERT_EQ(2, HS());
	put_knob(self->dir, 0, "value", "2\n");
	put_knob(self->dir, 0, "state", "below\n");
	ASSERT_EQ(0, HS());
	HAS(self->r->out, "kernel.yama.ptrace_scope     2     1 ok");
	/* The module's "absent" stays. */
	put_knob(self->dir, 0, "state", "absent\n");
	ASSERT_EQ(0, HS());
	HAS(self->r->out, "kernel.yama.ptrace_scope     -     1 absent");
}

/* #8: a known negative value is a number in JSON, not null. */
TEST_F(hs, json_negative_value)
{
	const int v[3] = { 1, 1, 1 };

	fake_module(self->dir, &at_floor);
	put_knob(self->dir, 1, "value", "-1\n");
	ASSERT_EQ(1, HS("--json"));
	JSON_OK("d['knobs'][1]['value'] == -1",
		"d['knobs'][1]['state'] == 'below'");
	nftw(self->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	ASSERT_EQ(0, mkdir(self->dir, 0755));
	fake_proc(self->dir, v);
	put(self->dir, "proc/sys/kernel/kptr_restrict", "-2\n");
	ASSERT_EQ(1, HS("--json"));
	JSON_OK("d['knobs'][1]['value'] == -2");
}

static void make_fifo(const char *dir, const char *rel)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	mkparents(path);
	unlink(path);
	if (mkfifo(path, 0644)) {
		perror(path);
		abort();
	}
}

/* #9: FIFOs are skipped, not opened; a directory masks nothing. */
TEST_F(hs, fifo_and_directory_conf)
{
	char path[PATH_MAX];

	fake_module(self->dir, &at_floor);
	fake_efi(self->dir, 1);
	make_fifo(self->dir, "etc/sysctl.d/20-b.conf");
	put(self->dir, "usr/lib/sysctl.d/20-b.conf", "kernel.kptr_restrict=0\n");
	make_fifo(self->dir, "harden_defaults.modinfo");
	make_fifo(self->dir, KO_DIR "harden_defaults.ko");
	make_fifo(self->dir, "proc/cmdline");
	snprintf(path, sizeof(path), "%s/etc/sysctl.d/10-default-yama-scope."
		 "conf", self->dir);
	ASSERT_EQ(0, mkdir(path, 0755));
	put(self->dir, YAMA_CONF, "kernel.yama.ptrace_scope = 0\n");
	/* The harness's timeout catches a hang. */
	ASSERT_EQ(1, HS("--json"));
	JSON_OK("[b['file'] for b in d['boot_config']] == "
		"['/usr/lib/sysctl.d/10-default-yama-scope.conf', "
		"'/usr/lib/sysctl.d/20-b.conf']",
		"d['secure_boot']['module_file'] is None");
	HAS(self->r->err, "proc/cmdline: not a regular file");
	/* A /dev/null link still masks. */
	snprintf(path, sizeof(path), "%s/run/sysctl.d/20-b.conf", self->dir);
	mkparents(path);
	ASSERT_EQ(0, symlink("/dev/null", path));
	ASSERT_EQ(1, HS("--json"));
	JSON_OK("[b['file'] for b in d['boot_config']] == "
		"['/usr/lib/sysctl.d/10-default-yama-scope.conf']");
}

/* #10: '*' stays within a directory; "-key" keeps a glob off a key. */
TEST_F(hs, boot_glob_pathname_and_exclusion)
{
	fake_module(self->dir, &at_floor);
	put(self->dir, "etc/sysctl.d/50-x.conf", "kernel.* = 0\n");
	ASSERT_EQ(1, HS("--json"));
	JSON_OK("[b['sysctl'] for b in d['boot_config']] == "
		"['kernel.kptr_restrict']");
	put(self->dir, "etc/sysctl.d/50-x.conf", "kernel/*/ptrace_scope = 0\n"
	    "net.core.* = 0\n");
	ASSERT_EQ(1, HS("--json"));
	JSON_OK("[b['sysctl'] for b in d['boot_config']] == "
		"['kernel.yama.ptrace_scope', 'net.core.bpf_jit_harden']");
	/* The exclusion counts wherever it stands, even in an earlier file. */
	put(self->dir, "etc/sysctl.d/10-a.conf", "-net.core.bpf_jit_harden\n");
	ASSERT_EQ(1, HS("--json"));
	JSON_OK("[b['sysctl'] for b in d['boot_config']] == "
		"['kernel.yama.ptrace_scope']");
	/* A later "-key" also replaces an exact assignment, as in systemd. */
	put(self->dir, "etc/sysctl.d/10-a.conf", "kernel.kptr_restrict=0\n");
	put(self->dir, "etc/sysctl.d/50-x.conf", "-kernel.kptr_restrict\n");
	ASSERT_EQ(0, HS());
	/* An excluding glob excludes nothing. */
	put(self->dir, "etc/sysctl.d/50-x.conf", "-kernel.*\n");
	ASSERT_EQ(1, HS());
	HAS(self->r->out, "10-a.conf:1 sets kernel.kptr_restrict = 0");
}

/* #11: C1 controls and invalid UTF-8 escaped; valid UTF-8 kept. */
TEST_F(hs, escape_c1_and_utf8)
{
	char path[PATH_MAX];
	uid_t uid = geteuid() ? 0 : 65534;

	fake_module(self->dir, &at_floor);
	put(self->dir, "etc/sysctl.d/10-\xc2\x9b" "2J-\xc3\xa9-\xff.conf",
	    "kernel.kptr_restrict=0\n");
	ASSERT_EQ(1, HS());
	HAS(self->r->out, "  /etc/sysctl.d/10-\\xc2\\x9b2J-\xc3\xa9-\\xff.conf:1 "
	    "sets");
	ASSERT_EQ(1, HS("--json"));
	HAS(self->r->out, "10-\\u009b2J-\xc3\xa9-\\u00ff.conf");
	JSON_OK("d['boot_config'][0]['file'] == "
		"'/etc/sysctl.d/10-\\x9b2J-\\xe9-\\xff.conf'");
	/* An unreadable file: its name on stderr is escaped too. */
	put(self->dir, "etc/sysctl.d/10-\xc2\x9b" "2J-\xc3\xa9-\xff.conf", NULL);
	put(self->dir, "etc/sysctl.d/20-\x1b]0;x\x07\xc2\x85.conf",
	    "kernel.kptr_restrict=0\n");
	snprintf(path, sizeof(path), "%s/etc/sysctl.d/20-\x1b]0;x\x07\xc2\x85"
		 ".conf", self->dir);
	ASSERT_EQ(0, chmod(path, 0));
	ASSERT_EQ(0, hs(self->dir, self->r, uid, NULL));
	HAS(self->r->err, "/etc/sysctl.d/20-\\x1b]0;x\\x07\\xc2\\x85.conf: "
	    "Permission denied\n");
	HASNT(self->r->err, "\x1b");
	HASNT(self->r->err, "\xc2\x85");
}

/* #12: --quiet says when a knob was not judged. */
TEST_F(hs, quiet_root_only_not_judged)
{
	struct fake fk = { "warn", { 0, 1, 1 }, { 1, 1, 1 } };
	uid_t uid;

	fake_module(self->dir, &at_floor);
	uid = hide_bpf(self->dir, BPF_FILES(SYSFS "/bpf_jit_harden/"));
	ASSERT_EQ(0, hs(self->dir, self->r, uid, "--quiet", NULL));
	ASSERT_STREQ("HARDEN OK - the readable knobs at or above their floor, "
		     "net.core.bpf_jit_harden not judged (readable by root "
		     "only)\n", self->r->out);
	fake_module(self->dir, &fk);
	uid = hide_bpf(self->dir, BPF_FILES(SYSFS "/bpf_jit_harden/"));
	ASSERT_EQ(1, hs(self->dir, self->r, uid, "--quiet", NULL));
	ASSERT_STREQ("HARDEN WARNING - kernel.yama.ptrace_scope 0 < floor 1, "
		     "net.core.bpf_jit_harden not judged (readable by root "
		     "only)\n", self->r->out);
}

/* Run the tool with @arg and its stdout on /dev/full. */
static int to_dev_full(const char *dir, const char *arg, struct result *r)
{
	char err[PATH_MAX];
	int status, fo, fe;
	pid_t pid;

	snprintf(err, sizeof(err), "%s/.err", dir);
	fo = open("/dev/full", O_WRONLY);
	if (fo < 0)
		return -1;
	fe = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	pid = fork();
	if (pid == 0) {
		dup2(fo, 1);
		dup2(fe, 2);
		execl(tool(), tool(), arg, (char *)NULL);
		_exit(127);
	}
	close(fo);
	close(fe);
	waitpid(pid, &status, 0);
	slurp(err, r->err);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* #13: --help and --version report a write error like other output. */
TEST_F(hs, help_version_write_error)
{
	if (access("/dev/full", W_OK))
		SKIP(return, "no /dev/full");
	ASSERT_EQ(3, to_dev_full(self->dir, "--help", self->r));
	HAS(self->r->err, "harden-status: write error");
	ASSERT_EQ(3, to_dev_full(self->dir, "--version", self->r));
	HAS(self->r->err, "harden-status: write error");
	ASSERT_EQ(0, HS("--version"));
	HAS(self->r->out, "harden-status ");
}

/* #14: CFLAGS on the make command line add to the flags the code needs. */
TEST_F(hs, makefile_user_cflags_only_add)
{
	char cmd[PATH_MAX * 2 + 256], bin[PATH_MAX];
	char *argv[] = { bin, "--version", NULL };

	snprintf(cmd, sizeof(cmd), "make -s -C '%s/../../tools' OUT='%s/b' "
		 "CFLAGS='-O1 -g' LDFLAGS='-g' >'%s/.make' 2>&1", scripts(),
		 self->dir, self->dir);
	if (system(cmd)) {
		snprintf(cmd, sizeof(cmd), "%s/.make", self->dir);
		slurp(cmd, self->r->err);
		TH_LOG("%s", self->r->err);
		ASSERT_TRUE(0);
	}
	snprintf(bin, sizeof(bin), "%s/b/harden-status", self->dir);
	run_argv(self->dir, argv, 0, self->r);
	ASSERT_EQ(0, self->r->code);
	HAS(self->r->out, "harden-status ");
}

TEST_HARNESS_MAIN
