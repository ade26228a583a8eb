// SPDX-License-Identifier: GPL-2.0-only
/*
 * The periodic check: every few seconds, compare each knob with its floor.
 *
 * For a knob without a hook it is the whole detection; for a hooked knob
 * it catches what went around the handler (a direct write to the
 * variable). In enforce and lock mode what it finds below the floor is
 * put back, through the sysctl file like any other raise.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/rcupdate.h>
#include <linux/workqueue.h>

#include "harden_defaults.h"

static unsigned int poll_interval;

static void poll_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(poll_work, poll_fn);
static void once_fn(struct work_struct *work);
static DECLARE_WORK(once_work, once_fn);

static void check_knob(struct hd_knob *k)
{
	int val, seen, floor = READ_ONCE(k->floor);

	if (hd_knob_read(k, &val))
		return;
	seen = READ_ONCE(k->seen);
	if (val >= floor) {
		WRITE_ONCE(k->seen, val);
		return;
	}

	if (READ_ONCE(hd_mode) == HD_MODE_WARN) {
		/* In warn mode a lowering stands: report it once. */
		if (val == seen)
			return;
		WRITE_ONCE(k->seen, val);
		hd_event_found(k, seen, val, HD_ACT_WARNED);
		return;
	}

	/* Nothing that went through a hook can be below floor here. */
	hd_event_found(k, seen, val, HD_ACT_RESTORED);
	hd_knob_raise(k, "by the periodic check");
}

/* Notice a probe that was disarmed (or re-armed) behind our back. */
static void check_hook(struct hd_knob *k)
{
	bool fires = hd_hook_fires(k);

	if (!fires && k->detector == HD_DETECT_KPROBE) {
		k->detector = HD_DETECT_POLL;
		pr_warn("%s: the kprobe on %s no longer fires (kprobes or ftrace disabled?), the periodic check guards it\n",
			k->sysctl, k->handler);
	} else if (fires && k->detector == HD_DETECT_POLL) {
		k->detector = HD_DETECT_KPROBE;
		pr_info("%s: the kprobe on %s fires again\n", k->sysctl,
			k->handler);
	}
}

static void check_all(bool hooks)
{
	struct hd_knob *k;

	mutex_lock(&hd_config_lock);
	for (k = hd_knobs; k < hd_knobs_end; k++) {
		if (!k->file)
			continue;
		if (hooks && k->hooked)
			check_hook(k);
		check_knob(k);
	}
	mutex_unlock(&hd_config_lock);
}

static void poll_fn(struct work_struct *work)
{
	check_all(true);
	schedule_delayed_work(&poll_work, poll_interval * HZ);
}

/* One check, once every write already past a probe has landed. */
static void once_fn(struct work_struct *work)
{
	synchronize_rcu_tasks();
	check_all(false);
}

/**
 * hd_poll_once() - check every knob once, soon, whatever the interval
 *
 * For what a probe let through without knowing whether it will land: a
 * write at a non-zero offset in warn mode, and writes already inside a
 * handler when the module loaded. Callable from the probe.
 */
void hd_poll_once(void)
{
	schedule_work(&once_work);
}

/**
 * hd_poll_once_cancel() - wait for a queued hd_poll_once() check
 *
 * Only once the probes are gone, since they may queue it.
 */
void hd_poll_once_cancel(void)
{
	cancel_work_sync(&once_work);
}

/**
 * hd_poll_start() - start the periodic check
 * @interval: seconds between checks; 0 leaves it off
 */
void hd_poll_start(unsigned int interval)
{
	struct hd_knob *k;
	int val;

	for (k = hd_knobs; k < hd_knobs_end; k++)
		if (!hd_knob_read(k, &val))
			WRITE_ONCE(k->seen, val);

	poll_interval = interval;
	if (interval)
		schedule_delayed_work(&poll_work, interval * HZ);
}

/**
 * hd_poll_ensure() - make sure the periodic check runs
 * @why: for the log line, when it was off and is now started
 *
 * Called with hd_config_lock held, or before anything else runs.
 */
void hd_poll_ensure(const char *why)
{
	if (poll_interval)
		return;
	pr_notice("periodic check on, every %d s: %s\n", HD_POLL_DEFAULT, why);
	poll_interval = HD_POLL_DEFAULT;
	schedule_delayed_work(&poll_work, poll_interval * HZ);
}

/**
 * hd_poll_stop() - stop the periodic check and wait for a running one
 */
void hd_poll_stop(void)
{
	if (poll_interval)
		cancel_delayed_work_sync(&poll_work);
}
