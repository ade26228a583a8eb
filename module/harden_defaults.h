/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * harden_defaults: hold three hardening sysctls at or above a floor.
 *
 * Shared declarations. Each .c file owns one concern: main.c the
 * parameters and the load/unload order, knobs.c reading and raising the
 * sysctls, hooks.c the kprobes, poll.c the periodic check, events.c
 * what an event records and logs, sysfs.c /sys/kernel/harden_defaults.
 */
#ifndef HARDEN_DEFAULTS_H
#define HARDEN_DEFAULTS_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/kprobes.h>
#include <linux/mutex.h>
#include <linux/ratelimit.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#define HD_VERSION	"0.1.0"

enum hd_mode {
	HD_MODE_WARN,
	HD_MODE_ENFORCE,
	HD_MODE_LOCK,
	HD_NR_MODES
};

extern const char * const hd_mode_names[HD_NR_MODES];

enum hd_detector {
	HD_DETECT_NONE,
	HD_DETECT_POLL,
	HD_DETECT_KPROBE,
};

enum hd_action {
	HD_ACT_WARNED,		/* the lowering stands, it was logged */
	HD_ACT_REFUSED,		/* the writer got EPERM, nothing stored */
	HD_ACT_RESTORED,	/* found by the periodic check, put back */
};

/**
 * struct hd_event - one lowering, as recorded in <knob>/last_event
 * @time: wall-clock seconds
 * @pid: writer's pid in the initial namespace, 0 when unknown
 * @comm: writer's command name, raw (escape before printing)
 * @uid: writer's uid in the initial user namespace
 * @auid: writer's login uid, or -1 when unset or unknown
 * @old: value before the write
 * @new: value written
 * @action: what the module did about it
 */
struct hd_event {
	time64_t time;
	pid_t pid;
	char comm[TASK_COMM_LEN];
	s64 uid;
	s64 auid;
	int old;
	int new;
	enum hd_action action;
};

/**
 * struct hd_knob - one guarded sysctl
 * @name: short name, also the sysfs directory
 * @sysctl: dotted sysctl name, for log lines
 * @path: its file under /proc/sys
 * @handler: the kernel's proc handler for it, the kprobe target
 * @procname: the ctl_table entry's procname, to recognise it
 * @cap: capability the handler demands of a writer
 * @max: highest value the kernel accepts
 * @sticky_max: once at @max the kernel refuses any change (Yama at 3)
 * @root_only: the kernel hides the value from unprivileged readers
 * @floor: lowest value allowed; 0 means not guarded (nothing is below 0)
 * @file: the /proc/sys file, opened at load; NULL when absent
 * @data: the sysctl's variable, learnt from the handler; NULL until then
 * @seen: the value the periodic check last found (or the module last
 *	raised to), so that it reports a lowering it found only once;
 *	under hd_config_lock
 * @passed: what the probe let on to the handler, so that the periodic
 *	check does not report again what the probe did: the value of the
 *	latest such write (high half) and, until the check takes them,
 *	bits for the values written (low half, see HD_PASSED_NVALS)
 * @detector: how lowerings are caught now
 * @hooked: @kp is registered
 * @raiser: the task writing the floor through the handler for us, so the
 *	probe can keep that write from lowering a value raised meanwhile
 * @raise_skipped: set by the probe when it kept such a write from storing
 * @ping: set by the periodic check, cleared by the probe when it fires
 * @kp: the kprobe on @handler
 * @events: lowering events since load
 * @lock: protects @last and @has_last
 * @last: the most recent event
 * @has_last: @last is valid
 * @log_rs: rate limit of the dmesg lines
 * @log_missed: dmesg lines suppressed since the last one printed
 * @audit_rs: rate limit of the audit records
 * @audit_missed: audit records suppressed since the last one sent
 * @kobj: the knob's sysfs directory
 */
struct hd_knob {
	const char *name;
	const char *sysctl;
	const char *path;
	const char *handler;
	const char *procname;
	int cap;
	int max;
	bool sticky_max;
	bool root_only;

	int floor;
	struct file *file;
	int *data;
	int seen;
	atomic64_t passed;
	enum hd_detector detector;
	bool hooked;
	struct task_struct *raiser;
	bool raise_skipped;
	int ping;
	struct kprobe kp;

	atomic64_t events;
	spinlock_t lock;	/* protects last and has_last */
	struct hd_event last;
	bool has_last;
	struct ratelimit_state log_rs;
	atomic_t log_missed;
	struct ratelimit_state audit_rs;
	atomic_t audit_missed;

	struct kobject *kobj;
};

/*
 * The low half of @passed. For each value v the probe let through, bit v;
 * and bit HD_PASSED_LATE + v when that write may store after a later
 * one: it stored what was already there, or a later write found a value
 * other than v, so v perhaps had not landed yet. LANDED: the check saw
 * the latest write stored, so the next one cannot overtake it.
 */
#define HD_PASSED_NVALS		14	/* values 0-13; the knobs go to 3 */
#define HD_PASSED_VALUES	GENMASK(HD_PASSED_NVALS - 1, 0)
#define HD_PASSED_LATE		HD_PASSED_NVALS
#define HD_PASSED_LANDED	BIT(2 * HD_PASSED_NVALS)

/* What the probe let through since the check took it. */
static inline u32 hd_passed_bits(s64 passed)
{
	return lower_32_bits(passed) & ~HD_PASSED_LANDED;
}

static inline int hd_passed_last(s64 passed)
{
	return (int)upper_32_bits(passed);
}

static inline bool hd_passed_value(int val)
{
	return val >= 0 && val < HD_PASSED_NVALS;
}

#define HD_NR_KNOBS	3
extern struct hd_knob hd_knobs[HD_NR_KNOBS];

#define hd_knobs_end	(hd_knobs + HD_NR_KNOBS)

/* Mode and floors change under hd_config_lock; hot paths use READ_ONCE. */
extern struct mutex hd_config_lock;
extern int hd_mode;

/* knobs.c */
int hd_knobs_open(void);
void hd_knobs_close(void);
int hd_knob_read(struct hd_knob *k, int *val);
int hd_knob_read_file(struct hd_knob *k, int *val);
int hd_knob_raise(struct hd_knob *k, const char *why);
void hd_knobs_raise_all(const char *why);

/* hooks.c */
void hd_hooks_register(bool use_kprobes);
bool hd_hook_fires(struct hd_knob *k);
void hd_hooks_unregister(void);

/* poll.c */
#define HD_POLL_DEFAULT	5	/* seconds */
void hd_poll_start(unsigned int interval);
void hd_poll_ensure(const char *why);
void hd_poll_stop(void);
void hd_poll_once(void);
void hd_poll_once_cancel(void);

/* events.c */
void hd_knob_init_events(struct hd_knob *k);
void hd_event_write(struct hd_knob *k, int old, int new,
		    enum hd_action action);
void hd_event_found(struct hd_knob *k, int old, int new,
		    enum hd_action action);
int hd_event_format(struct hd_knob *k, char *buf, size_t size);
const char *hd_action_name(enum hd_action action);

/* sysfs.c */
int hd_sysfs_init(void);
void hd_sysfs_exit(void);

/* main.c */
int hd_set_mode(int mode);
int hd_set_floor(struct hd_knob *k, int floor);

#endif /* HARDEN_DEFAULTS_H */
