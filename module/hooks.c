// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kprobes on the three sysctl handlers.
 *
 * The probe sits at the handler's entry and judges the write before the
 * handler stores anything: it parses the buffer the way the handler will,
 * and a write that would leave the knob below its floor is an event. To
 * refuse it, the probe sends the call to hd_refuse() instead, which
 * returns -EPERM to the handler's caller; the lowered value is never
 * stored, so no other CPU can ever read it.
 *
 * Two of the handlers are shared with other sysctls (kernel.dmesg_restrict,
 * net.core.bpf_jit_kallsyms, ...): a call counts only when the table's
 * data is the knob's own variable.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/string.h>
#include <linux/sysctl.h>

#include "harden_defaults.h"
#include "compat.h"

/* The int handlers read at most this many characters of one number. */
#define HD_NUM_MAX	21

/* A character's value as a digit; 16 (a digit in no base we parse) if none. */
static unsigned int digit_value(char c)
{
	if (isdigit(c))
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : 16;
}

/*
 * Parse a sysctl write exactly as the int handlers do, so that what we
 * judge is what they would store: only the first PAGE_SIZE - 1
 * characters count (the rest is never read); leading white space is
 * skipped; an optional minus; digits in base 0 (0x.. hex, 0.. octal);
 * the number must be shorter than HD_NUM_MAX and followed by a blank, a
 * tab, a newline or the end of the write, and fit in an int. Anything
 * else the handler refuses with EINVAL, and so it is no event.
 */
static bool parse_write(const char *buf, size_t len, int *val)
{
	unsigned long long v = 0;
	unsigned int base = 10;
	size_t i = 0, start;
	bool neg = false;
	unsigned int d;

	len = min_t(size_t, len, PAGE_SIZE - 1);
	while (i < len && isspace(buf[i]))
		i++;
	buf += i;
	len -= i;
	i = 0;
	if (len > 1 && buf[0] == '-') {
		neg = true;
		i++;
	}
	if (i >= len || !isdigit(buf[i]))
		return false;
	if (buf[i] == '0') {
		base = 8;
		if (i + 2 < len && tolower(buf[i + 1]) == 'x' &&
		    isxdigit(buf[i + 2])) {
			base = 16;
			i += 2;
		}
	}
	for (start = i; i < len && i < HD_NUM_MAX; i++) {
		d = digit_value(buf[i]);
		if (d >= base)
			break;
		v = v * base + d;
		if (v > (unsigned long long)INT_MAX + 1)
			return false;
	}
	if (i == start || i >= HD_NUM_MAX)
		return false;
	if (i < len && buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\n')
		return false;
	if (!neg && v > INT_MAX)
		return false;
	*val = neg ? -(int)(v - 1) - 1 : (int)v;
	return true;
}

/* The handler's stand-in for a refused write; only ever jumped to. */
static noinline int hd_refuse(void)
{
	return -EPERM;
}

/* Its stand-in for our own raise when the value is already as high. */
static noinline int hd_skip(void)
{
	return 0;
}

/*
 * Record for the periodic check a write of @val the handler at @data is
 * about to store, so the check takes it for no lowering of its own. That
 * it has stored once an RCU-tasks grace period has passed holds because
 * nothing on the handler's path from here to its store sleeps.
 *
 * Not a write at a non-zero offset: the handler stores it only with
 * kernel.sysctl_writes_strict off, and then it went around the probe as
 * far as the check is concerned (in warn mode a lowering one queues the
 * check; enforce refuses it).
 */
static void note_passed(struct hd_knob *k, struct pt_regs *regs, int *data,
			int val)
{
	s64 old, new;
	int cur, last;
	u32 bits;

	if (*hd_handler_ppos(regs) || !hd_passed_value(val))
		return;
	old = atomic64_read(&k->passed);
	do {
		bits = hd_passed_bits(old) | BIT(val);
		cur = READ_ONCE(*data);
		last = hd_passed_last(old);
		if (cur == val)
			bits |= BIT(HD_PASSED_LATE + val);
		if (!(old & HD_PASSED_LANDED) && cur != last &&
		    hd_passed_value(last))
			bits |= BIT(HD_PASSED_LATE + last);
		new = (s64)((u64)(u32)val << 32 | bits);
	} while (!atomic64_try_cmpxchg(&k->passed, &old, new));
	/* Fully ordered: the check sees the record before the store. */
}

/*
 * Would the handler store this value? Mirrors its own checks, so that a
 * write it refuses anyway is no event and leaves no trace.
 */
static bool handler_stores(struct hd_knob *k, int old, int new)
{
	if (new < 0 || new > k->max)
		return false;
	return !(k->sticky_max && old == k->max);
}

static int hook_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct hd_knob *k = container_of(p, struct hd_knob, kp);
	const struct ctl_table *table = hd_handler_table(regs);
	int *data = READ_ONCE(k->data);
	int old, new, floor, mode;
	const size_t *lenp;

	if (unlikely(!data)) {
		/* Learn the variable from the first call for our entry. */
		if (strcmp(table->procname, k->procname))
			return 0;
		cmpxchg(&k->data, NULL, table->data);
		data = table->data;
	}
	if (table->data != data)
		return 0;
	if (unlikely(READ_ONCE(k->ping)))
		WRITE_ONCE(k->ping, 0);	/* the periodic check asks: we fire */
	if (!hd_handler_write(regs))
		return 0;

	lenp = hd_handler_lenp(regs);
	if (!parse_write(hd_handler_buffer(regs), *lenp, &new))
		return 0;

	old = READ_ONCE(*data);
	if (unlikely(READ_ONCE(k->raiser) == current)) {
		if (old >= new) {
			WRITE_ONCE(k->raise_skipped, true);
			instruction_pointer_set(regs, (unsigned long)hd_skip);
			return 1;	/* raised meanwhile: never lower it */
		}
		/* Our raise: let it store. */
	} else if (!handler_stores(k, old, new)) {
		return 0;
	}
	/* The handler refuses a writer without the capability itself. */
	if (!ns_capable_noaudit(&init_user_ns, k->cap))
		return 0;
	floor = READ_ONCE(k->floor);
	if (new >= floor) {
		note_passed(k, regs, data, new);
		return 0;
	}

	mode = READ_ONCE(hd_mode);
	if (mode == HD_MODE_WARN) {
		/*
		 * At a non-zero offset the handler ignores the write while
		 * kernel.sysctl_writes_strict is at its default, and stores
		 * it when that is off; we cannot tell which from here. Warn
		 * mode reports no lowering that may not happen: a check
		 * after the write reports it if it did. Enforce refuses it
		 * either way.
		 */
		if (*hd_handler_ppos(regs)) {
			hd_poll_once();
			return 0;
		}
		note_passed(k, regs, data, new);
		hd_event_write(k, old, new, HD_ACT_WARNED);
		return 0;
	}

	hd_event_write(k, old, new, HD_ACT_REFUSED);
	instruction_pointer_set(regs, (unsigned long)hd_refuse);
	return 1;	/* resume at the new address, skip the handler */
}

