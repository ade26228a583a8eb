// SPDX-License-Identifier: GPL-2.0-only
/*
 * Every lowering is seen, attributed, counted exactly and, by mode,
 * refused: through echo, a program named systemd-sysctl applying the
 * elfutils sysctl.d file, a program named calico-felix, concurrent
 * writers, a writer with a forged name, and a boot-like sequence.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/audit.h>
#include <linux/io_uring.h>
#include <linux/netlink.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "hd_test.h"

#define HD_WRITE	"/tests/hd-write"
#define SYSTEMD_SYSCTL	"/usr/lib/systemd/systemd-sysctl"
#define TIMER_MIGRATION	"/proc/sys/kernel/timer_migration"

/* Run argv; return its exit status, its pid through pidp. */
static int run(char *const argv[], pid_t *pidp)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		execv(argv[0], argv);
		_exit(127);
	}
	if (pidp)
		*pidp = pid;
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static int sh(const char *cmd, pid_t *pidp)
{
	char *argv[] = { "/bin/sh", "-c", (char *)cmd, NULL };

	return run(argv, pidp);
}

/* The fields of <knob>/last_event. */
struct last {
	long long time;
	char pid[16], comm[80], uid[16], auid[16], action[16];
	int old, new;
};

static int last_event(const char *knob, struct last *l)
{
	char buf[256];
	int err;

	err = sysfs_get(knob, "last_event", buf, sizeof(buf));
	if (err)
		return err;
	if (sscanf(buf, "%lld %15s %79s %15s %15s %d %d %15s", &l->time, l->pid,
		   l->comm, l->uid, l->auid, &l->old, &l->new, l->action) != 8)
		return -EINVAL;
	return 0;
}

FIXTURE(detect) {
	int kmsg;
	char line[512];
};

FIXTURE_SETUP(detect)
{
	ASSERT_EQ(0, hd_reset());
	self->kmsg = kmsg_mark();
	ASSERT_LE(0, self->kmsg);
}

FIXTURE_TEARDOWN(detect)
{
	hd_reset();
	close(self->kmsg);
}

/* What a real boot does: modules-load.d first, then systemd-sysctl. */
TEST_F(detect, boot_order)
{
	char name[64], ko[128], *argv[] = { SYSTEMD_SYSCTL, NULL };
	FILE *f;
	pid_t pid;

	f = fopen("/usr/lib/modules-load.d/harden_defaults.conf", "r");
	ASSERT_NE(NULL, f);
	while (fscanf(f, "%63s", name) == 1) {
		if (name[0] == '#') {
			fscanf(f, "%*[^\n]");
			continue;
		}
		snprintf(ko, sizeof(ko), "/lib/hd/%s.ko", name);
		ASSERT_EQ(0, access(ko, R_OK)) TH_LOG("%s", ko);
		ASSERT_EQ(0, hd_load(NULL));
	}
	fclose(f);
	ASSERT_TRUE(hd_loaded());

	/* /usr/lib/sysctl.d/10-default-yama-scope.conf, as elfutils ships. */
	run(argv, &pid);
	EXPECT_EQ(0, sysctl_get(PTRACE_SCOPE));
	snprintf(name, sizeof(name), "by systemd-sysctl[%d] uid 0", pid);
	EXPECT_EQ(1, kmsg_count(self->kmsg, name, self->line, 512));
	EXPECT_NE(NULL, strstr(self->line,
			       "harden_defaults: kernel.yama.ptrace_scope lowered 1 -> 0 by systemd-sysctl["))
		TH_LOG("%s", self->line);
	EXPECT_EQ(1, sysfs_int("ptrace_scope", "events"));
}

/* echo into /proc/sys: each knob, each shown in dmesg and sysfs. */
TEST_F(detect, echo_each_knob)
{
	static const char *const knobs[][3] = {
		{ "ptrace_scope", "kernel.yama.ptrace_scope", PTRACE_SCOPE },
		{ "kptr_restrict", "kernel.kptr_restrict", KPTR_RESTRICT },
		{ "bpf_jit_harden", "net.core.bpf_jit_harden", BPF_JIT_HARDEN },
	};
	char cmd[128], want[160];
	struct last l;
	pid_t pid;
	int i;

	ASSERT_EQ(0, hd_load(NULL));
	for (i = 0; i < 3; i++) {
		snprintf(cmd, sizeof(cmd), "echo 0 > %s", knobs[i][2]);
		ASSERT_EQ(0, sh(cmd, &pid));
		EXPECT_EQ(0, sysctl_get(knobs[i][2]));
		snprintf(want, sizeof(want),
			 "harden_defaults: %s lowered 1 -> 0 by sh[%d] uid 0 auid unset: warned",
			 knobs[i][1], pid);
		EXPECT_EQ(1, kmsg_count(self->kmsg, want, NULL, 0))
			TH_LOG("no '%s'", want);
		EXPECT_EQ(1, sysfs_int(knobs[i][0], "events"));
		ASSERT_EQ(0, last_event(knobs[i][0], &l));
		EXPECT_EQ(pid, atoi(l.pid));
		EXPECT_STREQ("sh", l.comm);
		EXPECT_STREQ("0", l.uid);
		EXPECT_STREQ("-", l.auid);
		EXPECT_EQ(1, l.old);
		EXPECT_EQ(0, l.new);
		EXPECT_STREQ("warned", l.action);
		EXPECT_LT(time(NULL) - 60, l.time);
		ASSERT_EQ(0, sysfs_get(knobs[i][0], "state", want, sizeof(want)));
		EXPECT_STREQ("below", want);
	}
}

