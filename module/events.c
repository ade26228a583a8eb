// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lowering events: count, record, log to dmesg and to the audit log.
 *
 * The count is exact and never rate-limited. The dmesg line and the audit
 * record are each rate-limited per knob, so a root loop can flood neither;
 * the next line that gets through says how many were held back.
 *
 * Everything here may run in a kprobe handler: no sleeping, no locks that
 * a sleeping path holds, GFP_ATOMIC only.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/audit.h>
#include <linux/cred.h>
#include <linux/kernel.h>
#include <linux/ratelimit.h>
#include <linux/sched.h>
#include <linux/timekeeping.h>
#include <linux/uidgid.h>

#include "harden_defaults.h"

#define HD_LOG_INTERVAL		(5 * HZ)
#define HD_LOG_BURST		10

/* A comm escaped as \xHH per byte fits here, with its NUL. */
#define HD_COMM_ESC_LEN		(4 * TASK_COMM_LEN)

static const char * const action_names[] = {
	[HD_ACT_WARNED] = "warned",
	[HD_ACT_REFUSED] = "refused",
	[HD_ACT_RESTORED] = "restored",
};

/**
 * hd_action_name() - the word logs and sysfs use for an action
 * @action: the action
 *
 * Return: a static string.
 */
const char *hd_action_name(enum hd_action action)
{
	return action_names[action];
}

/**
 * hd_knob_init_events() - reset a knob's counters and rate limits
 * @k: the knob
 */
void hd_knob_init_events(struct hd_knob *k)
{
	atomic64_set(&k->events, 0);
	spin_lock_init(&k->lock);
	k->has_last = false;
	/* We report what was held back ourselves, under our prefix. */
	ratelimit_state_init(&k->log_rs, HD_LOG_INTERVAL, HD_LOG_BURST);
	ratelimit_set_flags(&k->log_rs, RATELIMIT_MSG_ON_RELEASE);
	atomic_set(&k->log_missed, 0);
	ratelimit_state_init(&k->audit_rs, HD_LOG_INTERVAL, HD_LOG_BURST);
	ratelimit_set_flags(&k->audit_rs, RATELIMIT_MSG_ON_RELEASE);
	atomic_set(&k->audit_missed, 0);
}

/*
 * A task can name itself anything, newlines included. Printable ASCII
 * other than blanks, quotes, backslashes and brackets passes; every other byte
 * becomes \xHH, so a name can neither break a line nor look like a field.
 * A leading '-' is escaped too, since "-" means "unknown" in last_event,
 * and an empty name is written as \x00.
 */
static void escape_comm(const char *comm, char *out)
{
	static const char hex[] = "0123456789abcdef";
	const char *c;

	if (!*comm) {
		strscpy(out, "\\x00", HD_COMM_ESC_LEN);
		return;
	}
	for (c = comm; *c; c++) {
		if (*c > ' ' && *c < 0x7f && !strchr("\"\\[]", *c) &&
		    !(c == comm && *c == '-')) {
			*out++ = *c;
			continue;
		}
		*out++ = '\\';
		*out++ = 'x';
		*out++ = hex[(unsigned char)*c >> 4];
		*out++ = hex[*c & 0xf];
	}
	*out = '\0';
}

/* How many were held back, for the next line that gets through. */
static int let_through(struct ratelimit_state *rs, atomic_t *missed)
{
	if (!__ratelimit(rs)) {
		atomic_inc(missed);
		return -1;
	}
	return atomic_xchg(missed, 0);
}

static void log_event(struct hd_knob *k, const struct hd_event *ev,
		      const char *comm)
{
	char held[40] = "", auid[24];
	const char *verb;
	int n;

	n = let_through(&k->log_rs, &k->log_missed);
	if (n < 0)
		return;
	if (n)
		scnprintf(held, sizeof(held), " (%d earlier lines suppressed)",
			  n);

	/* Writing 0 over a 0 below the floor is an event, but no lowering. */
	verb = ev->new < ev->old ? "lowered" : "set";
	if (!ev->pid) {
		pr_warn("%s %s %d -> %d by an unknown writer, found by the periodic check: %s%s\n",
			k->sysctl, verb, ev->old, ev->new,
			hd_action_name(ev->action), held);
		return;
	}
	if (ev->auid < 0)
		strscpy(auid, "unset", sizeof(auid));
	else
		scnprintf(auid, sizeof(auid), "%lld", ev->auid);
	pr_warn("%s %s %d -> %d by %s[%d] uid %lld auid %s: %s%s\n",
		k->sysctl, verb, ev->old, ev->new, comm, ev->pid, ev->uid,
		auid, hd_action_name(ev->action), held);
}

