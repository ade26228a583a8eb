// SPDX-License-Identifier: GPL-2.0-only
/*
 * hd_squat - test-only module for the harden_defaults VM suite
 *
 * Loaded before harden_defaults, it holds what harden_defaults needs, so
 * that module's failure paths run on a real kernel without fault
 * injection (Debian builds none in):
 *
 *	sysfs=1		holds /sys/kernel/harden_defaults
 *	ipmodify=FUNC	holds FUNC's ftrace site with an ftrace_ops that
 *			may change the instruction pointer; a kprobe there
 *			then fails to register with -EBUSY (x86_64 6.1,
 *			6.12) or registers but never fires (7.x)
 *	stall=FUNC	a kprobe on FUNC spins stall_ms milliseconds in
 *			every task named stall_comm that calls it: placed
 *			on what a sysctl handler calls, it holds a write
 *			open between harden_defaults' probe and the store
 *
 * Never installed or packaged.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ftrace.h>
#include <linux/kobject.h>
#include <linux/kprobes.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/string.h>

static bool sysfs;
module_param(sysfs, bool, 0444);
MODULE_PARM_DESC(sysfs, "hold /sys/kernel/harden_defaults");

static char *ipmodify;
module_param(ipmodify, charp, 0444);
MODULE_PARM_DESC(ipmodify, "hold this function's ftrace site");

static char *stall;
module_param(stall, charp, 0444);
MODULE_PARM_DESC(stall, "spin in this function for tasks named stall_comm");

static char *stall_comm = "hd_slow";
module_param(stall_comm, charp, 0444);
MODULE_PARM_DESC(stall_comm, "task name that stalls (default hd_slow)");

static unsigned int stall_ms = 2000;
module_param(stall_ms, uint, 0444);
MODULE_PARM_DESC(stall_ms, "how long, 1-10000 ms (default 2000)");

static struct kobject *squat_kobj;
static bool squat_ops_on;

static void squat_func(unsigned long ip, unsigned long parent_ip,
		       struct ftrace_ops *op, struct ftrace_regs *fregs)
{
}

static struct ftrace_ops squat_ops = {
	.func = squat_func,
	.flags = FTRACE_OPS_FL_SAVE_REGS | FTRACE_OPS_FL_IPMODIFY,
};

static int stall_pre(struct kprobe *p, struct pt_regs *regs)
{
	char comm[TASK_COMM_LEN];
	u64 end;

	get_task_comm(comm, current);
	if (strcmp(comm, stall_comm))
		return 0;
	/* By the clock, not mdelay(): TCG's delay calibration drifts. */
	end = ktime_get_ns() + (u64)stall_ms * NSEC_PER_MSEC;
	while (ktime_get_ns() < end)
		cpu_relax();
	return 0;
}

static struct kprobe stall_kp = {
	.pre_handler = stall_pre,
};

static bool stall_on;

static void squat_undo(void)
{
	if (stall_on)
		unregister_kprobe(&stall_kp);
	if (squat_ops_on) {
		unregister_ftrace_function(&squat_ops);
		ftrace_free_filter(&squat_ops);
	}
	kobject_put(squat_kobj);
}

static int __init squat_init(void)
{
	int err;

	if (stall_ms < 1 || stall_ms > 10000) {
		pr_err("stall_ms=%u: must be from 1 to 10000\n", stall_ms);
		return -EINVAL;
	}

	if (sysfs) {
		squat_kobj = kobject_create_and_add("harden_defaults",
						    kernel_kobj);
		if (!squat_kobj)
			return -ENOMEM;
	}
	if (ipmodify) {
		/* One function: a pattern would hold every match. */
		if (strpbrk(ipmodify, "*?[!")) {
			pr_err("ipmodify=%s: one function name, no pattern\n",
			       ipmodify);
			kobject_put(squat_kobj);
			return -EINVAL;
		}
		err = ftrace_set_filter(&squat_ops, (unsigned char *)ipmodify,
					strlen(ipmodify), 1);
		if (!err)
			err = register_ftrace_function(&squat_ops);
		if (err) {
			pr_err("cannot hold %s: error %d\n", ipmodify, err);
			ftrace_free_filter(&squat_ops);
			kobject_put(squat_kobj);
			return err;
		}
		squat_ops_on = true;
	}
	if (stall) {
		stall_kp.symbol_name = stall;
		err = register_kprobe(&stall_kp);
		if (err) {
			pr_err("cannot probe %s: error %d\n", stall, err);
			squat_undo();
			return err;
		}
		stall_on = true;
	}
	return 0;
}

static void __exit squat_exit(void)
{
	squat_undo();
}

module_init(squat_init);
module_exit(squat_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test-only: hold what harden_defaults needs, or stall its writers, to exercise hard paths");
