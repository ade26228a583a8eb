// SPDX-License-Identifier: GPL-2.0-only
/*
 * /sys/kernel/harden_defaults holds the contract's values with the
 * contract's permissions, refuses what it must, and answers the same from
 * a chroot without /proc and from another network namespace.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "hd_test.h"

static const struct {
	const char *knob;
	const char *sysctl;
	const char *path;
	int mode;	/* of the read-only files; floor adds owner write */
} knobs[] = {
	{ "ptrace_scope", "kernel.yama.ptrace_scope", PTRACE_SCOPE, 0444 },
	{ "kptr_restrict", "kernel.kptr_restrict", KPTR_RESTRICT, 0444 },
	{ "bpf_jit_harden", "net.core.bpf_jit_harden", BPF_JIT_HARDEN, 0400 },
};

static const char *const ro_files[] = {
	"sysctl", "value", "state", "events", "last_event", "detector",
};

FIXTURE(sysfs) {
	char buf[256];
};

FIXTURE_SETUP(sysfs)
{
	ASSERT_EQ(0, hd_reset());
	ASSERT_EQ(0, sysctl_set(KPTR_RESTRICT, 2));
	ASSERT_EQ(0, hd_load(NULL));
}

FIXTURE_TEARDOWN(sysfs)
{
	hd_reset();
}

TEST_F(sysfs, values)
{
	char modver[64];
	int i;

	ASSERT_EQ(0, sysfs_get(NULL, "version", self->buf, sizeof(self->buf)));
	ASSERT_EQ(0, read_str("/sys/module/harden_defaults/version", modver,
			      sizeof(modver)));
	EXPECT_STREQ(modver, self->buf);
	ASSERT_EQ(0, sysfs_get(NULL, "mode", self->buf, sizeof(self->buf)));
	EXPECT_STREQ("warn", self->buf);

	for (i = 0; i < 3; i++) {
		const char *k = knobs[i].knob;

		ASSERT_EQ(0, sysfs_get(k, "sysctl", self->buf, 256));
		EXPECT_STREQ(knobs[i].sysctl, self->buf);
		EXPECT_EQ(1, sysfs_int(k, "floor"));
		EXPECT_EQ(sysctl_get(knobs[i].path), sysfs_int(k, "value"));
		ASSERT_EQ(0, sysfs_get(k, "state", self->buf, 256));
		EXPECT_STREQ("ok", self->buf);
		EXPECT_EQ(0, sysfs_int(k, "events"));
		ASSERT_EQ(0, sysfs_get(k, "last_event", self->buf, 256));
		EXPECT_STREQ("", self->buf);
		ASSERT_EQ(0, sysfs_get(k, "detector", self->buf, 256));
		EXPECT_STREQ("kprobe", self->buf) TH_LOG("%s", k);
	}
	/* kptr_restrict was 2 before the load: the value is the live one. */
	EXPECT_EQ(2, sysfs_int("kptr_restrict", "value"));
	EXPECT_EQ(1, sysfs_int("ptrace_scope", "value"));
}

static int mode_of(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return -errno;
	return st.st_mode & 07777;
}

TEST_F(sysfs, permissions)
{
	char path[256];
	int i, j;

	EXPECT_EQ(0444, mode_of(HD_SYSFS "/version"));
	EXPECT_EQ(0644, mode_of(HD_SYSFS "/mode"));
	for (i = 0; i < 3; i++) {
		for (j = 0; j < 6; j++) {
			snprintf(path, sizeof(path), HD_SYSFS "/%s/%s",
				 knobs[i].knob, ro_files[j]);
			EXPECT_EQ(knobs[i].mode, mode_of(path)) TH_LOG("%s", path);
		}
		snprintf(path, sizeof(path), HD_SYSFS "/%s/floor", knobs[i].knob);
		EXPECT_EQ(knobs[i].mode | 0200, mode_of(path)) TH_LOG("%s", path);
	}
	/* Parameters appear read-only under /sys/module. */
	EXPECT_EQ(0444, mode_of("/sys/module/harden_defaults/parameters/mode"));
	EXPECT_EQ(0444,
		  mode_of("/sys/module/harden_defaults/parameters/ptrace_scope"));
	/* Except bpf_jit_harden's: its floor says what the value is at least. */
	EXPECT_EQ(0400,
		  mode_of("/sys/module/harden_defaults/parameters/bpf_jit_harden"));
}

static int nobody_tries(void *arg)
{
	char buf[64];

	(void)arg;
	/* Each step's errno is the exit code, so the parent can tell. */
	if (write_str(HD_SYSFS "/mode", "warn") != -EACCES)
		return 1;
	if (write_str(HD_SYSFS "/ptrace_scope/floor", "0") != -EACCES)
		return 2;
	if (read_str(HD_SYSFS "/bpf_jit_harden/value", buf, 64) != -EACCES)
		return 3;
	if (read_str(HD_SYSFS "/bpf_jit_harden/last_event", buf, 64) != -EACCES)
		return 4;
	if (read_str(HD_SYSFS "/ptrace_scope/value", buf, 64) || strcmp(buf, "1"))
		return 5;
	if (read_str(HD_SYSFS "/kptr_restrict/state", buf, 64) ||
	    strcmp(buf, "ok"))
		return 6;
	if (read_str("/sys/module/harden_defaults/parameters/bpf_jit_harden",
		     buf, 64) != -EACCES)
		return 7;
	return 0;
}

TEST_F(sysfs, unprivileged)
{
	EXPECT_EQ(0, run_as(NOBODY, nobody_tries, NULL));
	EXPECT_EQ(1, sysfs_int("ptrace_scope", "floor"));
	EXPECT_EQ(1, sysctl_get(PTRACE_SCOPE));
}

