/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What differs between the kernels we build for, in one place.
 *
 * The sysctl handlers we probe are all
 *	int handler(table, write, buffer, lenp, ppos)
 * where table became const in 6.11 and write was renamed dir in 7.x (still
 * an int, non-zero for a write); buffer is a NUL-terminated kernel copy
 * of what was written since 5.8. We only ever read through table, so a
 * const pointer serves every version.
 */
#ifndef HARDEN_DEFAULTS_COMPAT_H
#define HARDEN_DEFAULTS_COMPAT_H

#include <linux/ptrace.h>
#include <linux/sysctl.h>

static inline const struct ctl_table *hd_handler_table(struct pt_regs *regs)
{
	return (const struct ctl_table *)regs_get_kernel_argument(regs, 0);
}

static inline bool hd_handler_write(struct pt_regs *regs)
{
	return (int)regs_get_kernel_argument(regs, 1) != 0;
}

static inline const char *hd_handler_buffer(struct pt_regs *regs)
{
	return (const char *)regs_get_kernel_argument(regs, 2);
}

static inline const size_t *hd_handler_lenp(struct pt_regs *regs)
{
	return (const size_t *)regs_get_kernel_argument(regs, 3);
}

static inline const loff_t *hd_handler_ppos(struct pt_regs *regs)
{
	return (const loff_t *)regs_get_kernel_argument(regs, 4);
}

#endif /* HARDEN_DEFAULTS_COMPAT_H */