TEST_F(detect, calico_felix)
{
	char *argv[] = { "/tmp/calico-felix", BPF_JIT_HARDEN, "0", NULL };
	char want[128];
	pid_t pid;

	ASSERT_EQ(0, hd_load(NULL));
	unlink(argv[0]);
	ASSERT_EQ(0, symlink(HD_WRITE, argv[0]));
	ASSERT_EQ(0, run(argv, &pid));
	snprintf(want, sizeof(want),
		 "net.core.bpf_jit_harden lowered 1 -> 0 by calico-felix[%d]", pid);
	EXPECT_EQ(1, kmsg_count(self->kmsg, want, NULL, 0));
	EXPECT_EQ(1, sysfs_int("bpf_jit_harden", "events"));
}

/* Writes that stay at or above the floor, and shared-handler siblings. */
TEST_F(detect, not_events)
{
	ASSERT_EQ(0, hd_load(NULL));
	ASSERT_EQ(0, sysctl_set(PTRACE_SCOPE, 2));
	ASSERT_EQ(0, sysctl_set(PTRACE_SCOPE, 1));
	ASSERT_EQ(0, sysctl_set(KPTR_RESTRICT, 2));
	ASSERT_EQ(0, sysctl_set(KPTR_RESTRICT, 1));
	ASSERT_EQ(0, sysctl_set("/proc/sys/kernel/dmesg_restrict", 1));
	ASSERT_EQ(0, sysctl_set("/proc/sys/kernel/dmesg_restrict", 0));
	ASSERT_EQ(0, sysctl_set("/proc/sys/net/core/bpf_jit_kallsyms", 1));
	ASSERT_EQ(0, sysctl_set("/proc/sys/net/core/bpf_jit_kallsyms", 0));
	/* Refused by the kernel itself: out of range, garbage. */
	EXPECT_EQ(-EINVAL, write_str(KPTR_RESTRICT, "-1"));
	EXPECT_EQ(-EINVAL, write_str(KPTR_RESTRICT, "+0"));
	EXPECT_EQ(-EINVAL, write_str(KPTR_RESTRICT, "zero"));
	EXPECT_EQ(0, sysfs_int("ptrace_scope", "events"));
	EXPECT_EQ(0, sysfs_int("kptr_restrict", "events"));
	EXPECT_EQ(0, sysfs_int("bpf_jit_harden", "events"));
	EXPECT_EQ(0, kmsg_count(self->kmsg, ": warned", NULL, 0));
	/* Base 0, as the kernel parses: 0x0 is a lowering. */
	ASSERT_EQ(0, write_str(KPTR_RESTRICT, "0x0"));
	EXPECT_EQ(1, sysfs_int("kptr_restrict", "events"));
}

/* Counts are exact; the log is rate-limited and says what it held back. */
TEST_F(detect, thirty_in_a_row)
{
	char *argv[] = { HD_WRITE, "-n", "30", KPTR_RESTRICT, "0", NULL };
	char *log;
	int lines;

	ASSERT_EQ(0, hd_load(NULL));
	ASSERT_EQ(0, run(argv, NULL));
	EXPECT_EQ(30, sysfs_int("kptr_restrict", "events"));
	/* Only the first lowers; the others write 0 over 0: events, "set". */
	log = kmsg_since(self->kmsg);
	ASSERT_NE(NULL, log);
	EXPECT_EQ(1, count_lines(log, "kernel.kptr_restrict lowered 1 -> 0 by hd-write[",
				 NULL, 0));
	lines = count_lines(log, "kernel.kptr_restrict set 0 -> 0 by hd-write[",
			    NULL, 0);
	EXPECT_LE(1, lines);
	lines += count_lines(log, "kernel.kptr_restrict lowered", NULL, 0);
	free(log);
	EXPECT_GT(30, lines) TH_LOG("not rate-limited: %d lines", lines);

	/* After the interval, the next line reports the held-back ones. */
	sleep(6);
	argv[2] = "1";
	ASSERT_EQ(0, run(argv, NULL));
	EXPECT_EQ(31, sysfs_int("kptr_restrict", "events"));
	snprintf(self->line, 64, "(%d earlier lines suppressed)", 30 - lines);
	EXPECT_EQ(1, kmsg_count(self->kmsg, self->line, NULL, 0))
		TH_LOG("no '%s'", self->line);
}

TEST_F(detect, concurrent_writers_exact)
{
	char *argv[] = { HD_WRITE, "-n", "100", "-a", "1", KPTR_RESTRICT, "0",
			 NULL };
	pid_t pids[6];
	int i, status;

	ASSERT_EQ(0, hd_load(NULL));
	for (i = 0; i < 6; i++) {
		pids[i] = fork();
		if (!pids[i]) {
			int null = open("/dev/null", O_WRONLY);

			dup2(null, 1);
			execv(argv[0], argv);
			_exit(127);
		}
	}
	for (i = 0; i < 6; i++) {
		waitpid(pids[i], &status, 0);
		EXPECT_EQ(0, WEXITSTATUS(status));
	}
	EXPECT_EQ(600, sysfs_int("kptr_restrict", "events"));
}

TEST_F(detect, login_uid)
{
	char want[128];
	pid_t pid;

	ASSERT_EQ(0, hd_load(NULL));
	ASSERT_EQ(0, sh("echo 1000 > /proc/self/loginuid && "
			"echo 0 > /proc/sys/kernel/kptr_restrict", &pid));
	snprintf(want, sizeof(want), "by sh[%d] uid 0 auid 1000: warned", pid);
	EXPECT_EQ(1, kmsg_count(self->kmsg, want, NULL, 0)) TH_LOG("%s", want);
}

