// SPDX-License-Identifier: GPL-2.0-only
/*
 * The three knobs: finding them, reading them, raising them.
 *
 * Raising goes through the sysctl's own /proc/sys file, so the write runs
 * the kernel's handler with every check it makes (range, capability, LSM
 * sysctl hooks, Yama's lock at 3). The files are opened once at load;
 * later reads and writes use the open file and never resolve a path, so
 * they work the same from any chroot or namespace.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/kernel.h>
#include <linux/path.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched/task.h>
#include <linux/workqueue.h>

#include "harden_defaults.h"

struct hd_knob hd_knobs[HD_NR_KNOBS] = {
	{
		.name = "ptrace_scope",
		.sysctl = "kernel.yama.ptrace_scope",
		.path = "/proc/sys/kernel/yama/ptrace_scope",
		.handler = "yama_dointvec_minmax",
		.procname = "ptrace_scope",
		.cap = CAP_SYS_PTRACE,
		.max = 3,
		.sticky_max = true,
		.floor = 1,
	},
	{
		.name = "kptr_restrict",
		.sysctl = "kernel.kptr_restrict",
		.path = "/proc/sys/kernel/kptr_restrict",
		/* Shared with kernel.dmesg_restrict. */
		.handler = "proc_dointvec_minmax_sysadmin",
		.procname = "kptr_restrict",
		.cap = CAP_SYS_ADMIN,
		.max = 2,
		.floor = 1,
	},
	{
		.name = "bpf_jit_harden",
		.sysctl = "net.core.bpf_jit_harden",
		.path = "/proc/sys/net/core/bpf_jit_harden",
		/* Shared with net.core.bpf_jit_kallsyms and others. */
		.handler = "proc_dointvec_minmax_bpf_restricted",
		.procname = "bpf_jit_harden",
		.cap = CAP_SYS_ADMIN,
		.root_only = true,
		.max = 2,
		.floor = 1,
	},
};

/*
 * The files are opened from the root of PID 1 and from a kernel worker,
 * so what the module finds does not depend on where modprobe runs: a
 * chroot without /proc, or another network namespace (where
 * net.core.bpf_jit_harden does not exist), would otherwise make present
 * knobs look absent.
 */
static int init_root(struct path *root)
{
	struct task_struct *init;
	int err = -ESRCH;

	rcu_read_lock();
	init = pid_task(find_pid_ns(1, &init_pid_ns), PIDTYPE_PID);
	if (init)
		get_task_struct(init);
	rcu_read_unlock();
	if (!init)
		return err;

	task_lock(init);
	if (init->fs) {
		get_fs_root(init->fs, root);
		err = 0;
	}
	task_unlock(init);
	put_task_struct(init);
	return err;
}

static int open_knob(struct hd_knob *k, const struct path *root)
{
	struct file *f;

	f = file_open_root(root, k->path + 1, O_RDWR, 0);
	if (IS_ERR(f)) {
		if (PTR_ERR(f) != -ENOENT) {
			pr_err("%s: cannot open %s: error %ld\n", k->sysctl,
			       k->path, PTR_ERR(f));
			return PTR_ERR(f);
		}
		pr_info("%s absent on this kernel, skipped\n", k->sysctl);
		return 0;
	}
	k->file = f;
	return 0;
}

struct open_work {
	struct work_struct work;
	int err;
};

static void open_all(struct work_struct *work)
{
	struct open_work *ow = container_of(work, struct open_work, work);
	struct hd_knob *k;
	struct path root;
	struct file *dir;

	ow->err = init_root(&root);
	if (ow->err) {
		pr_err("cannot find the root of PID 1: error %d\n", ow->err);
		return;
	}
	/* Without procfs there, every knob would look absent. */
	dir = file_open_root(&root, "proc/sys/kernel", O_RDONLY | O_DIRECTORY,
			     0);
	if (IS_ERR(dir)) {
		ow->err = PTR_ERR(dir);
		pr_err("cannot reach /proc/sys from the root of PID 1: error %d\n",
		       ow->err);
		goto out;
	}
	filp_close(dir, NULL);

	for (k = hd_knobs; k < hd_knobs_end && !ow->err; k++)
		ow->err = open_knob(k, &root);
out:
	path_put(&root);
}

