/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers shared by the in-VM test programs: load and unload the module,
 * read and write sysctls and sysfs files, watch the kernel log, run code
 * as another user. Each helper returns a negative errno on failure so a
 * test can assert on the exact error.
 */
#ifndef HD_TEST_H
#define HD_TEST_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define HD_KO		"/lib/hd/harden_defaults.ko"
#define HD_SQUAT_KO	"/lib/hd/hd_squat.ko"
#define KPROBES_LIST	"/sys/kernel/debug/kprobes/list"
#define HD_SYSFS	"/sys/kernel/harden_defaults"
#define PTRACE_SCOPE	"/proc/sys/kernel/yama/ptrace_scope"
#define KPTR_RESTRICT	"/proc/sys/kernel/kptr_restrict"
#define BPF_JIT_HARDEN	"/proc/sys/net/core/bpf_jit_harden"
#define NOBODY		65534

int hd_load(const char *params);
int hd_unload(void);
int hd_unload_force(void);
bool hd_loaded(void);
int hd_reset(void);

/*
 * The test module hd_squat (tests/vm/kmod): holds what harden_defaults
 * needs, to make its failure paths run. hd_reset() unloads it too.
 */
int hd_squat(const char *params);
int hd_unsquat(void);

/* Lines of the kernel's kprobes list that contain needle, or -errno. */
int kprobes_count(const char *needle);

int sysctl_get(const char *path);
int sysctl_set(const char *path, int val);
int write_str(const char *path, const char *s);
int read_str(const char *path, char *buf, size_t size);
int sysfs_get(const char *knob, const char *file, char *buf, size_t size);
int sysfs_int(const char *knob, const char *file);

/* The kernel log: mark where we are, then look at what came after. */
int kmsg_mark(void);
char *kmsg_since(int fd);
int count_lines(const char *text, const char *needle, char *line,
		size_t size);
int kmsg_count(int fd, const char *needle, char *line, size_t size);

/* Two threads writing @val into @path in a loop until hammer_stop(). */
struct hammer {
	const char *path;
	const char *val;
	volatile int stop;
	pthread_t t[2];
};

int hammer_start(struct hammer *h, const char *path, const char *val);
void hammer_stop(struct hammer *h);

/* Run the calling thread on @cpu only. */
void pin_to_cpu(int cpu);

/*
 * write_str(@path, @val) from a thread named hd_slow on CPU 1, which the
 * test module's stall= holds up; @secs is how long the write took.
 */
struct slow_write {
	const char *path;
	const char *val;
	int err;
	double secs;
	pthread_t t;
};

int slow_write_start(struct slow_write *w, const char *path,
		     const char *val);
/* Wait for it; its write_str() result. */
int slow_write_join(struct slow_write *w);

/* Run fn(arg) in a child as uid/gid, return its exit status or -errno. */
int run_as(uid_t uid, int (*fn)(void *), void *arg);
/* Drop every capability of the calling process: 0 or -errno. */
int drop_all_caps(void);

/*
 * An unprivileged process attaches to a process that is not its child,
 * or to its own child: 0 when the attach worked, else its errno.
 */
int attach_sibling(void);
int attach_child(void);
/* For run_as(): 1 if /proc/kallsyms shows real addresses, 0 if zeros. */
int kallsyms_shows(void *arg);

#endif /* HD_TEST_H */
