// SPDX-License-Identifier: GPL-2.0-only
/*
 * harden_defaults: hold kernel.yama.ptrace_scope, kernel.kptr_restrict and
 * net.core.bpf_jit_harden at or above a floor, report every lowering and,
 * by mode, refuse it.
 *
 * This file holds the parameters, the mode and floor rules, and the order
 * in which the module starts and stops.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/string.h>

#include "harden_defaults.h"

/* Serialises changes of mode and floors, and the periodic check. */
DEFINE_MUTEX(hd_config_lock);
int hd_mode = HD_MODE_WARN;

const char * const hd_mode_names[HD_NR_MODES] = {
	[HD_MODE_WARN] = "warn",
	[HD_MODE_ENFORCE] = "enforce",
	[HD_MODE_LOCK] = "lock",
};

/*
 * Parameters are only recorded while modprobe parses them; hd_init()
 * judges them all before touching anything, so a bad one fails the load
 * with a single line of ours instead of the kernel's generic message.
 */
struct hd_param {
	const char *name;
	int min;
	int max;
	const char * const *words;	/* NULL: a number in min..max */
	int value;
	char raw[24];		/* as given, cut to fit: for the message */
	bool bad;
};

static int param_set(const char *val, const struct kernel_param *kp)
{
	struct hd_param *p = kp->arg;
	int v;

	/* The first bad value is the one reported, whatever follows. */
	if (p->bad)
		return 0;
	if (!val)
		val = "";
	/* Say so when the value shown is not the whole value. */
	if (strscpy(p->raw, val, sizeof(p->raw)) < 0)
		strscpy(p->raw + sizeof(p->raw) - 4, "...", 4);
	if (p->words)
		v = sysfs_match_string(hd_mode_names, val);
	else if (kstrtoint(val, 10, &v))
		v = p->min - 1;
	p->bad = v < p->min || v > p->max;
	if (!p->bad)
		p->value = v;
	return 0;
}

static int param_get(char *buf, const struct kernel_param *kp)
{
	const struct hd_param *p = kp->arg;

	if (p->words)
		return sysfs_emit(buf, "%s\n", p->words[p->value]);
	return sysfs_emit(buf, "%d\n", p->value);
}

static const struct kernel_param_ops hd_param_ops = {
	/* A bare "name" with no value reaches param_set() as well. */
	.flags = KERNEL_PARAM_OPS_FL_NOARG,
	.set = param_set,
	.get = param_get,
};

static struct hd_param param_ptrace_scope = {
	.name = "ptrace_scope", .min = 0, .max = 3, .value = 1,
};
module_param_cb(ptrace_scope, &hd_param_ops, &param_ptrace_scope, 0444);
MODULE_PARM_DESC(ptrace_scope, "floor for kernel.yama.ptrace_scope, 0-3 (default 1; 0 = not guarded)");

static struct hd_param param_kptr_restrict = {
	.name = "kptr_restrict", .min = 0, .max = 2, .value = 1,
};
module_param_cb(kptr_restrict, &hd_param_ops, &param_kptr_restrict, 0444);
MODULE_PARM_DESC(kptr_restrict, "floor for kernel.kptr_restrict, 0-2 (default 1; 0 = not guarded)");

/*
 * Its parameter file is root only: the floor is a lower bound of a value
 * the kernel hides from unprivileged readers.
 */
static struct hd_param param_bpf_jit_harden = {
	.name = "bpf_jit_harden", .min = 0, .max = 2, .value = 1,
};
module_param_cb(bpf_jit_harden, &hd_param_ops, &param_bpf_jit_harden, 0400);
MODULE_PARM_DESC(bpf_jit_harden, "floor for net.core.bpf_jit_harden, 0-2 (default 1; 0 = not guarded)");

static struct hd_param param_mode = {
	.name = "mode", .min = HD_MODE_WARN, .max = HD_MODE_LOCK,
	.value = HD_MODE_WARN, .words = hd_mode_names,
};
module_param_cb(mode, &hd_param_ops, &param_mode, 0444);
MODULE_PARM_DESC(mode, "warn (default), enforce (refuse lowerings) or lock (enforce until reboot)");

static struct hd_param param_poll_interval = {
	.name = "poll_interval", .min = 0, .max = 3600, .value = 5,
};
module_param_cb(poll_interval, &hd_param_ops, &param_poll_interval, 0444);
MODULE_PARM_DESC(poll_interval, "seconds between periodic checks, 0-3600 (default 5; 0 = off)");