/**
 * hd_knobs_open() - open each knob's /proc/sys file
 *
 * A knob whose file does not exist (Yama not built in, no BPF JIT) is
 * marked absent and skipped; it is not an error.
 *
 * Return: 0, or a negative errno for any other failure; then nothing is
 * left open.
 */
int hd_knobs_open(void)
{
	struct open_work ow = { .err = 0 };
	struct hd_knob *k;

	for (k = hd_knobs; k < hd_knobs_end; k++)
		hd_knob_init_events(k);

	INIT_WORK_ONSTACK(&ow.work, open_all);
	schedule_work(&ow.work);
	flush_work(&ow.work);
	destroy_work_on_stack(&ow.work);

	if (ow.err)
		hd_knobs_close();
	return ow.err;
}

/**
 * hd_knobs_close() - close the files hd_knobs_open() opened
 */
void hd_knobs_close(void)
{
	struct hd_knob *k;

	for (k = hd_knobs; k < hd_knobs_end; k++) {
		if (k->file)
			filp_close(k->file, NULL);
		k->file = NULL;
	}
}

/**
 * hd_knob_read_file() - read a knob through its sysctl file
 * @k: a present knob
 * @val: where to put the value
 *
 * Runs the kernel's handler, with the current task's credentials.
 *
 * Return: 0 or the read's error.
 */
int hd_knob_read_file(struct hd_knob *k, int *val)
{
	char buf[24] = "";
	loff_t pos = 0;
	ssize_t n;

	n = kernel_read(k->file, buf, sizeof(buf) - 1, &pos);
	if (n < 0)
		return n;
	return kstrtoint(strim(buf), 10, val);
}

/**
 * hd_knob_read() - current value of a knob
 * @k: the knob
 * @val: where to put it
 *
 * Once the hook has learnt where the variable lives, this is a plain
 * load; before that (or with no hook) it reads the sysctl file, which
 * runs the handler and so needs the reader to pass its checks.
 *
 * Return: 0, -ENOENT for an absent knob, or the read's error.
 */
int hd_knob_read(struct hd_knob *k, int *val)
{
	int *data = READ_ONCE(k->data);

	if (!k->file)
		return -ENOENT;
	if (data) {
		*val = READ_ONCE(*data);
		return 0;
	}
	return hd_knob_read_file(k, val);
}

/**
 * hd_knob_raise() - raise a knob to its floor if it is below
 * @k: the knob
 * @why: what the log line says triggered it ("at load", ...)
 *
 * Never lowers: a value at or above the floor is left as it is.
 *
 * Return: 1 if raised, 0 if left alone, or a negative errno.
 */
int hd_knob_raise(struct hd_knob *k, const char *why)
{
	int floor = READ_ONCE(k->floor);
	char buf[16];
	loff_t pos = 0;
	ssize_t n;
	int old, err, len;

	err = hd_knob_read(k, &old);
	if (err)
		return err;
	if (old >= floor)
		return 0;

	len = scnprintf(buf, sizeof(buf), "%d\n", floor);
	/*
	 * Between the read above and the store, another writer may raise
	 * the knob higher; the probe sees that this write is ours and then
	 * lets the handler skip the store instead of lowering it.
	 */
	WRITE_ONCE(k->raise_skipped, false);
	WRITE_ONCE(k->raiser, current);
	n = kernel_write(k->file, buf, len, &pos);
	WRITE_ONCE(k->raiser, NULL);
	if (n < 0) {
		pr_err("%s: raising %d -> %d %s failed: error %zd\n",
		       k->sysctl, old, floor, why, n);
		return n;
	}
	if (READ_ONCE(k->raise_skipped))
		return 0;	/* someone raised it higher meanwhile */
	lockdep_assert_held(&hd_config_lock);
	k->seen = floor;
	pr_info("%s raised %d -> %d %s\n", k->sysctl, old, floor, why);
	return 1;
}

/**
 * hd_knobs_raise_all() - raise every present knob that is below its floor
 * @why: for the log line
 */
void hd_knobs_raise_all(const char *why)
{
	struct hd_knob *k;

	for (k = hd_knobs; k < hd_knobs_end; k++)
		if (k->file)
			hd_knob_raise(k, why);
}