/* The raw log (what dmesg prints), not /dev/kmsg, which escapes itself. */
static char *raw_log(void)
{
	int size = klogctl(10, NULL, 0);	/* SYSLOG_ACTION_SIZE_BUFFER */
	char *buf = calloc(1, size + 1);

	if (buf && klogctl(3, buf, size) < 0) {	/* SYSLOG_ACTION_READ_ALL */
		free(buf);
		return NULL;
	}
	return buf;
}

TEST_F(detect, forged_name)
{
	char *argv[] = { HD_WRITE, "-c", "a\\nFORGED b", KPTR_RESTRICT, "0",
			 NULL };
	char *log;

	ASSERT_EQ(0, hd_load(NULL));
	ASSERT_EQ(0, run(argv, NULL));
	EXPECT_EQ(1, sysfs_int("kptr_restrict", "events"));
	log = raw_log();
	ASSERT_NE(NULL, log);
	EXPECT_NE(NULL, strstr(log, "by a\\x0aFORGED\\x20b["));
	EXPECT_EQ(NULL, strstr(log, "] FORGED"));
	EXPECT_EQ(NULL, strstr(log, "\nFORGED"));
	free(log);
	ASSERT_EQ(0, sysfs_get("kptr_restrict", "last_event", self->line, 512));
	EXPECT_NE(NULL, strstr(self->line, " a\\x0aFORGED\\x20b "))
		TH_LOG("%s", self->line);
}

/* "-" means unknown in last_event: a writer cannot hide behind it. */
TEST_F(detect, odd_names)
{
	char *argv[] = { HD_WRITE, "-c", "-", KPTR_RESTRICT, "0", NULL };
	pid_t pid;

	ASSERT_EQ(0, hd_load(NULL));
	ASSERT_EQ(0, run(argv, &pid));
	ASSERT_EQ(0, sysfs_get("kptr_restrict", "last_event", self->line, 512));
	snprintf(self->line + 256, 64, " %d \\x2d 0 ", pid);
	EXPECT_NE(NULL, strstr(self->line, self->line + 256)) TH_LOG("%s", self->line);
	/* /dev/kmsg escapes our backslash in turn, as \x5c. */
	snprintf(self->line + 256, 64, "by \\x5cx2d[%d]", pid);
	EXPECT_EQ(1, kmsg_count(self->kmsg, self->line + 256, NULL, 0));

	argv[2] = "";
	ASSERT_EQ(0, run(argv, &pid));
	ASSERT_EQ(0, sysfs_get("kptr_restrict", "last_event", self->line, 256));
	snprintf(self->line + 256, 64, " %d \\x00 0 ", pid);
	EXPECT_NE(NULL, strstr(self->line, self->line + 256)) TH_LOG("%s", self->line);
}

TEST_F(detect, enforce_refuses)
{
	char *argv[] = { HD_WRITE, KPTR_RESTRICT, "0", NULL };
	struct last l;
	pid_t pid;

	ASSERT_EQ(0, hd_load("mode=enforce"));
	EXPECT_EQ(EPERM, run(argv, &pid));
	EXPECT_EQ(1, sysctl_get(KPTR_RESTRICT));
	EXPECT_EQ(1, sysfs_int("kptr_restrict", "events"));
	ASSERT_EQ(0, last_event("kptr_restrict", &l));
	EXPECT_STREQ("refused", l.action);
	EXPECT_EQ(pid, atoi(l.pid));
	snprintf(self->line, 128, "lowered 1 -> 0 by hd-write[%d] uid 0 auid unset: refused",
		 pid);
	EXPECT_EQ(1, kmsg_count(self->kmsg, self->line, NULL, 0));
	/* sysctl(8) says "Operation not permitted" and fails. */
	EXPECT_NE(0, sh("sysctl -w kernel.yama.ptrace_scope=0 2>&1 | "
			"grep -q 'Operation not permitted'", NULL) == 0);
	EXPECT_EQ(1, sysctl_get(PTRACE_SCOPE));
	/* Raising is always allowed. */
	EXPECT_EQ(0, sysctl_set(KPTR_RESTRICT, 2));
	EXPECT_EQ(2, sysctl_get(KPTR_RESTRICT));
}

struct race {
	volatile int stop;
	long reads, lowered;
};

static void *reader(void *arg)
{
	struct race *r = arg;
	char c;
	int fd;

	fd = open(KPTR_RESTRICT, O_RDONLY);
	while (!r->stop) {
		if (pread(fd, &c, 1, 0) == 1) {
			r->reads++;
			if (c == '0')
				r->lowered++;
		}
	}
	close(fd);
	return NULL;
}

/* A reader on another CPU never sees a refused value, not once. */
TEST_F(detect, enforce_no_window)
{
	struct race r = { 0 };
	pthread_t t;
	long writes = 0;
	time_t end;
	int fd;

	ASSERT_EQ(0, hd_load("mode=enforce"));
	ASSERT_EQ(0, pthread_create(&t, NULL, reader, &r));
	fd = open(KPTR_RESTRICT, O_WRONLY);
	ASSERT_LE(0, fd);
	end = time(NULL) + 3;
	while (time(NULL) < end) {
		EXPECT_EQ(-1, pwrite(fd, "0", 1, 0));
		writes++;
	}
	r.stop = 1;
	pthread_join(t, NULL);
	close(fd);
	TH_LOG("%ld refused writes, %ld reads", writes, r.reads);
	EXPECT_LT(100, r.reads);
	EXPECT_EQ(0, r.lowered);
	EXPECT_EQ(writes, sysfs_int("kptr_restrict", "events"));
}