TEST_F(sysfs, bad_writes_einval)
{
	static const char *const bad_floor[] = { "4", "-1", "x", "\n", "1.5" };
	unsigned int i;

	EXPECT_EQ(-EINVAL, write_str(HD_SYSFS "/mode", "paranoid"));
	EXPECT_EQ(-EINVAL, write_str(HD_SYSFS "/mode", "\n"));
	for (i = 0; i < sizeof(bad_floor) / sizeof(bad_floor[0]); i++) {
		EXPECT_EQ(-EINVAL, write_str(HD_SYSFS "/ptrace_scope/floor",
					     bad_floor[i])) TH_LOG("'%s'", bad_floor[i]);
	}
	EXPECT_EQ(-EINVAL, write_str(HD_SYSFS "/kptr_restrict/floor", "3"));
	EXPECT_EQ(1, sysfs_int("ptrace_scope", "floor"));
	EXPECT_EQ(1, sysfs_int("kptr_restrict", "floor"));
	ASSERT_EQ(0, sysfs_get(NULL, "mode", self->buf, sizeof(self->buf)));
	EXPECT_STREQ("warn", self->buf);
	EXPECT_EQ(1, sysctl_get(PTRACE_SCOPE));
}

/* Raising a floor through sysfs applies at once. */
TEST_F(sysfs, floor_raise_applies)
{
	ASSERT_EQ(0, write_str(HD_SYSFS "/ptrace_scope/floor", "2"));
	EXPECT_EQ(2, sysctl_get(PTRACE_SCOPE));
	EXPECT_EQ(2, sysfs_int("ptrace_scope", "floor"));
	/* A lower floor (not locked) is taken but lowers nothing. */
	ASSERT_EQ(0, write_str(HD_SYSFS "/ptrace_scope/floor", "1"));
	EXPECT_EQ(2, sysctl_get(PTRACE_SCOPE));
}

/* Read every value from a root that has /sys but no /proc. */
static int read_in_jail(void *arg)
{
	const char *jail = arg;
	char buf[64];
	int i;

	if (chroot(jail) || chdir("/"))
		return 100;
	if (access("/proc/sys", F_OK) == 0)
		return 101;
	for (i = 0; i < 3; i++) {
		char path[128];

		snprintf(path, sizeof(path), "/sys/kernel/harden_defaults/%s/value",
			 knobs[i].knob);
		if (read_str(path, buf, sizeof(buf)))
			return 10 + i;
		printf("%s=%s\n", knobs[i].knob, buf);
		fflush(stdout);
		if (atoi(buf) != (i == 1 ? 2 : 1))
			return 20 + i;
	}
	return 0;
}

static void chroot_check(struct __test_metadata *_metadata)
{
	char jail[] = "/tmp/jail.XXXXXX", sys[64];

	ASSERT_NE(NULL, mkdtemp(jail));
	snprintf(sys, sizeof(sys), "%s/sys", jail);
	ASSERT_EQ(0, mkdir(sys, 0755));
	ASSERT_EQ(0, mount("/sys", sys, NULL, MS_BIND | MS_REC, NULL));
	EXPECT_EQ(0, run_as(0, read_in_jail, jail));
	umount2(sys, MNT_DETACH);
}

TEST_F(sysfs, chroot_without_proc)
{
	chroot_check(_metadata);
}

/* Without a hook the values come from the held sysctl files. */
TEST_F(sysfs, chroot_without_proc_poll)
{
	ASSERT_EQ(0, hd_unload());
	ASSERT_EQ(0, hd_load("use_kprobes=0"));
	ASSERT_EQ(0, sysfs_get("ptrace_scope", "detector", self->buf, 256));
	EXPECT_STREQ("poll", self->buf);
	chroot_check(_metadata);
}

/* net.core.bpf_jit_harden lives in the initial netns only. */
static int read_in_netns(void *arg)
{
	char buf[64];

	(void)arg;
	if (unshare(CLONE_NEWNET))
		return 100;
	if (read_str(HD_SYSFS "/bpf_jit_harden/value", buf, sizeof(buf)))
		return 1;
	return atoi(buf) == 1 ? 0 : 2;
}

TEST_F(sysfs, other_netns)
{
	EXPECT_EQ(0, run_as(0, read_in_netns, NULL));
}


/* Root with every capability dropped: what the kernel refuses, we do too. */
static int capless(void *arg)
{
	char buf[64];

	(void)arg;
	if (drop_all_caps())
		return 100;
	if (read_str(BPF_JIT_HARDEN, buf, sizeof(buf)) != -EPERM)
		return 1;	/* the kernel's own refusal, for reference */
	if (read_str(HD_SYSFS "/bpf_jit_harden/value", buf, 64) != -EPERM)
		return 2;
	if (read_str(HD_SYSFS "/bpf_jit_harden/last_event", buf, 64) != -EPERM)
		return 3;
	if (write_str(HD_SYSFS "/mode", "warn") != -EPERM)
		return 4;
	if (write_str(HD_SYSFS "/kptr_restrict/floor", "2") != -EPERM)
		return 5;
	if (read_str(HD_SYSFS "/ptrace_scope/value", buf, 64))
		return 6;
	return 0;
}

TEST_F(sysfs, capless_root)
{
	ASSERT_EQ(0, write_str(HD_SYSFS "/mode", "enforce"));
	EXPECT_EQ(0, run_as(0, capless, NULL));
	ASSERT_EQ(0, sysfs_get(NULL, "mode", self->buf, sizeof(self->buf)));
	EXPECT_STREQ("enforce", self->buf);
	EXPECT_EQ(1, sysfs_int("kptr_restrict", "floor"));
}

TEST_HARNESS_MAIN