static struct hd_param param_use_kprobes = {
	.name = "use_kprobes", .min = 0, .max = 1, .value = 1,
};
module_param_cb(use_kprobes, &hd_param_ops, &param_use_kprobes, 0444);
MODULE_PARM_DESC(use_kprobes, "hook the sysctl handlers, 0-1 (default 1; 0 = periodic check only)");

/* In hd_knobs order. */
static struct hd_param *const floor_params[HD_NR_KNOBS] = {
	&param_ptrace_scope, &param_kptr_restrict, &param_bpf_jit_harden,
};

static struct hd_param *const all_params[] = {
	&param_ptrace_scope, &param_kptr_restrict, &param_bpf_jit_harden,
	&param_mode, &param_poll_interval, &param_use_kprobes,
};

static int check_params(void)
{
	const struct hd_param *p;
	int i, err = 0;

	for (i = 0; i < ARRAY_SIZE(all_params); i++) {
		p = all_params[i];
		if (!p->bad)
			continue;
		/* Escaped: a value can hold a line break or a control code. */
		if (p->words)
			pr_err("invalid %s=%*pE: must be warn, enforce or lock\n",
			       p->name, (int)strlen(p->raw), p->raw);
		else
			pr_err("invalid %s=%*pE: must be an integer from %d to %d\n",
			       p->name, (int)strlen(p->raw), p->raw, p->min,
			       p->max);
		err = -EINVAL;
	}
	if (!err && !param_use_kprobes.value && !param_poll_interval.value) {
		pr_err("invalid poll_interval=0 with use_kprobes=0: nothing would watch the knobs\n");
		err = -EINVAL;
	}
	return err;
}

/*
 * After the mode or a floor rose, a write a probe judged under the old
 * one may still be on its way to the handler's store, and land below the
 * new floor. Such a writer is in a system call that does not sleep
 * between the probe and the store, and RCU-tasks waits until every task
 * has been back in user space or slept since; where the kernel has no
 * RCU-tasks (no preemption), synchronize_rcu_tasks() is synchronize_rcu(),
 * which waits as long for the same reason. Then raise what they left
 * below: @k alone, or every knob when @k is NULL.
 *
 * Context: hd_config_lock held; sleeps for a grace period (a quarter of
 * a second or so under emulation).
 */
static void settle(struct hd_knob *k, const char *why)
{
	synchronize_rcu_tasks();
	if (k)
		hd_knob_raise(k, why);
	else
		hd_knobs_raise_all(why);
}

/*
 * Lock mode pins the module: rmmod fails until reboot. A module already
 * on its way out cannot be pinned, and then it cannot be locked either.
 * Lock also keeps the periodic check on, in case the probes are disarmed.
 */
static int enter_lock(void)
{
	if (!try_module_get(THIS_MODULE))
		return -EBUSY;
	hd_poll_ensure("lock mode");
	pr_notice("locked: mode and floors can only be raised until reboot, unload refused\n");
	return 0;
}

/**
 * hd_set_mode() - change the mode
 * @mode: the new mode
 *
 * Leaving lock mode is refused. Entering enforce or lock raises any knob
 * that warn mode let drop, since below-floor is then impossible.
 *
 * Return: 0, -EPERM when locked, or -EINTR if killed while waiting.
 */
int hd_set_mode(int mode)
{
	int old, err = 0;

	/* A check may hold the lock for a few grace periods. */
	if (mutex_lock_killable(&hd_config_lock))
		return -EINTR;
	old = hd_mode;
	if (old == HD_MODE_LOCK && mode != HD_MODE_LOCK) {
		err = -EPERM;
		goto out;
	}
	if (old == mode)
		goto out;
	if (mode == HD_MODE_LOCK) {
		err = enter_lock();
		if (err)
			goto out;
	}

	WRITE_ONCE(hd_mode, mode);
	pr_notice("mode %s -> %s\n", hd_mode_names[old], hd_mode_names[mode]);
	if (old == HD_MODE_WARN) {
		hd_knobs_raise_all("on entering enforcement");
		settle(NULL, "on entering enforcement, after a write warn mode let through");
	}
out:
	mutex_unlock(&hd_config_lock);
	return err;
}

/**
 * hd_set_floor() - change a knob's floor
 * @k: the knob
 * @floor: the new floor, already range-checked
 *
 * A higher floor applies at once: the knob is raised to it. A lower one
 * is refused in lock mode.
 *
 * Return: 0, -EPERM when locked, -EINTR if killed while waiting, or
 * the raise's error.
 */
