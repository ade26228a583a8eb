// SPDX-License-Identifier: GPL-2.0-only
/*
 * Loading and unloading: the knobs are raised to their floors and never
 * lowered, bad parameters refuse the load and change nothing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "hd_test.h"

static const char *const paths[] = {
	PTRACE_SCOPE, KPTR_RESTRICT, BPF_JIT_HARDEN,
};

static const char *const names[] = {
	"kernel.yama.ptrace_scope", "kernel.kptr_restrict",
	"net.core.bpf_jit_harden",
};

FIXTURE(load) {
	int kmsg;
};

FIXTURE_SETUP(load)
{
	ASSERT_EQ(0, hd_reset());
	self->kmsg = kmsg_mark();
	ASSERT_LE(0, self->kmsg);
}

FIXTURE_TEARDOWN(load)
{
	hd_reset();
	close(self->kmsg);
}

/*
 * The rejected value is shown as given: marked when cut, escaped when it
 * holds a line break (a quoted parameter may), so it stays one line.
 */
TEST_F(load, bad_param_shown_safely)
{
	char *log;

	EXPECT_EQ(-EINVAL, hd_load("kptr_restrict=012345678901234567890123456789"));
	EXPECT_EQ(-EINVAL, hd_load("mode=\"en\nforce\""));
	EXPECT_FALSE(hd_loaded());
	log = kmsg_since(self->kmsg);
	ASSERT_NE(NULL, log);
	EXPECT_EQ(1, count_lines(log,
				 "harden_defaults: invalid kptr_restrict=01234567890123456789...: must be an integer from 0 to 2",
				 NULL, 0)) TH_LOG("%s", log);
	EXPECT_EQ(1, count_lines(log,
				 /* /dev/kmsg shows the backslash as \x5c */
				 "harden_defaults: invalid mode=en\\x5cnforce: must be warn, enforce or lock",
				 NULL, 0)) TH_LOG("%s", log);
	EXPECT_EQ(0, count_lines(log, "forced", NULL, 0));
	free(log);
}

/* Debian boots at 0/0/0; a default load brings each to 1 and says so. */
TEST_F(load, default_load_raises_all)
{
	char want[128], *log;
	int i;

	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, sysctl_get(paths[i]));
	ASSERT_EQ(0, hd_load(NULL));
	log = kmsg_since(self->kmsg);
	ASSERT_NE(NULL, log);
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(1, sysctl_get(paths[i])) TH_LOG("%s", names[i]);
		snprintf(want, sizeof(want), "harden_defaults: %s raised 0 -> 1",
			 names[i]);
		EXPECT_EQ(1, count_lines(log, want, NULL, 0))
			TH_LOG("no line '%s' in:\n%s", want, log);
	}
	free(log);
}

static const struct {
	const char *params;
	const char *name;
} bad[] = {
	{ "ptrace_scope=4", "ptrace_scope" },
	{ "ptrace_scope=-1", "ptrace_scope" },
	{ "kptr_restrict=3", "kptr_restrict" },
	{ "bpf_jit_harden=abc", "bpf_jit_harden" },
	{ "bpf_jit_harden=", "bpf_jit_harden" },
	{ "kptr_restrict=1x", "kptr_restrict" },
	{ "mode=paranoid", "mode" },
	{ "mode=", "mode" },
	{ "poll_interval=99999", "poll_interval" },
	{ "use_kprobes=2", "use_kprobes" },
	{ "ptrace_scope=2 kptr_restrict=9", "kptr_restrict" },
	/* A later good value does not hide an earlier typo. */
	{ "ptrace_scope=9 ptrace_scope=1", "ptrace_scope" },
	/* A bare name gets our line too, not the kernel's generic one. */
	{ "ptrace_scope", "ptrace_scope" },
	/* Nothing would watch: no hook and no periodic check. */
	{ "use_kprobes=0 poll_interval=0", "poll_interval" },
};