/*
 * While writers hammer 0 in warn mode, switching to enforce must leave
 * the knob at its floor once the switch returns: a write warn mode let
 * through just before may not land afterwards and stay.
 */
TEST_F_TIMEOUT(detect, enforce_switch_under_writers, 60)
{
	time_t end = time(NULL) + 10;
	struct hammer h;
	int n = 0, low = 0;

	ASSERT_EQ(0, hd_load("poll_interval=0"));
	ASSERT_EQ(0, hammer_start(&h, KPTR_RESTRICT, "0\n"));
	while (time(NULL) < end) {
		ASSERT_EQ(0, write_str(HD_SYSFS "/mode", "enforce"));
		if (sysctl_get(KPTR_RESTRICT) < 1)
			low++;
		ASSERT_EQ(0, write_str(HD_SYSFS "/mode", "warn"));
		n++;
	}
	hammer_stop(&h);
	TH_LOG("%d switches", n);
	EXPECT_EQ(0, low) TH_LOG("below the floor after the switch: %d/%d",
				 low, n);
}

/*
 * Raising a floor in enforce mode while writers hammer the old floor's
 * value: once the floor write returns, the knob is at the new floor.
 */
TEST_F_TIMEOUT(detect, floor_raise_under_writers, 60)
{
	time_t end = time(NULL) + 10;
	struct hammer h;
	int n = 0, low = 0;

	ASSERT_EQ(0, hd_load("mode=enforce poll_interval=0"));
	ASSERT_EQ(0, hammer_start(&h, KPTR_RESTRICT, "1\n"));
	while (time(NULL) < end) {
		ASSERT_EQ(0, write_str(HD_SYSFS "/kptr_restrict/floor", "2"));
		if (sysctl_get(KPTR_RESTRICT) < 2)
			low++;
		ASSERT_EQ(0, write_str(HD_SYSFS "/kptr_restrict/floor", "1"));
		n++;
	}
	hammer_stop(&h);
	TH_LOG("%d raises", n);
	EXPECT_EQ(0, low) TH_LOG("below the new floor: %d/%d", low, n);
}

/*
 * One IORING_OP_WRITE of @s to @path at offset 0, forced onto an io_uring
 * worker thread (IOSQE_ASYNC). Returns 0 and the completion's result in
 * @res, or -errno when io_uring itself is not there.
 */
static int uring_write(const char *path, const char *s, int *res)
{
	struct io_uring_params p = { 0 };
	size_t sq_len = 0, cq_len = 0, sqe_len = 0;
	void *sq = MAP_FAILED, *cq = MAP_FAILED;
	struct io_uring_sqe *sqe = MAP_FAILED;
	unsigned int *tail, *head;
	struct io_uring_cqe *cqe;
	int ring, fd, err = -EIO;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ring = syscall(__NR_io_uring_setup, 1, &p);
	if (ring < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned int);
	cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	sqe_len = p.sq_entries * sizeof(struct io_uring_sqe);
	sq = mmap(NULL, sq_len, PROT_READ | PROT_WRITE, MAP_SHARED, ring,
		  IORING_OFF_SQ_RING);
	cq = mmap(NULL, cq_len, PROT_READ | PROT_WRITE, MAP_SHARED, ring,
		  IORING_OFF_CQ_RING);
	sqe = mmap(NULL, sqe_len, PROT_READ | PROT_WRITE, MAP_SHARED, ring,
		   IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || sqe == MAP_FAILED)
		goto out;

	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = IORING_OP_WRITE;
	sqe->flags = IOSQE_ASYNC;
	sqe->fd = fd;
	sqe->addr = (unsigned long)s;
	sqe->len = strlen(s);
	tail = (unsigned int *)((char *)sq + p.sq_off.tail);
	((unsigned int *)((char *)sq + p.sq_off.array))
		[*tail & *(unsigned int *)((char *)sq + p.sq_off.ring_mask)] = 0;
	__atomic_store_n(tail, *tail + 1, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, ring, 1, 1, IORING_ENTER_GETEVENTS,
		    NULL, 0) < 0) {
		err = -errno;
		goto out;
	}
	head = (unsigned int *)((char *)cq + p.cq_off.head);
	tail = (unsigned int *)((char *)cq + p.cq_off.tail);
	if (__atomic_load_n(tail, __ATOMIC_ACQUIRE) != *head) {
		cqe = (struct io_uring_cqe *)((char *)cq + p.cq_off.cqes);
		*res = cqe[*head & *(unsigned int *)((char *)cq +
						   p.cq_off.ring_mask)].res;
		err = 0;
	}
out:
	if (sqe != MAP_FAILED)
		munmap(sqe, sqe_len);
	if (cq != MAP_FAILED)
		munmap(cq, cq_len);
	if (sq != MAP_FAILED)
		munmap(sq, sq_len);
	close(ring);
	close(fd);
	return err;
}

/*
 * A write queued through io_uring runs on a kernel worker thread of the
 * writer's process ("iou-wrk-PID"): it is refused all the same, and the
 * event names the process, not the worker.
 */