int hd_set_floor(struct hd_knob *k, int floor)
{
	int old, err = 0;

	if (mutex_lock_killable(&hd_config_lock))
		return -EINTR;
	old = k->floor;
	if (floor < old && hd_mode == HD_MODE_LOCK) {
		err = -EPERM;
		goto out;
	}
	WRITE_ONCE(k->floor, floor);
	if (k->file) {
		err = hd_knob_raise(k, "to the new floor");
		if (err < 0) {
			/* Not raised: the old floor stays, nothing changed. */
			WRITE_ONCE(k->floor, old);
			goto out;
		}
		err = 0;
	}
	if (floor != old)
		pr_notice("%s floor %d -> %d\n", k->sysctl, old, floor);
	if (floor > old && k->hooked)
		settle(k, "to the new floor, after a write judged against the old one");
out:
	mutex_unlock(&hd_config_lock);
	return err;
}

/* Bring a knob up to its floor at load, saying what was done. */
static void apply_floor(struct hd_knob *k)
{
	int val;

	if (!k->file)
		return;
	if (!k->floor) {
		pr_info("%s floor 0: not guarded, left as is\n", k->sysctl);
		return;
	}
	if (hd_knob_raise(k, "at load") == 0 && !hd_knob_read(k, &val))
		pr_info("%s already %d (floor %d), left as is\n",
			k->sysctl, val, k->floor);
}

static int __init hd_init(void)
{
	struct hd_knob *k;
	int i, err, val;

	err = check_params();
	if (err)
		return err;
	for (i = 0; i < HD_NR_KNOBS; i++)
		hd_knobs[i].floor = floor_params[i]->value;
	hd_mode = param_mode.value;

	err = hd_knobs_open();
	if (err)
		return err;
	/*
	 * Before the probes arrive: a write already inside a handler then
	 * may land later, and the check queued below must see a change.
	 */
	for (k = hd_knobs; k < hd_knobs_end; k++)
		if (!hd_knob_read(k, &val))
			k->seen = val;

	/* Watch first, so nothing slips between the raise and the hook. */
	hd_hooks_register(param_use_kprobes.value);
	mutex_lock(&hd_config_lock);
	for (k = hd_knobs; k < hd_knobs_end; k++)
		apply_floor(k);
	mutex_unlock(&hd_config_lock);

	err = hd_sysfs_init();
	if (err)
		goto err_hooks;
	hd_poll_start(param_poll_interval.value);
	/* The sysfs files are there: a mode write may come meanwhile. */
	mutex_lock(&hd_config_lock);
	for (k = hd_knobs; k < hd_knobs_end; k++)
		if (k->detector == HD_DETECT_POLL)
			hd_poll_ensure("a knob has no hook");
	if (param_mode.value == HD_MODE_LOCK)
		err = enter_lock();
	mutex_unlock(&hd_config_lock);
	if (err)
		goto err_sysfs;
	/*
	 * A write already inside a handler when we hooked it lands later:
	 * a check finds it, without holding up the load meanwhile.
	 */
	hd_poll_once();

	pr_info("loaded, version %s, mode %s\n", HD_VERSION,
		hd_mode_names[hd_mode]);
	return 0;

err_sysfs:
	hd_sysfs_exit();
	hd_poll_stop();
err_hooks:
	hd_hooks_unregister();
	hd_poll_once_cancel();
	hd_knobs_close();
	/*
	 * modprobe reads -EEXIST from a load as "already loaded" and exits
	 * 0. The 7.x kernels turn an init's -EEXIST into -EBUSY themselves;
	 * 6.1 and 6.12 pass it on.
	 */
	return err == -EEXIST ? -EBUSY : err;
}

static void __exit hd_exit(void)
{
	if (READ_ONCE(hd_mode) == HD_MODE_LOCK)
		pr_crit("forced out while locked: the knobs are no longer guarded\n");
	hd_sysfs_exit();
	hd_poll_stop();
	hd_hooks_unregister();
	hd_poll_once_cancel();
	hd_knobs_close();
	pr_info("unloaded; values left as they are\n");
}

module_init(hd_init);
module_exit(hd_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The harden_defaults developers");
MODULE_DESCRIPTION("Hold ptrace_scope, kptr_restrict and bpf_jit_harden at a floor and report lowerings");
MODULE_VERSION(HD_VERSION);
