// SPDX-License-Identifier: GPL-2.0-only
/*
 * The periodic check: every few seconds, compare each knob with its floor.
 *
 * For a knob without a hook it is the whole detection; for a hooked knob
 * it catches what went around the probe: a direct write to the variable,
 * a write at a non-zero offset, a write already inside the handler when
 * the probe arrived. In enforce and lock mode what it finds below the
 * floor is put back, through the sysctl file like any other raise.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/jiffies.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/workqueue.h>

#include "harden_defaults.h"

static unsigned int poll_interval;

static void poll_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(poll_work, poll_fn);
static void once_fn(struct work_struct *work);
static DECLARE_WORK(once_work, once_fn);

/* Readings a check takes while writes keep going through a probe. */
#define HD_CHECK_TRIES	3

/*
 * A knob's value as a check read it, and what the probe let through
 * from the previous settled reading up to this one.
 */
struct hd_reading {
	int val;
	u32 bits;
	int last;
	bool read;	/* @val is valid */
	bool settled;	/* all those writes stored before @val was read */
};

/* Take the probe's bits, leaving the latest value and LANDED. */
static u32 take_bits(struct hd_knob *k)
{
	return hd_passed_bits(atomic64_fetch_andnot(~(s64)HD_PASSED_LANDED &
						    U32_MAX, &k->passed));
}

/*
 * Did the value @r read get there around the probe? @seen is the
 * previous settled reading; @r says what the probe let through since.
 */
static bool went_around(const struct hd_reading *r, int seen)
{
	int val = r->val;

	/* Nothing went through the probe: any change went around it. */
	if (!(r->bits & HD_PASSED_VALUES))
		return val != seen;
	/* No write through the probe carried this value. */
	if (!hd_passed_value(val) || !(r->bits & BIT(val)))
		return true;
	/*
	 * One did. Unless it may have stored after the latest one, this
	 * value came after the latest, around the probe.
	 */
	return val != r->last && !(r->bits & BIT(HD_PASSED_LATE + val));
}

static void check_knob(struct hd_knob *k, const struct hd_reading *r)
{
	int old, seen = k->seen, floor = READ_ONCE(k->floor);

	if (!r->read)
		return;
	/* The value before, for the log line: the probe's if it has one. */
	old = r->bits & HD_PASSED_VALUES ? r->last : seen;
	if (r->settled)
		k->seen = r->val;
	if (r->val >= floor)
		return;

	if (READ_ONCE(hd_mode) == HD_MODE_WARN) {
		/*
		 * In warn mode a lowering stands: report it once, and only
		 * if it went around the probe, which reports the others. A
		 * reading taken while writes kept going through the probe
		 * cannot tell, and is left to the next check.
		 */
		if (r->settled && went_around(r, seen))
			hd_event_found(k, old, r->val, HD_ACT_WARNED);
		return;
	}

	/* Enforce and lock: whatever is below the floor goes back up. */
	hd_event_found(k, old, r->val, HD_ACT_RESTORED);
	hd_knob_raise(k, "by the periodic check");
}

/*
 * Read every knob once all the writes the probes let through have
 * stored: take their records, wait for a grace period, read, and look
 * again if more went through meanwhile. @grace: wait even if none did.
 */
static void read_settled(struct hd_reading *r, bool grace)
{
	struct hd_knob *k;
	int i, try;
	s64 s;

	for (i = 0; i < HD_NR_KNOBS; i++) {
		r[i] = (struct hd_reading){ .bits = take_bits(&hd_knobs[i]) };
		if (r[i].bits)
			grace = true;
	}
	for (try = 1; ; try++) {
		/*
		 * A write the probe let through may not have reached the
		 * handler's store yet; judged now, the older value still
		 * there would look like a lowering nobody reported.
		 */
		if (grace)
			synchronize_rcu_tasks();
		grace = false;
		for (i = 0; i < HD_NR_KNOBS; i++) {
			k = &hd_knobs[i];
			if (!k->file || r[i].settled)
				continue;
			r[i].read = !hd_knob_read(k, &r[i].val);
			/* Pairs with the probe's cmpxchg, before its store. */
			smp_rmb();
			s = atomic64_read(&k->passed);
			r[i].last = hd_passed_last(s);
			if (!hd_passed_bits(s)) {
				r[i].settled = true;
				/* The latest write is in: the next is ordered. */
				atomic64_cmpxchg(&k->passed, s,
						 s | HD_PASSED_LANDED);
				continue;
			}
			if (try < HD_CHECK_TRIES) {
				r[i].bits |= take_bits(k);
				grace = true;
			}
		}
		if (!grace)
			break;
	}
	/* Not settled: the next check judges these writes. */
	for (i = 0; i < HD_NR_KNOBS; i++)
		if (!r[i].settled && r[i].bits)
			atomic64_or(r[i].bits, &hd_knobs[i].passed);
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

/*
 * Enforce and lock put back whatever is below the floor, whoever wrote
 * it: a plain reading will do, and the probe's record waits for warn.
 */
static void read_now(struct hd_reading *r)
{
	int i;

	for (i = 0; i < HD_NR_KNOBS; i++) {
		r[i] = (struct hd_reading){ .settled = true };
		if (hd_knobs[i].file)
			r[i].read = !hd_knob_read(&hd_knobs[i], &r[i].val);
	}
}

/*
 * @hooks: also ask each probe whether it still fires
 * @grace: wait for a grace period even if no write went through a probe
 */
static void check_all(bool hooks, bool grace)
{
	struct hd_reading r[HD_NR_KNOBS];
	struct hd_knob *k;
	int i;

	/* The reading is judged under the mode and floor it was taken in. */
	mutex_lock(&hd_config_lock);
	if (hd_mode == HD_MODE_WARN) {
		read_settled(r, grace);
	} else {
		/* Still let a write the caller knows of land first. */
		if (grace)
			synchronize_rcu_tasks();
		read_now(r);
	}
	for (i = 0; i < HD_NR_KNOBS; i++) {
		k = &hd_knobs[i];
		if (!k->file)
			continue;
		if (hooks && k->hooked)
			check_hook(k);
		check_knob(k, &r[i]);
	}
	mutex_unlock(&hd_config_lock);
}

static void poll_fn(struct work_struct *work)
{
	check_all(true, false);
	schedule_delayed_work(&poll_work, poll_interval * HZ);
}

/* One check, once every write already past a probe has landed. */
static void once_fn(struct work_struct *work)
{
	check_all(false, true);
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
	poll_interval = interval;
	if (interval)
		schedule_delayed_work(&poll_work, interval * HZ);
}

/**
 * hd_poll_ensure() - make sure the periodic check runs
 * @why: for the log line, when it was off and is now started
 *
 * Context: hd_config_lock held.
 */
void hd_poll_ensure(const char *why)
{
	lockdep_assert_held(&hd_config_lock);
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