/*
 * A post handler makes kprobes-on-ftrace place the probe on its
 * IPMODIFY ops, the ones allowed to change where the call resumes.
 */
static void hook_post(struct kprobe *p, struct pt_regs *regs,
		      unsigned long flags)
{
}

/**
 * hd_hook_fires() - whether a knob's probe still sees the handler's calls
 * @k: a hooked knob
 *
 * Probes can be disarmed behind our back (debugfs kprobes/enabled, ftrace
 * turned off): make the handler run once and see if the probe noticed.
 *
 * Return: true if it fired.
 */
bool hd_hook_fires(struct hd_knob *k)
{
	int val;

	WRITE_ONCE(k->ping, 1);
	hd_knob_read_file(k, &val);
	return !READ_ONCE(k->ping);
}

/* Make the handler run once, so the probe learns the knob's variable. */
static void learn_data(struct hd_knob *k)
{
	int val;

	hd_knob_read_file(k, &val);
}

static void hook_one(struct hd_knob *k)
{
	int err;

	k->kp.symbol_name = k->handler;
	k->kp.pre_handler = hook_pre;
	k->kp.post_handler = hook_post;
	err = register_kprobe(&k->kp);
	if (err) {
		pr_warn("%s: cannot probe %s (error %d), falling back to the periodic check\n",
			k->sysctl, k->handler, err);
		memset(&k->kp, 0, sizeof(k->kp));
		k->detector = HD_DETECT_POLL;
		return;
	}

	learn_data(k);
	if (!READ_ONCE(k->data)) {
		pr_warn("%s: %s never saw the knob, falling back to the periodic check\n",
			k->sysctl, k->handler);
		unregister_kprobe(&k->kp);
		memset(&k->kp, 0, sizeof(k->kp));
		k->detector = HD_DETECT_POLL;
		return;
	}
	/* Where the record starts, unless a write came through already. */
	atomic64_cmpxchg(&k->passed, 0,
			 (s64)((u64)(u32)READ_ONCE(*k->data) << 32) |
			 HD_PASSED_LANDED);
	k->hooked = true;
	k->detector = HD_DETECT_KPROBE;
	pr_info("%s watched by a kprobe on %s\n", k->sysctl, k->handler);
}

/**
 * hd_hooks_register() - arm detection on every present knob
 * @use_kprobes: false to use only the periodic check
 *
 * Never fails: a knob whose handler cannot be probed falls back to the
 * periodic check, and the log says so.
 */
void hd_hooks_register(bool use_kprobes)
{
	struct hd_knob *k;

	for (k = hd_knobs; k < hd_knobs_end; k++) {
		if (!k->file) {
			k->detector = HD_DETECT_NONE;
			continue;
		}
		if (!use_kprobes) {
			k->detector = HD_DETECT_POLL;
			pr_info("%s watched by the periodic check only (use_kprobes=0)\n",
				k->sysctl);
			continue;
		}
		hook_one(k);
	}
}

/**
 * hd_hooks_unregister() - remove every kprobe hd_hooks_register() placed
 *
 * Returns once no handler of ours is running on any CPU.
 */
void hd_hooks_unregister(void)
{
	struct hd_knob *k;

	for (k = hd_knobs; k < hd_knobs_end; k++) {
		if (!k->hooked)
			continue;
		unregister_kprobe(&k->kp);
		memset(&k->kp, 0, sizeof(k->kp));
		k->hooked = false;
		k->detector = HD_DETECT_NONE;
	}
	/*
	 * A refused writer leaves the probe handler before it runs
	 * hd_refuse(), and may be preempted in between: wait until every
	 * task has been through a voluntary switch, so none can still be
	 * on its way into our text once the module is gone.
	 */
	synchronize_rcu_tasks();
}
