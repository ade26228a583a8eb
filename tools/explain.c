// SPDX-License-Identifier: GPL-2.0-only
/*
 * --explain: for each knob, what its current level stops and how to get
 * the work done without lowering it for everyone.
 */
#include <string.h>

#include "status.h"

struct level {
	const char *blocks;
	const char *around;
};

static const struct level ptrace_levels[] = {
	{ "nothing: a process may attach to any other process of its own "
	  "uid.",
	  "no need." },
	{ "attaching to a process that is not a descendant: gdb -p PID, "
	  "strace -p PID, py-spy dump --pid, perf trace -p, and MPI runtimes "
	  "reading their siblings with process_vm_readv get EPERM.",
	  "start the program under the tool (gdb ./prog, strace ./prog); let "
	  "the program name its debugger with prctl(PR_SET_PTRACER, pid); "
	  "give one debugger binary CAP_SYS_PTRACE (setcap "
	  "cap_sys_ptrace+ep), knowing everyone who runs it gains it; or "
	  "lower the knob for the session and back, which the module logs "
	  "(and refuses in enforce or lock mode)." },
	{ "every attach by a process without CAP_SYS_PTRACE, descendants "
	  "and PR_SET_PTRACER included: only root debugs.",
	  "debug as root or with CAP_SYS_PTRACE on the debugger binary." },
	{ "every attach, root included; the level cannot be lowered again "
	  "until reboot.",
	  "none until reboot; use a level of 1 or 2 where debugging is "
	  "needed." },
};

static const struct level kptr_levels[] = {
	{ "nothing: kernel addresses are shown to every user.",
	  "no need." },
	{ "kernel addresses for users without CAP_SYSLOG: /proc/kallsyms "
	  "reads as zeros and perf run as a user loses kernel symbols.",
	  "profile the kernel as root, or give perf CAP_SYSLOG and "
	  "CAP_PERFMON." },
	{ "kernel addresses for everyone, root included: perf report shows "
	  "no kernel symbols at all.",
	  "lower to 1 for the profiling session and back; the module logs "
	  "the lowering (and refuses it in enforce or lock mode)." },
};

static const struct level bpf_levels[] = {
	{ "nothing: JIT output is not blinded.",
	  "no need." },
	{ "JIT constant blinding for unprivileged programs; as a side "
	  "effect BPF programs vanish from /proc/kallsyms and perf stacks, "
	  "whatever net.core.bpf_jit_kallsyms says.",
	  "to profile BPF programs, lower to 0 for the session and back; "
	  "the module logs it (and refuses it in enforce or lock mode)." },
	{ "as at 1, and every program is blinded, root's included: program "
	  "loads are slower and JITed code somewhat larger.",
	  "use 1 where load time of many programs matters." },
};

/* Print "  label: text", folded at 78 columns with a hanging indent. */
static void wrap(FILE *f, const char *label, const char *text)
{
	int col, len;

	col = fprintf(f, "  %s:", label);
	while (*text) {
		len = strcspn(text, " ");
		if (col + 1 + len > 78)
			col = fprintf(f, "\n   ") - 1;
		col += fprintf(f, " %.*s", len, text);
		text += len;
		text += strspn(text, " ");
	}
	fprintf(f, "\n");
}

static void explain_knob(FILE *f, const struct knob *k)
{
	const struct level *levels = bpf_levels;
	int n = ARRAY_SIZE(bpf_levels), level;

	if (!strcmp(k->name, "ptrace_scope")) {
		levels = ptrace_levels;
		n = ARRAY_SIZE(ptrace_levels);
	} else if (!strcmp(k->name, "kptr_restrict")) {
		levels = kptr_levels;
		n = ARRAY_SIZE(kptr_levels);
	}

	if (k->state == STATE_ABSENT) {
		fprintf(f, "%s: absent on this kernel\n", k->sysctl);
		return;
	}
	if (k->has_value && k->value >= 0 && k->value < n) {
		level = k->value;
		fprintf(f, "%s = %d (floor %d)\n", k->sysctl, level, k->floor);
	} else {
		/* The floor comes from a file: never index outside. */
		level = k->floor < 0 ? 0 : k->floor < n ? k->floor : n - 1;
		fprintf(f, "%s: value %s, shown at level %d\n", k->sysctl,
			state_name(k->state), level);
	}
	wrap(f, "blocks", levels[level].blocks);
	wrap(f, "instead", levels[level].around);
}

void print_explain(FILE *f, const struct status *st)
{
	int i;

	for (i = 0; i < NKNOBS; i++) {
		if (i)
			fprintf(f, "\n");
		explain_knob(f, &st->knobs[i]);
	}
}
