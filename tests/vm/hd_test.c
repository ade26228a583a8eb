// SPDX-License-Identifier: GPL-2.0-only
/* Helpers for the in-VM test programs; see hd_test.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hd_test.h"

static int load_file(const char *ko, const char *params)
{
	int fd, ret;

	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params ? params : "", 0);
	ret = ret ? -errno : 0;
	close(fd);
	return ret;
}

int hd_load(const char *params)
{
	return load_file(HD_KO, params);
}

int hd_squat(const char *params)
{
	return load_file(HD_SQUAT_KO, params);
}

int hd_unsquat(void)
{
	return syscall(SYS_delete_module, "hd_squat", O_NONBLOCK) ? -errno : 0;
}

int kprobes_count(const char *needle)
{
	char *text, *p;
	int n = 0;
	FILE *f;

	f = fopen(KPROBES_LIST, "re");
	if (!f)
		return -errno;
	text = malloc(1 << 16);
	if (!text) {
		fclose(f);
		return -ENOMEM;
	}
	while (fgets(text, 1 << 16, f)) {
		p = strstr(text, needle);
		if (p)
			n++;
	}
	free(text);
	fclose(f);
	return n;
}

static int unload(unsigned int flags)
{
	return syscall(SYS_delete_module, "harden_defaults", flags) ? -errno : 0;
}

int hd_unload(void)
{
	return unload(O_NONBLOCK);
}

int hd_unload_force(void)
{
	return unload(O_NONBLOCK | O_TRUNC);
}

bool hd_loaded(void)
{
	return access("/sys/module/harden_defaults", F_OK) == 0;
}

/* Back to the state Debian's kernels boot with: no module, 0/0/0. */
int hd_reset(void)
{
	if (hd_loaded() && hd_unload() && hd_unload_force())
		return -EBUSY;
	if (access("/sys/module/hd_squat", F_OK) == 0 && hd_unsquat())
		return -EBUSY;
	if (sysctl_set(PTRACE_SCOPE, 0) || sysctl_set(KPTR_RESTRICT, 0) ||
	    sysctl_set(BPF_JIT_HARDEN, 0))
		return -EIO;
	return 0;
}

int read_str(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	buf[n] = '\0';
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return 0;
}

int write_str(const char *path, const char *s)
{
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	n = n < 0 ? -errno : 0;
	close(fd);
	return n;
}

int sysctl_get(const char *path)
{
	char buf[32];
	int err;

	err = read_str(path, buf, sizeof(buf));
	return err ? err : atoi(buf);
}

int sysctl_set(const char *path, int val)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%d\n", val);
	return write_str(path, buf);
}

int sysfs_get(const char *knob, const char *file, char *buf, size_t size)
{
	char path[256];

	if (knob)
		snprintf(path, sizeof(path), HD_SYSFS "/%s/%s", knob, file);
	else
		snprintf(path, sizeof(path), HD_SYSFS "/%s", file);
	return read_str(path, buf, size);
}

int sysfs_int(const char *knob, const char *file)
{
	char buf[64];
	int err;

	err = sysfs_get(knob, file, buf, sizeof(buf));
	return err ? err : atoi(buf);
}

int kmsg_mark(void)
{
	int fd;

	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	lseek(fd, 0, SEEK_END);
	return fd;
}

/* Every record logged since kmsg_mark(), one message per line. */
char *kmsg_since(int fd)
{
	size_t len = 0, cap = 1 << 16;
	char rec[8192], *msg, *text;
	ssize_t n;

	text = calloc(1, cap);
	if (!text)
		return NULL;
	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* records overwritten: go on */
		if (n <= 0)
			break;
		rec[n] = '\0';
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		msg[strcspn(msg, "\n")] = '\0';
		if (len + strlen(msg) + 2 > cap) {
			cap *= 2;
			text = realloc(text, cap);
			if (!text)
				return NULL;
		}
		len += sprintf(text + len, "%s\n", msg);
	}
	return text;
}

/* How many lines of text contain needle; the last one goes to line. */
int count_lines(const char *text, const char *needle, char *line,
		size_t size)
{
	const char *p = text, *end;
	int count = 0;

	while (p && *p) {
		end = strchr(p, '\n');
		if (!end)
			end = p + strlen(p);
		if (memmem(p, end - p, needle, strlen(needle))) {
			count++;
			if (line)
				snprintf(line, size, "%.*s", (int)(end - p), p);
		}
		p = *end ? end + 1 : end;
	}
	return count;
}