/* Each bad parameter: -EINVAL, one line naming it, nothing touched. */
TEST_F(load, bad_params_refuse_load)
{
	char line[512], want[64];
	int i, j, fd;

	for (i = 0; i < (int)(sizeof(bad) / sizeof(bad[0])); i++) {
		fd = kmsg_mark();
		EXPECT_EQ(-EINVAL, hd_load(bad[i].params))
			TH_LOG("params '%s'", bad[i].params);
		EXPECT_FALSE(hd_loaded());
		for (j = 0; j < 3; j++)
			EXPECT_EQ(0, sysctl_get(paths[j]))
				TH_LOG("'%s' touched %s", bad[i].params,
				       names[j]);
		snprintf(want, sizeof(want), "harden_defaults: invalid %s=",
			 bad[i].name);
		EXPECT_EQ(1, kmsg_count(fd, want, line, sizeof(line)))
			TH_LOG("'%s': no single line '%s'", bad[i].params,
			       want);
		close(fd);
		fd = kmsg_mark();
		hd_load(bad[i].params);
		/* Nothing of ours but that one line. */
		EXPECT_EQ(1, kmsg_count(fd, "harden_defaults: ", NULL, 0));
		close(fd);
	}
}

TEST_F(load, floor_zero_changes_nothing)
{
	int i;

	ASSERT_EQ(0, hd_load("ptrace_scope=0 kptr_restrict=0 bpf_jit_harden=0"));
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(0, sysctl_get(paths[i])) TH_LOG("%s", names[i]);
	}
	EXPECT_EQ(3, kmsg_count(self->kmsg, "floor 0: not guarded, left as is", NULL, 0));
}

TEST_F(load, floor_two_raises_to_two)
{
	int i;

	ASSERT_EQ(0, hd_load("ptrace_scope=2 kptr_restrict=2 bpf_jit_harden=2"));
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(2, sysctl_get(paths[i])) TH_LOG("%s", names[i]);
	}
}

/* Values above the floor are left alone at load and at unload. */
TEST_F(load, values_at_two_stay)
{
	char want[128], *log;
	int i;

	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, sysctl_set(paths[i], 2));
	ASSERT_EQ(0, hd_load(NULL));
	log = kmsg_since(self->kmsg);
	ASSERT_NE(NULL, log);
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(2, sysctl_get(paths[i])) TH_LOG("%s", names[i]);
		snprintf(want, sizeof(want),
			 "harden_defaults: %s already 2 (floor 1), left as is",
			 names[i]);
		EXPECT_EQ(1, count_lines(log, want, NULL, 0))
			TH_LOG("no line '%s' in:\n%s", want, log);
	}
	free(log);
	ASSERT_EQ(0, hd_unload());
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(2, sysctl_get(paths[i])) TH_LOG("%s", names[i]);
	}
}

TEST_F(load, unload_leaves_values)
{
	ASSERT_EQ(0, hd_load(NULL));
	ASSERT_EQ(0, sysctl_set(KPTR_RESTRICT, 2));
	ASSERT_EQ(0, hd_unload());
	EXPECT_FALSE(hd_loaded());
	EXPECT_EQ(1, sysctl_get(PTRACE_SCOPE));
	EXPECT_EQ(2, sysctl_get(KPTR_RESTRICT));
	EXPECT_EQ(1, sysctl_get(BPF_JIT_HARDEN));
	EXPECT_EQ(1, kmsg_count(self->kmsg,
				"harden_defaults: unloaded; values left as they are",
				NULL, 0));
}


static const char *const handlers[] = {
	"yama_dointvec_minmax", "proc_dointvec_minmax_sysadmin",
	"proc_dointvec_minmax_bpf_restricted",
};

/*
 * /sys/kernel/harden_defaults already taken: the load fails, says why in
 * one line, and leaves no probe and no periodic check behind. What it
 * raised stays raised. The error is EBUSY, never EEXIST, which modprobe
 * would take for "already loaded" and report as success.
 */
TEST_F(load, sysfs_taken_unwinds)
{
	int i;

	ASSERT_EQ(0, hd_squat("sysfs=1"));
	EXPECT_EQ(-EBUSY, hd_load("poll_interval=1"));
	EXPECT_FALSE(hd_loaded());
	EXPECT_EQ(1, kmsg_count(self->kmsg,
				"harden_defaults: cannot create /sys/kernel/harden_defaults: it already exists",
				NULL, 0));
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(0, kprobes_count(handlers[i])) TH_LOG("%s", handlers[i]);
		EXPECT_EQ(1, sysctl_get(paths[i])) TH_LOG("%s", names[i]);
	}
	/* A probe or timer left behind would run freed code here. */
	ASSERT_EQ(0, sysctl_set(KPTR_RESTRICT, 0));
	ASSERT_EQ(0, sysctl_set(PTRACE_SCOPE, 0));
	sleep(3);
	EXPECT_EQ(0, sysctl_get(KPTR_RESTRICT));
	EXPECT_EQ(0, kmsg_count(self->kmsg, ": warned", NULL, 0));

	ASSERT_EQ(0, hd_unsquat());
	EXPECT_EQ(0, hd_load(NULL));
	EXPECT_EQ(1, sysctl_get(KPTR_RESTRICT));
}