TEST_F(detect, io_uring_writer)
{
	struct last l;
	int err, res = 0;

	ASSERT_EQ(0, hd_load("mode=enforce"));
	err = uring_write(KPTR_RESTRICT, "0\n", &res);
	if (err == -ENOSYS || err == -EPERM)
		SKIP(return, "io_uring not available: %d", err);
	ASSERT_EQ(0, err);
	EXPECT_EQ(-EPERM, res);
	EXPECT_EQ(1, sysctl_get(KPTR_RESTRICT));
	EXPECT_EQ(1, sysfs_int("kptr_restrict", "events"));
	ASSERT_EQ(0, last_event("kptr_restrict", &l));
	EXPECT_STREQ("detect", l.comm);
	EXPECT_EQ(getpid(), atoi(l.pid));
	/* A raise through the same path goes through. */
	ASSERT_EQ(0, uring_write(KPTR_RESTRICT, "2\n", &res));
	EXPECT_EQ(2, res);
	EXPECT_EQ(2, sysctl_get(KPTR_RESTRICT));
}

TEST_F(detect, lock_mode)
{
	char *argv[] = { HD_WRITE, PTRACE_SCOPE, "0", NULL };

	ASSERT_EQ(0, hd_load("mode=lock"));
	EXPECT_EQ(-EPERM, write_str(HD_SYSFS "/mode", "warn"));
	EXPECT_EQ(-EPERM, write_str(HD_SYSFS "/mode", "enforce"));
	EXPECT_EQ(0, write_str(HD_SYSFS "/mode", "lock"));
	EXPECT_EQ(-EPERM, write_str(HD_SYSFS "/ptrace_scope/floor", "0"));
	EXPECT_EQ(0, write_str(HD_SYSFS "/ptrace_scope/floor", "2"));
	EXPECT_EQ(2, sysctl_get(PTRACE_SCOPE));
	EXPECT_EQ(EPERM, run(argv, NULL));
	EXPECT_EQ(2, sysctl_get(PTRACE_SCOPE));
	EXPECT_EQ(-EAGAIN, hd_unload());
	EXPECT_TRUE(hd_loaded());
	/* Debian's kernels allow rmmod -f; the module says it was forced. */
	EXPECT_EQ(0, hd_unload_force());
	EXPECT_EQ(1, kmsg_count(self->kmsg, "forced out while locked", NULL, 0));
	EXPECT_EQ(2, sysctl_get(PTRACE_SCOPE));
}

/* Mode changes through sysfs; entering enforce raises what warn let drop. */
TEST_F(detect, mode_switch)
{
	ASSERT_EQ(0, hd_load(NULL));
	ASSERT_EQ(0, sysctl_set(KPTR_RESTRICT, 0));
	ASSERT_EQ(0, write_str(HD_SYSFS "/mode", "enforce"));
	EXPECT_EQ(1, sysctl_get(KPTR_RESTRICT));
	EXPECT_EQ(-EPERM, sysctl_set(KPTR_RESTRICT, 0));
	ASSERT_EQ(0, write_str(HD_SYSFS "/mode", "warn"));
	EXPECT_EQ(0, sysctl_set(KPTR_RESTRICT, 0));
	/* warned, refused, warned */
	EXPECT_EQ(3, sysfs_int("kptr_restrict", "events"));
}

static int wait_value(const char *path, int want, int seconds)
{
	int i;

	for (i = 0; i < seconds * 10; i++) {
		if (sysctl_get(path) == want)
			return 0;
		usleep(100000);
	}
	return -ETIMEDOUT;
}

/* Without kprobes the periodic check catches it, and in enforce puts it back. */
TEST_F(detect, fallback_poll)
{
	struct last l;

	ASSERT_EQ(0, hd_load("use_kprobes=0 poll_interval=1 mode=enforce"));
	ASSERT_EQ(0, sysfs_get("kptr_restrict", "detector", self->line, 64));
	EXPECT_STREQ("poll", self->line);
	ASSERT_EQ(0, sysctl_set(KPTR_RESTRICT, 0));
	EXPECT_EQ(0, wait_value(KPTR_RESTRICT, 1, 3));
	EXPECT_EQ(1, sysfs_int("kptr_restrict", "events"));
	ASSERT_EQ(0, last_event("kptr_restrict", &l));
	EXPECT_STREQ("restored", l.action);
	EXPECT_STREQ("-", l.pid);
	EXPECT_EQ(1, kmsg_count(self->kmsg,
				"kernel.kptr_restrict lowered 1 -> 0 by an unknown writer, found by the periodic check: restored",
				NULL, 0));

	/* In warn mode it reports once and leaves the value. */
	ASSERT_EQ(0, hd_unload());
	ASSERT_EQ(0, hd_load("use_kprobes=0 poll_interval=1"));
	ASSERT_EQ(0, sysctl_set(PTRACE_SCOPE, 0));
	sleep(3);
	EXPECT_EQ(0, sysctl_get(PTRACE_SCOPE));
	EXPECT_EQ(1, sysfs_int("ptrace_scope", "events"));
}