#ifdef CONFIG_AUDIT
/* The audit convention for an untrusted string: quoted if plain, else hex. */
static void audit_comm(struct audit_buffer *ab, const char *comm)
{
	const char *c;

	for (c = comm; *c; c++)
		if (*c <= ' ' || *c >= 0x7f || *c == '"')
			break;
	if (!*c) {
		audit_log_format(ab, " comm=\"%s\"", comm);
		return;
	}
	audit_log_format(ab, " comm=");
	for (c = comm; *c; c++)
		audit_log_format(ab, "%02X", (unsigned char)*c);
}

static void audit_event(struct hd_knob *k, const struct hd_event *ev)
{
	struct audit_buffer *ab;
	int n;

	if (!audit_enabled)
		return;
	n = let_through(&k->audit_rs, &k->audit_missed);
	if (n < 0)
		return;

	ab = audit_log_start(ev->pid ? audit_context() : NULL, GFP_ATOMIC,
			     AUDIT_KERNEL_OTHER);
	if (!ab)
		return;
	audit_log_format(ab, "op=harden_defaults sysctl=%s old=%d new=%d action=%s",
			 k->sysctl, ev->old, ev->new,
			 hd_action_name(ev->action));
	if (ev->pid) {
		/* Audit's own convention: an unset login uid is (u32)-1. */
		audit_log_format(ab, " pid=%d uid=%u auid=%u", ev->pid,
				 (u32)ev->uid, (u32)ev->auid);
		audit_comm(ab, ev->comm);
	}
	if (n)
		audit_log_format(ab, " suppressed=%d", n);
	audit_log_end(ab);
}
#else
static void audit_event(struct hd_knob *k, const struct hd_event *ev)
{
}
#endif

static void record(struct hd_knob *k, const struct hd_event *ev)
{
	char comm[HD_COMM_ESC_LEN];
	unsigned long flags;

	atomic64_inc(&k->events);

	spin_lock_irqsave(&k->lock, flags);
	k->last = *ev;
	k->has_last = true;
	spin_unlock_irqrestore(&k->lock, flags);

	escape_comm(ev->comm, comm);
	log_event(k, ev, comm);
	audit_event(k, ev);
}

/**
 * hd_event_write() - record a lowering write made by the current task
 * @k: the knob
 * @old: its value before the write
 * @new: the value written
 * @action: what the module does about it
 */
void hd_event_write(struct hd_knob *k, int old, int new,
		    enum hd_action action)
{
	struct hd_event ev = {
		.time = ktime_get_real_seconds(),
		.pid = task_tgid_nr(current),
		.uid = from_kuid(&init_user_ns, current_uid()),
		.auid = -1,
		.old = old,
		.new = new,
		.action = action,
	};
	kuid_t auid = audit_get_loginuid(current);

	if (uid_valid(auid))
		ev.auid = from_kuid(&init_user_ns, auid);
	/* An io_uring worker writes for its process: name the process. */
	get_task_comm(ev.comm, current->flags & PF_IO_WORKER ?
		      current->group_leader : current);
	record(k, &ev);
}

/**
 * hd_event_found() - record a lowering the periodic check found
 * @k: the knob
 * @old: the last value known
 * @new: the value found
 * @action: what the module did about it
 *
 * The writer is unknown: it went around the sysctl handler, or the knob
 * has no hook.
 */
void hd_event_found(struct hd_knob *k, int old, int new,
		    enum hd_action action)
{
	struct hd_event ev = {
		.time = ktime_get_real_seconds(),
		.uid = -1,
		.auid = -1,
		.old = old,
		.new = new,
		.action = action,
	};

	record(k, &ev);
}

/**
 * hd_event_format() - the last event as one line for sysfs
 * @k: the knob
 * @buf: where to write
 * @size: its size
 *
 * Fields: time pid comm uid auid old new action; "-" where unknown.
 *
 * Return: the length written, 0 when there was no event yet.
 */
int hd_event_format(struct hd_knob *k, char *buf, size_t size)
{
	char comm[HD_COMM_ESC_LEN], auid[24];
	unsigned long flags;
	struct hd_event ev;
	bool has;

	spin_lock_irqsave(&k->lock, flags);
	ev = k->last;
	has = k->has_last;
	spin_unlock_irqrestore(&k->lock, flags);
	if (!has)
		return 0;

	if (!ev.pid)
		return scnprintf(buf, size, "%lld - - - - %d %d %s\n",
				 (long long)ev.time, ev.old, ev.new,
				 hd_action_name(ev.action));

	escape_comm(ev.comm, comm);
	if (ev.auid < 0)
		strscpy(auid, "-", sizeof(auid));
	else
		scnprintf(auid, sizeof(auid), "%lld", ev.auid);
	return scnprintf(buf, size, "%lld %d %s %lld %s %d %d %s\n",
			 (long long)ev.time, ev.pid, comm, ev.uid, auid,
			 ev.old, ev.new, hd_action_name(ev.action));
}
