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
#include <linux/string.h>
#include <linux/sysctl.h>

#include "harden_defaults.h"
#include "compat.h"

/*
 * Parse a sysctl write as the int handlers do: leading blanks, an
 * optional minus, a number in base 0 (so 0x10 and 010 count), then a
 * blank or the end. Anything else the handler refuses itself.
 */
static bool parse_write(const char *buf, size_t len, int *val)
{
	char tok[24];
	size_t i = 0, n = 0;

	while (i < len && isspace(buf[i]))
		i++;
	while (i < len && buf[i] && !isspace(buf[i])) {
		if (n == sizeof(tok) - 1)
			return false;
		tok[n++] = buf[i++];
	}
	tok[n] = '\0';
	if (!n || tok[0] == '+')
		return false;
	return !kstrtoint(tok, 0, val);
}

/* The handler's stand-in for a refused write; only ever jumped to. */
static noinline int hd_refuse(void)
{
	return -EPERM;
}

/*
 * Would the handler accept this write from this task? Mirrors its own
 * checks so that a write it will refuse anyway is no event.
 */
static bool handler_accepts(struct hd_knob *k, int old, int new)
{
	if (new < 0 || new > k->max)
		return false;
	if (k->sticky_max && old == k->max)
		return false;
	return ns_capable_noaudit(&init_user_ns, k->cap);
}

static int hook_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct hd_knob *k = container_of(p, struct hd_knob, kp);
	const struct ctl_table *table = hd_handler_table(regs);
	int *data = READ_ONCE(k->data);
	int old, new, floor, mode;
	const size_t *lenp;
	const loff_t *ppos;

	if (unlikely(!data)) {
		/* Learn the variable from the first call for our entry. */
		if (strcmp(table->procname, k->procname))
			return 0;
		cmpxchg(&k->data, NULL, table->data);
		data = table->data;
	}
	if (table->data != data || !hd_handler_write(regs))
		return 0;

	lenp = hd_handler_lenp(regs);
	ppos = hd_handler_ppos(regs);
	/*
	 * Not caught here: a write at a non-zero offset, which the handler
	 * ignores unless kernel.sysctl_writes_strict was turned off. The
	 * periodic check still sees its result.
	 */
	if (*ppos || !parse_write(hd_handler_buffer(regs), *lenp, &new))
		return 0;

	old = READ_ONCE(*data);
	floor = READ_ONCE(k->floor);
	if (new >= floor || !handler_accepts(k, old, new)) {
		WRITE_ONCE(k->seen, new);
		return 0;
	}

	mode = READ_ONCE(hd_mode);
	if (mode == HD_MODE_WARN) {
		WRITE_ONCE(k->seen, new);
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

/* Make the handler run once, so the probe learns the knob's variable. */
static void learn_data(struct hd_knob *k)
{
	int val;

	hd_knob_read(k, &val);
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
		if (k->detector != HD_DETECT_KPROBE)
			continue;
		unregister_kprobe(&k->kp);
		memset(&k->kp, 0, sizeof(k->kp));
		k->detector = HD_DETECT_NONE;
	}
}