/* Become the audit daemon: records now come to this socket, as to auditd. */
static int audit_open(void)
{
	struct {
		struct nlmsghdr nh;
		struct audit_status st;
	} req;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 1 };
	int fd;

	fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT);
	if (fd < 0)
		return -errno;
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = sizeof(req);
	req.nh.nlmsg_type = AUDIT_SET;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.st.mask = AUDIT_STATUS_PID | AUDIT_STATUS_ENABLED;
	req.st.enabled = 1;
	req.st.pid = getpid();
	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0) {
		close(fd);
		return -errno;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/* Our records received until the socket stays quiet; last one to line. */
static int audit_collect(int fd, char *line, size_t size)
{
	char buf[9000];
	struct nlmsghdr *nh;
	int n, count = 0;

	while ((n = recv(fd, buf, sizeof(buf) - 1, 0)) > 0) {
		nh = (struct nlmsghdr *)buf;
		if (nh->nlmsg_type != 1316)	/* AUDIT_KERNEL_OTHER */
			continue;
		buf[n] = '\0';
		if (!strstr(NLMSG_DATA(nh), "op=harden_defaults"))
			continue;
		count++;
		snprintf(line, size, "%.500s", (char *)NLMSG_DATA(nh));
	}
	return count;
}

/* A collector like auditd receives one record per event, rate-limited. */
TEST_F(detect, audit_collected)
{
	char *argv[] = { HD_WRITE, "-n", "30", KPTR_RESTRICT, "0", NULL };
	char want[64];
	int fd, n;

	ASSERT_EQ(0, hd_load(NULL));
	fd = audit_open();
	ASSERT_LE(0, fd);
	/* The kernel held earlier tests' records for the first daemon. */
	audit_collect(fd, self->line, sizeof(self->line));
	ASSERT_EQ(0, run(argv, NULL));
	n = audit_collect(fd, self->line, sizeof(self->line));
	EXPECT_LE(1, n);
	EXPECT_GT(30, n) TH_LOG("audit not rate-limited: %d records", n);
	EXPECT_NE(NULL, strstr(self->line,
			       "sysctl=kernel.kptr_restrict old=0 new=0 action=warned"))
		TH_LOG("%s", self->line);
	EXPECT_NE(NULL, strstr(self->line, "comm=\"hd-write\""))
		TH_LOG("%s", self->line);

	sleep(6);
	argv[2] = "1";
	ASSERT_EQ(0, run(argv, NULL));
	EXPECT_EQ(1, audit_collect(fd, self->line, sizeof(self->line)));
	snprintf(want, sizeof(want), "suppressed=%d", 30 - n);
	EXPECT_NE(NULL, strstr(self->line, want))
		TH_LOG("%d received first, then: %s", n, self->line);
	EXPECT_EQ(31, sysfs_int("kptr_restrict", "events"));
	close(fd);
}


static int capless_raise(void *arg)
{
	(void)arg;
	if (drop_all_caps())
		return 100;
	return write_str(KPTR_RESTRICT, "1") == -EPERM ? 0 : 1;
}

/* Writes the handler refuses are no event, and leave no trace. */
TEST_F(detect, refused_by_handler)
{
	static const char *const bad[] = {
		"0\r", "0\v", "0\f", "000000000000000000000", "08", "0x",
		"- 0", "9", "-1", "2147483648", "0.5",
	};
	unsigned int i;

	ASSERT_EQ(0, hd_load("poll_interval=1"));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EINVAL, write_str(KPTR_RESTRICT, bad[i]))
			TH_LOG("'%s'", bad[i]);
	}
	/* "0", a NUL, "1": a NUL is no separator either. */
	{
		int fd = open(KPTR_RESTRICT, O_WRONLY);

		EXPECT_EQ(-1, write(fd, "0\0" "1", 3));
		close(fd);
	}
	EXPECT_EQ(1, sysctl_get(KPTR_RESTRICT));
	EXPECT_EQ(0, sysfs_int("kptr_restrict", "events"));

	/*
	 * A lowering, then refused writes: a bad value, and a raise by root
	 * without CAP_SYS_ADMIN (the periodic check must not take that for
	 * a write that stored). Still one event, even polled.
	 */
	ASSERT_EQ(0, sysctl_set(KPTR_RESTRICT, 0));
	EXPECT_EQ(-EINVAL, write_str(KPTR_RESTRICT, "9"));
	sleep(2);
	EXPECT_EQ(0, run_as(0, capless_raise, NULL));
	sleep(2);
	EXPECT_EQ(0, sysctl_get(KPTR_RESTRICT));
	EXPECT_EQ(1, sysfs_int("kptr_restrict", "events"));
	/* What the handler does take: blanks around, hex, octal. */
	ASSERT_EQ(0, write_str(KPTR_RESTRICT, " \t0x0 trailing"));
	ASSERT_EQ(0, write_str(KPTR_RESTRICT, "00\n"));
	EXPECT_EQ(3, sysfs_int("kptr_restrict", "events"));
}

/* With strict writes off the handler takes a write at an offset. */
TEST_F(detect, offset_write_enforce)
{
	int fd;

	ASSERT_EQ(0, hd_load("mode=enforce poll_interval=0"));
	ASSERT_EQ(0, sysctl_set("/proc/sys/kernel/sysctl_writes_strict", 0));
	fd = open(KPTR_RESTRICT, O_WRONLY);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, pwrite(fd, "0", 1, 1));
	EXPECT_EQ(EPERM, errno);
	close(fd);
	EXPECT_EQ(1, sysctl_get(KPTR_RESTRICT));
	EXPECT_EQ(1, sysfs_int("kptr_restrict", "events"));
	sysctl_set("/proc/sys/kernel/sysctl_writes_strict", 1);
}

/* A knob's event count once it reaches @n, or after 4 s. */
static int wait_events(const char *knob, int n)
{
	int i, got = sysfs_int(knob, "events");

	for (i = 0; i < 40 && got < n; i++) {
		usleep(100000);
		got = sysfs_int(knob, "events");
	}
	return got;
}