/*
 * A handler whose ftrace site another user already holds with an
 * IP-modifying hook (a livepatch, say): that knob's probe either cannot
 * register (6.1, 6.12: EBUSY) or registers but never fires (7.x); the
 * load says so in one line, the periodic check guards that knob although
 * poll_interval=0 was asked, and the other two keep their probes.
 */
TEST_F(load, probe_refused_degrades)
{
	struct utsname u;
	struct timespec t = { .tv_nsec = 100000000 };
	char line[256], *log;
	int i;

	ASSERT_EQ(0, uname(&u));
	if (strcmp(u.machine, "x86_64"))
		SKIP(return, "kprobes on %s do not sit on ftrace", u.machine);
	ASSERT_EQ(0, hd_squat("ipmodify=proc_dointvec_minmax_sysadmin"));
	ASSERT_EQ(0, hd_load("mode=enforce poll_interval=0"));
	log = kmsg_since(self->kmsg);
	ASSERT_NE(NULL, log);
	EXPECT_EQ(1, count_lines(log, "falling back to the periodic check",
				 line, sizeof(line)));
	EXPECT_NE(NULL, strstr(line, "harden_defaults: kernel.kptr_restrict: "))
		TH_LOG("%s", line);
	EXPECT_EQ(1, count_lines(log, "periodic check on, every 5 s",
				 NULL, 0));
	free(log);
	ASSERT_EQ(0, sysfs_get("kptr_restrict", "detector", line, sizeof(line)));
	EXPECT_STREQ("poll", line);
	ASSERT_EQ(0, sysfs_get("ptrace_scope", "detector", line, sizeof(line)));
	EXPECT_STREQ("kprobe", line);
	EXPECT_EQ(0, kprobes_count(handlers[1]));
	EXPECT_EQ(1, kprobes_count(handlers[0]));
	EXPECT_EQ(-EPERM, sysctl_set(PTRACE_SCOPE, 0));

	/* Nothing refuses this write; the periodic check puts it back. */
	ASSERT_EQ(0, sysctl_set(KPTR_RESTRICT, 0));
	for (i = 0; i < 150 && sysctl_get(KPTR_RESTRICT) != 1; i++)
		nanosleep(&t, NULL);
	EXPECT_EQ(1, sysctl_get(KPTR_RESTRICT));
	EXPECT_EQ(1, sysfs_int("kptr_restrict", "events"));
	EXPECT_EQ(1, kmsg_count(self->kmsg,
				"kernel.kptr_restrict lowered 1 -> 0 by an unknown writer, found by the periodic check: restored",
				NULL, 0));
}

/* Load with the module file already open, from wherever fn put us. */
static int load_fd(void *arg)
{
	int fd = *(int *)arg;

	return syscall(SYS_finit_module, fd, "", 0) ? errno : 0;
}

static int load_in_netns(void *arg)
{
	if (unshare(CLONE_NEWNET))
		return 100;
	return load_fd(arg);
}

static int load_in_chroot(void *arg)
{
	char jail[] = "/tmp/jail.XXXXXX";

	if (!mkdtemp(jail) || chroot(jail) || chdir("/"))
		return 100;
	return load_fd(arg);
}

/*
 * kptr_restrict at 1, then a write of 0 held inside its handler (by the
 * test module) while the module loads: the write is past the probe's
 * place before the probe is there.
 */
static int load_during_write(const char *params, struct slow_write *w)
{
	int err;

	pin_to_cpu(0);
	err = sysctl_set(KPTR_RESTRICT, 1);
	if (!err)
		err = hd_squat("stall=proc_dointvec_minmax stall_ms=5000");
	if (!err)
		err = slow_write_start(w, KPTR_RESTRICT, "0");
	if (err)
		return err;
	sleep(1);
	err = hd_load(params);
	if (slow_write_join(w) && !err)
		err = -EIO;
	return err;
}

