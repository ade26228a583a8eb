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
	EXPECT_EQ(3, kmsg_count(self->kmsg, "floor 0: report only", NULL, 0));
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
