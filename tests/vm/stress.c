// SPDX-License-Identifier: GPL-2.0-only
/*
 * Four writers lower and raise the knobs in loops while the module is
 * loaded and unloaded 200 times: no oops, no WARN (the VM runs with
 * panic_on_warn). Then, with the module staying loaded, every lowering
 * write is exactly one event.
 *
 * The host runs this program in its own VM on single-threaded TCG: under
 * QEMU's multi-threaded TCG, a vCPU calling a handler while another one
 * arms or disarms the probe's ftrace call site was seen executing the
 * half-patched instruction (6.1 and 7.3 alike), which real CPUs and KVM
 * do not do.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "hd_test.h"

FIXTURE(stress) {
	int unused;
};

FIXTURE_SETUP(stress)
{
	ASSERT_EQ(0, hd_reset());
}

FIXTURE_TEARDOWN(stress)
{
	hd_reset();
}

struct churn {
	volatile int stop;
	volatile int hold;	/* asked to pause */
	volatile int held;	/* pausing, between two writes */
	const char *path;
	long lowered;
};

static void *churner(void *arg)
{
	struct churn *c = arg;

	while (!c->stop) {
		if (c->hold) {
			c->held = 1;
			usleep(1000);
			continue;
		}
		c->held = 0;
		if (!sysctl_set(c->path, 0))
			c->lowered++;
		sysctl_set(c->path, 1);
	}
	return NULL;
}

/* 4 writers, the module loaded and unloaded 200 times under them. */
TEST_F_TIMEOUT(stress, load_unload_under_writers, 600)
{
	static const char *const paths[] = {
		PTRACE_SCOPE, KPTR_RESTRICT, BPF_JIT_HARDEN, KPTR_RESTRICT,
	};
	struct churn c[4];
	pthread_t t[4];
	long events, lowered;
	int i;

	for (i = 0; i < 4; i++) {
		c[i] = (struct churn){ .path = paths[i] };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, churner, &c[i]));
	}
	for (i = 0; i < 200; i++) {
		ASSERT_EQ(0, hd_load("poll_interval=1"));
		ASSERT_EQ(0, hd_unload());
	}

	/*
	 * While it stays loaded, every lowering write is one event. The
	 * writers pause across the load, so that both counts start together.
	 */
	for (i = 0; i < 4; i++)
		c[i].hold = 1;
	for (i = 0; i < 4; i++)
		while (!c[i].held)
			usleep(1000);
	ASSERT_EQ(0, hd_load("poll_interval=0"));
	for (i = 0; i < 4; i++) {
		c[i].lowered = 0;
		c[i].hold = 0;
	}
	sleep(2);
	for (i = 0; i < 4; i++)
		c[i].stop = 1;
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	lowered = c[0].lowered + c[1].lowered + c[2].lowered + c[3].lowered;
	events = sysfs_int("ptrace_scope", "events") +
		 sysfs_int("kptr_restrict", "events") +
		 sysfs_int("bpf_jit_harden", "events");
	TH_LOG("%ld lowering writes (%ld %ld %ld %ld), events %d %d %d",
	       lowered, c[0].lowered, c[1].lowered, c[2].lowered, c[3].lowered,
	       sysfs_int("ptrace_scope", "events"),
	       sysfs_int("kptr_restrict", "events"),
	       sysfs_int("bpf_jit_harden", "events"));
	EXPECT_LT(0, lowered);
	EXPECT_EQ(lowered, events);
}


static void *lock_writer(void *arg)
{
	(void)arg;
	write_str(HD_SYSFS "/mode", "lock");
	return NULL;
}

/*
 * "lock" written while rmmod runs: either the unload wins and the module
 * is gone, or the lock wins and the module stays, pinned. Never a lock
 * accepted by a module that then unloads, never "forced out" unforced.
 */
TEST_F_TIMEOUT(stress, lock_versus_rmmod, 600)
{
	int i, fd, forced = 0;
	pthread_t t;

	fd = kmsg_mark();
	ASSERT_LE(0, fd);
	for (i = 0; i < 50; i++) {
		ASSERT_EQ(0, hd_load(NULL));
		ASSERT_EQ(0, pthread_create(&t, NULL, lock_writer, NULL));
		hd_unload();
		pthread_join(t, NULL);
		if (hd_loaded()) {
			char mode[16];

			ASSERT_EQ(0, sysfs_get(NULL, "mode", mode, sizeof(mode)));
			EXPECT_STREQ("lock", mode);
			ASSERT_EQ(0, hd_unload_force());
			forced++;
		}
	}
	TH_LOG("%d of 50 rounds locked first", forced);
	EXPECT_EQ(forced, kmsg_count(fd, "forced out while locked", NULL, 0));
	close(fd);
}

TEST_HARNESS_MAIN