/* kmsg_since() and count_lines() in one, for a single needle. */
int kmsg_count(int fd, const char *needle, char *line, size_t size)
{
	char *text = kmsg_since(fd);
	int n;

	if (!text)
		return -ENOMEM;
	n = count_lines(text, needle, line, size);
	free(text);
	return n;
}

static void *hammer_one(void *arg)
{
	struct hammer *h = arg;
	int fd = open(h->path, O_WRONLY | O_CLOEXEC);

	while (fd >= 0 && !h->stop)
		pwrite(fd, h->val, strlen(h->val), 0);
	if (fd >= 0)
		close(fd);
	return NULL;
}

int hammer_start(struct hammer *h, const char *path, const char *val)
{
	h->path = path;
	h->val = val;
	h->stop = 0;
	if (pthread_create(&h->t[0], NULL, hammer_one, h))
		return -EAGAIN;
	if (pthread_create(&h->t[1], NULL, hammer_one, h)) {
		h->stop = 1;
		pthread_join(h->t[0], NULL);
		return -EAGAIN;
	}
	return 0;
}

void hammer_stop(struct hammer *h)
{
	h->stop = 1;
	pthread_join(h->t[0], NULL);
	pthread_join(h->t[1], NULL);
}

int run_as(uid_t uid, int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		if (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
		    setresuid(uid, uid, uid))
			_exit(125);
		_exit(fn(arg));
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 126;
}

/* What a raised ptrace_scope or kptr_restrict does, seen from userspace. */

/* Attach to pid and detach; 0 or the errno of the attach. */
static int attach(pid_t pid)
{
	int status;

	if (ptrace(PTRACE_ATTACH, pid, NULL, NULL))
		return errno;
	waitpid(pid, &status, __WALL);
	ptrace(PTRACE_DETACH, pid, NULL, NULL);
	return 0;
}

static int attach_target(void *arg)
{
	(void)arg;
	prctl(PR_SET_DUMPABLE, 1);
	for (;;)
		pause();
	return 0;
}

static int attach_pid(void *arg)
{
	prctl(PR_SET_DUMPABLE, 1);
	return attach(*(pid_t *)arg);
}

/* An unprivileged process attaches to another one that is no child. */
int attach_sibling(void)
{
	pid_t target;
	int ret;

	target = fork();
	if (!target) {
		if (setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			_exit(1);
		attach_target(NULL);
	}
	usleep(100000);
	ret = run_as(NOBODY, attach_pid, &target);
	kill(target, SIGKILL);
	waitpid(target, NULL, 0);
	return ret;
}

static int attach_own_child(void *arg)
{
	pid_t child;
	int ret;

	(void)arg;
	prctl(PR_SET_DUMPABLE, 1);
	child = fork();
	if (!child)
		attach_target(NULL);
	usleep(100000);
	ret = attach(child);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return ret;
}

int attach_child(void)
{
	return run_as(NOBODY, attach_own_child, NULL);
}

/* 1 if the first lines of /proc/kallsyms carry real addresses, else 0. */
int kallsyms_shows(void *arg)
{
	char line[256];
	int real = 0, n = 0;
	FILE *f;

	(void)arg;
	f = fopen("/proc/kallsyms", "r");
	if (!f)
		return 100;
	while (n < 50 && fgets(line, sizeof(line), f)) {
		if (strtoull(line, NULL, 16))
			real++;
		n++;
	}
	fclose(f);
	if (n < 50)
		return 101;
	return real ? 1 : 0;
}

int drop_all_caps(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = { { 0 } };

	return syscall(SYS_capset, &hdr, data) ? -errno : 0;
}

void pin_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void *slow_writer(void *arg)
{
	struct slow_write *w = arg;
	struct timespec a, b;

	prctl(PR_SET_NAME, "hd_slow");
	pin_to_cpu(1);
	clock_gettime(CLOCK_MONOTONIC, &a);
	w->err = write_str(w->path, w->val);
	clock_gettime(CLOCK_MONOTONIC, &b);
	w->secs = b.tv_sec - a.tv_sec + (b.tv_nsec - a.tv_nsec) / 1e9;
	return NULL;
}

int slow_write_start(struct slow_write *w, const char *path, const char *val)
{
	*w = (struct slow_write){ .path = path, .val = val };
	return -pthread_create(&w->t, NULL, slow_writer, w);
}

int slow_write_join(struct slow_write *w)
{
	pthread_join(w->t, NULL);
	return w->err;
}