/*
 * arm64 arms a probe under stop_machine, which waits for the stalled
 * CPU: the write lands before the probe is in place, and the load's
 * raise puts it back. Nothing was in flight then.
 */
#define RAISED_AT_LOAD	"kernel.kptr_restrict raised 0 -> 1 at load"

/* The event count of kptr_restrict once it is @n, or after 8 s. */
static int kptr_events(int n)
{
	int i, got = sysfs_int("kptr_restrict", "events");

	for (i = 0; i < 80 && got < n; i++) {
		usleep(100000);
		got = sysfs_int("kptr_restrict", "events");
	}
	return got;
}

/*
 * The check queued at load finds such a write once it has landed, with
 * the periodic check off: reported in warn mode, put back in enforce.
 * @want: the value it leaves; @action: the log line's last word.
 */
static void in_flight_found(struct __test_metadata *_metadata, int kmsg,
			    const char *params, int want, const char *action)
{
	char line[160];
	struct slow_write w;

	ASSERT_EQ(0, load_during_write(params, &w));
	ASSERT_LE(4.9, w.secs) TH_LOG("the write was not held up");
	if (kmsg_count(kmsg, RAISED_AT_LOAD, NULL, 0))
		SKIP(return, "the write landed while the probe was armed");
	EXPECT_EQ(1, kptr_events(1));
	EXPECT_EQ(want, sysctl_get(KPTR_RESTRICT));
	snprintf(line, sizeof(line),
		 "kernel.kptr_restrict lowered 1 -> 0 by an unknown writer, found by the periodic check: %s",
		 action);
	EXPECT_EQ(1, kmsg_count(kmsg, line, NULL, 0));
}

TEST_F(load, write_in_flight_at_load)
{
	in_flight_found(_metadata, self->kmsg, "poll_interval=0", 0,
			"warned");
}

TEST_F(load, write_in_flight_at_load_enforce)
{
	in_flight_found(_metadata, self->kmsg, "poll_interval=0 mode=enforce",
			1, "restored");
}

/*
 * The module's own raise reads the value, then writes the floor. A raise
 * by someone else in between, higher than the floor, must stay: here
 * the floor write (from hd_slow) is held up on its way to the handler
 * while kptr_restrict is set to 2.
 */
TEST_F(load, own_raise_never_lowers)
{
	struct slow_write w;

	ASSERT_EQ(0, hd_squat("stall=proc_sys_write stall_ms=2500"));
	ASSERT_EQ(0, hd_load("kptr_restrict=0 poll_interval=0"));
	EXPECT_EQ(0, sysctl_get(KPTR_RESTRICT));
	pin_to_cpu(0);
	ASSERT_EQ(0, slow_write_start(&w, HD_SYSFS "/kptr_restrict/floor",
				      "1"));
	sleep(1);
	ASSERT_EQ(0, sysctl_set(KPTR_RESTRICT, 2));
	ASSERT_EQ(0, slow_write_join(&w));
	ASSERT_LE(2.4, w.secs) TH_LOG("the raise was not held up");
	EXPECT_EQ(1, sysfs_int("kptr_restrict", "floor"));
	EXPECT_EQ(2, sysctl_get(KPTR_RESTRICT));
	EXPECT_EQ(0, kmsg_count(self->kmsg, "kernel.kptr_restrict raised",
				NULL, 0));
}

/* Where modprobe runs does not change what the module finds. */
TEST_F(load, from_netns_and_chroot)
{
	int (*const where[])(void *) = { load_in_netns, load_in_chroot };
	int i, j, fd;

	fd = open(HD_KO, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, hd_reset());
		self->kmsg = kmsg_mark();
		ASSERT_EQ(0, run_as(0, where[i], &fd)) TH_LOG("case %d", i);
		for (j = 0; j < 3; j++) {
			EXPECT_EQ(1, sysctl_get(paths[j])) TH_LOG("%d %s", i, names[j]);
		}
		EXPECT_EQ(0, kmsg_count(self->kmsg, "absent", NULL, 0));
		EXPECT_EQ(1, sysfs_int("bpf_jit_harden", "value"));
	}
	close(fd);
}

TEST_HARNESS_MAIN