/*
 * Warn mode and a write at a non-zero offset: the kernel ignores it while
 * sysctl_writes_strict is 1 (its default), so nothing may be reported;
 * with strict writes off it lands, and the check the probe queues reports
 * it, also when writes through the handler came before it, one of them
 * with the same value.
 */
TEST_F(detect, offset_write_warn)
{
	int fd;

	/* No periodic check: the check queued by the write must report it. */
	ASSERT_EQ(0, hd_load("poll_interval=0"));
	fd = open(KPTR_RESTRICT, O_WRONLY);
	ASSERT_LE(0, fd);
	EXPECT_EQ(1, pwrite(fd, "0", 1, 1));
	sleep(2);
	EXPECT_EQ(1, sysctl_get(KPTR_RESTRICT));
	EXPECT_EQ(0, sysfs_int("kptr_restrict", "events"));

	ASSERT_EQ(0, sysctl_set("/proc/sys/kernel/sysctl_writes_strict", 0));
	EXPECT_EQ(1, pwrite(fd, "0", 1, 1));
	EXPECT_EQ(0, sysctl_get(KPTR_RESTRICT));
	EXPECT_EQ(1, wait_events("kptr_restrict", 1));

	/* Again, after a raise through the handler. */
	ASSERT_EQ(0, sysctl_set(KPTR_RESTRICT, 1));
	EXPECT_EQ(1, pwrite(fd, "0", 1, 1));
	EXPECT_EQ(2, wait_events("kptr_restrict", 2));

	/*
	 * Again, after writes through the handler: one that changes
	 * nothing, a lowering to 0 and a raise.
	 */
	ASSERT_EQ(0, sysctl_set(KPTR_RESTRICT, 1));
	ASSERT_EQ(0, sysctl_set(KPTR_RESTRICT, 1));
	ASSERT_EQ(0, sysctl_set(KPTR_RESTRICT, 0));
	ASSERT_EQ(0, sysctl_set(KPTR_RESTRICT, 1));
	EXPECT_EQ(3, sysfs_int("kptr_restrict", "events"));
	EXPECT_EQ(1, pwrite(fd, "0", 1, 1));
	EXPECT_EQ(4, wait_events("kptr_restrict", 4));
	close(fd);
	EXPECT_EQ(3, kmsg_count(self->kmsg,
				"kernel.kptr_restrict lowered 1 -> 0 by an unknown writer, found by the periodic check: warned",
				NULL, 0));
	sysctl_set("/proc/sys/kernel/sysctl_writes_strict", 1);
}

/*
 * A write the probe let through reaches the handler's store up to 2.5 s
 * later here (hd_squat stalls the handler's inner call, after our probe,
 * before the store). The periodic check, once a second, must not report
 * what it finds meanwhile: neither the old value a slow raise has not
 * yet replaced, nor a slow lowering, reported at the probe, that lands
 * after a quicker raise. Each lowering is one event, from the probe.
 *
 * The stalled writer holds CPU 1; the periodic check must run on CPU 0
 * meanwhile, so the module is loaded from CPU 0 (where it sets the
 * check's timer) and timers stay where they are set.
 */
TEST_F_TIMEOUT(detect, slow_write_reported_once, 60)
{
	struct slow_write w;
	int migration = sysctl_get(TIMER_MIGRATION);

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		SKIP(return, "needs two CPUs");
	pin_to_cpu(0);
	if (migration > 0)
		ASSERT_EQ(0, sysctl_set(TIMER_MIGRATION, 0));
	/* First, so no handler runs while its probe is armed. */
	ASSERT_EQ(0, hd_squat("stall=proc_dointvec_minmax stall_ms=2500"));
	ASSERT_EQ(0, hd_load("poll_interval=1"));

	ASSERT_EQ(0, sysctl_set(KPTR_RESTRICT, 0));
	ASSERT_EQ(0, slow_write_start(&w, KPTR_RESTRICT, "1"));
	ASSERT_EQ(0, slow_write_join(&w));
	ASSERT_LE(2.4, w.secs) TH_LOG("the write was not held up");
	sleep(2);
	EXPECT_EQ(1, sysctl_get(KPTR_RESTRICT));
	EXPECT_EQ(1, sysfs_int("kptr_restrict", "events"));

	ASSERT_EQ(0, slow_write_start(&w, KPTR_RESTRICT, "0"));
	for (int i = 0; i < 20 && sysfs_int("kptr_restrict", "events") < 2; i++)
		usleep(100000);
	ASSERT_EQ(2, sysfs_int("kptr_restrict", "events"));
	EXPECT_EQ(0, sysctl_set(KPTR_RESTRICT, 1));
	ASSERT_EQ(0, slow_write_join(&w));
	ASSERT_LE(2.4, w.secs);
	sleep(3);
	EXPECT_EQ(0, sysctl_get(KPTR_RESTRICT))
		TH_LOG("the slow write landed first");
	EXPECT_EQ(2, sysfs_int("kptr_restrict", "events"));
	EXPECT_EQ(2, kmsg_count(self->kmsg, "kernel.kptr_restrict lowered",
				NULL, 0));
	EXPECT_EQ(0, kmsg_count(self->kmsg, "found by the periodic check",
				self->line, sizeof(self->line)))
		TH_LOG("%s", self->line);
	if (migration > 0)
		sysctl_set(TIMER_MIGRATION, migration);
}

/* One write(2) of @pad blanks then @tail; 0 or -errno. */
static int write_padded(const char *path, size_t pad, const char *tail)
{
	size_t len = pad + strlen(tail);
	char *buf = malloc(len);
	ssize_t n;
	int fd;

	if (!buf)
		return -ENOMEM;
	memset(buf, ' ', pad);
	memcpy(buf + pad, tail, strlen(tail));
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		free(buf);
		return -errno;
	}
	n = write(fd, buf, len);
	n = n < 0 ? -errno : 0;
	close(fd);
	free(buf);
	return n;
}

/*
 * The handlers read only the first PAGE_SIZE - 1 characters of a write
 * (4095 here). After 4094 blanks they see "0" alone, whatever follows;
 * the probe must judge the same "0" and refuse it. After 4095 blanks
 * they see nothing and refuse the write themselves: no event.
 */
TEST_F(detect, page_long_write)
{
	static const char *const tails[] = { "0x", "01", "09", "0garbage" };
	static const char *const paths[] = {
		PTRACE_SCOPE, KPTR_RESTRICT, BPF_JIT_HARDEN,
	};
	static const char *const knobs[] = {
		"ptrace_scope", "kptr_restrict", "bpf_jit_harden",
	};
	long page = sysconf(_SC_PAGESIZE);
	int i, j;

	ASSERT_EQ(0, hd_load("mode=enforce poll_interval=0"));
	for (i = 0; i < 3; i++) {
		for (j = 0; j < 4; j++) {
			EXPECT_EQ(-EPERM, write_padded(paths[i], page - 2,
						       tails[j]))
				TH_LOG("%s %s", knobs[i], tails[j]);
			EXPECT_EQ(1, sysctl_get(paths[i]));
		}
		EXPECT_EQ(4, sysfs_int(knobs[i], "events")) TH_LOG("%s", knobs[i]);
		EXPECT_EQ(-EINVAL, write_padded(paths[i], page - 1, "0"));
		EXPECT_EQ(1, sysctl_get(paths[i]));
		EXPECT_EQ(4, sysfs_int(knobs[i], "events"));
	}
}

/* A name with brackets cannot make the line name another pid. */
TEST_F(detect, bracket_name)
{
	char *argv[] = { HD_WRITE, "-c", "sshd[1]", KPTR_RESTRICT, "0", NULL };
	char want[64];
	pid_t pid;

	ASSERT_EQ(0, hd_load(NULL));
	ASSERT_EQ(0, run(argv, &pid));
	/* /dev/kmsg escapes our backslashes in turn, as \x5c. */
	snprintf(want, sizeof(want), "by sshd\\x5cx5b1\\x5cx5d[%d] uid 0", pid);
	EXPECT_EQ(1, kmsg_count(self->kmsg, want, NULL, 0)) TH_LOG("%s", want);
}

#define KPROBES_ENABLED	"/sys/kernel/debug/kprobes/enabled"

/* Probes disarmed behind our back: said, and the periodic check guards. */
TEST_F(detect, probes_disarmed)
{
	ASSERT_EQ(0, hd_load("mode=lock poll_interval=1"));
	ASSERT_EQ(0, write_str(KPROBES_ENABLED, "0"));
	EXPECT_EQ(0, sysctl_set(KPTR_RESTRICT, 0));	/* nothing stops it */
	EXPECT_EQ(0, wait_value(KPTR_RESTRICT, 1, 4));
	/* The check right after load may put it back before the first tick. */
	for (int i = 0; i < 40; i++) {
		ASSERT_EQ(0, sysfs_get("kptr_restrict", "detector", self->line, 64));
		if (!strcmp(self->line, "poll"))
			break;
		usleep(100000);
	}
	EXPECT_EQ(1, kmsg_count(self->kmsg,
				"kernel.kptr_restrict: the kprobe on proc_dointvec_minmax_sysadmin no longer fires",
				NULL, 0));
	ASSERT_EQ(0, sysfs_get("kptr_restrict", "detector", self->line, 64));
	EXPECT_STREQ("poll", self->line);
	EXPECT_EQ(1, sysfs_int("kptr_restrict", "events"));

	ASSERT_EQ(0, write_str(KPROBES_ENABLED, "1"));
	sleep(3);
	ASSERT_EQ(0, sysfs_get("kptr_restrict", "detector", self->line, 64));
	EXPECT_STREQ("kprobe", self->line);
	EXPECT_EQ(-EPERM, sysctl_set(KPTR_RESTRICT, 0));
}


/* Probes that cannot see the handler at load: fall back and say so. */
TEST_F(detect, probes_off_at_load)
{
	ASSERT_EQ(0, write_str(KPROBES_ENABLED, "0"));
	EXPECT_EQ(0, hd_load("poll_interval=0"));
	write_str(KPROBES_ENABLED, "1");
	EXPECT_EQ(3, kmsg_count(self->kmsg, "never saw the knob, falling back to the periodic check",
				NULL, 0));
	ASSERT_EQ(0, sysfs_get("ptrace_scope", "detector", self->line, 64));
	EXPECT_STREQ("poll", self->line);
	/* poll_interval=0 was asked, but a knob without a hook needs it. */
	ASSERT_EQ(0, sysctl_set(PTRACE_SCOPE, 0));
	for (int i = 0; i < 100 && !sysfs_int("ptrace_scope", "events"); i++)
		usleep(100000);
	EXPECT_EQ(1, sysfs_int("ptrace_scope", "events"));
	EXPECT_EQ(0, sysctl_get(PTRACE_SCOPE));	/* warn mode */
}

TEST_HARNESS_MAIN
