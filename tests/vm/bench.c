// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the module and the knobs cost, measured in one VM run and printed
 * as Markdown tables. Every speed figure is a ratio of two measurements
 * taken in this run, module loaded against not loaded or one
 * bpf_jit_harden level against 0: absolute times under TCG mean little.
 * Nothing here judges a timing; the host only checks the tables exist.
 *
 *   bench [-n OPS] [-r ROUNDS] [-q]
 *
 *   -n  operations per figure and round (default 100000)
 *   -r  rounds, alternating module loaded / not loaded (default 11)
 *   -q  quick: a few test_bpf tests, no full suite, no stall probe
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hd_test.h"

#define TEST_BPF_KO	"/lib/hd/test_bpf.ko"
#define MAX_ROUNDS	64
#define MAX_TESTS	2048
#define BIG_INSNS	4000	/* instructions in the larger program */
#define BIG_LOADS	15	/* loads of it per level */
#define STALL_WAIT	45	/* seconds the stall probe waits */
#define BATCHES		20	/* per figure and round */

static long ops = 100000;
static int rounds = 11;
static int quick;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The p-th percentile (0-100) of n values, nearest rank; sorts v. */
static double pct(double *v, int n, int p)
{
	int i;

	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	i = (p * n + 99) / 100 - 1;
	return v[i < 0 ? 0 : i];
}

/* ---- 1. the module's own cost ---- */

struct op {
	const char *label;
	const char *path;
	int write;
	char val[16];		/* what a write writes: the current value */
	double ns[2][MAX_ROUNDS];	/* [loaded][round] per operation */
};

#define OP(l, p, w)	{ .label = l, .path = p, .write = w }
static struct op op_list[] = {
	OP("write kernel.kptr_restrict (guarded)", KPTR_RESTRICT, 1),
	OP("write kernel.dmesg_restrict (shares its handler)",
	   "/proc/sys/kernel/dmesg_restrict", 1),
	OP("write vm.swappiness (unguarded)", "/proc/sys/vm/swappiness", 1),
	OP("read kernel.kptr_restrict (guarded)", KPTR_RESTRICT, 0),
	OP("read kernel.dmesg_restrict (shares its handler)",
	   "/proc/sys/kernel/dmesg_restrict", 0),
	OP("read vm.swappiness (unguarded)", "/proc/sys/vm/swappiness", 0),
};
#define NR_OPS (int)(sizeof(op_list) / sizeof(op_list[0]))

/* One batch of n pwrite or pread calls at offset 0 on fd; ns per call. */
static double batch_op(const struct op *o, int fd, long n)
{
	size_t len = strlen(o->val);
	char buf[32];
	double t0;
	long i;

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		ssize_t r = o->write ? pwrite(fd, o->val, len, 0) :
				       pread(fd, buf, sizeof(buf), 0);
		if (r <= 0)
			return -1;
	}
	return (now_ns() - t0) / n;
}

/*
 * Every operation's ns per call in this state (module loaded or not):
 * BATCHES batches each, the operations' batches interleaved so that all
 * six figures share one stretch of time, and each figure its fastest
 * batch. Other VMs share these CPUs and can only ever add time, often
 * for seconds on end (a median still moved by 2x on a busy host): the
 * fastest batch is the one they disturbed least.
 */
static int time_ops(int loaded, int round)
{
	double batch[NR_OPS][BATCHES];
	long per = (ops + BATCHES - 1) / BATCHES;
	int fd[NR_OPS], b, j, err = 0;

	for (j = 0; j < NR_OPS; j++)
		fd[j] = open(op_list[j].path,
			     op_list[j].write ? O_WRONLY : O_RDONLY);
	for (b = 0; b < BATCHES && !err; b++)
		for (j = 0; j < NR_OPS && !err; j++) {
			batch[j][b] = fd[j] < 0 ? -1 :
				      batch_op(&op_list[j], fd[j], per);
			if (batch[j][b] < 0) {
				printf("# %s failed: %s\n", op_list[j].label,
				       strerror(errno));
				err = -1;
			}
		}
	for (j = 0; j < NR_OPS; j++) {
		if (fd[j] >= 0)
			close(fd[j]);
		if (!err)
			op_list[j].ns[loaded][round] =
				pct(batch[j], BATCHES, 0);
	}
	return err;
}

/* The lines of the kprobes list, or NULL when debugfs does not show it. */
static char *kprobes_list(void)
{
	static char buf[3][8192];	/* before, loaded, after */
	static int which;
	char *b = buf[which++ % 3];

	if (read_str(KPROBES_LIST, b, sizeof(buf[0])))
		return NULL;
	return b;
}

/* Print every line of after that is not in before; return how many. */
static int kprobes_added(const char *before, const char *after)
{
	const char *p = after, *end;
	char line[256];
	int n = 0;

	while (*p) {
		end = strchrnul(p, '\n');
		snprintf(line, sizeof(line), "%.*s", (int)(end - p), p);
		if (*line && !strstr(before, line)) {
			/* Without the address, which changes every boot. */
			printf("    added: %s\n", line + strcspn(line, " "));
			n++;
		}
		p = *end ? end + 1 : end;
	}
	return n;
}

/* Size of the module as /proc/modules (lsmod) gives it, or -1. */
static long module_size(void)
{
	char name[64];
	long size;
	int ret = -1;
	FILE *f;

	f = fopen("/proc/modules", "r");
	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld%*[^\n]", name, &size) == 2)
		if (!strcmp(name, "harden_defaults")) {
			ret = size;
			break;
		}
	fclose(f);
	return ret;
}

static int kprobe_knobs(void)
{
	const char *knobs[] = { "ptrace_scope", "kptr_restrict",
				"bpf_jit_harden" };
	char buf[32];
	int i, n = 0;

	for (i = 0; i < 3; i++)
		if (!sysfs_get(knobs[i], "detector", buf, sizeof(buf)) &&
		    !strcmp(buf, "kprobe"))
			n++;
	return n;
}

static void ratio_row(const char *label, double *r, double *c, int n,
		      double base)
{
	double med;

	if (n < 1)
		return;
	med = pct(r, n, 50);
	printf("| %s | %.0f | %.2f | %.2f-%.2f | %.2f |\n", label, base, med,
	       r[0], r[n - 1], pct(c, n, 50));
}

static int bench_module(void)
{
	double load_ms[MAX_ROUNDS], unload_ms[MAX_ROUNDS], r[MAX_ROUNDS];
	double base[MAX_ROUNDS], c[MAX_ROUNDS];
	char *before = NULL, *loaded_list = NULL, *after = NULL;
	int i, j, state, err, added = -1, probes = 0;
	long size = -1;
	double t;

	if (hd_reset() || sysctl_set(KPTR_RESTRICT, 1))
		return -1;
	for (j = 0; j < NR_OPS; j++)
		if (read_str(op_list[j].path, op_list[j].val,
			     sizeof(op_list[j].val)))
			return -1;
	before = kprobes_list();

	for (i = 0; i < rounds; i++) {
		/* Alternate which state goes first, against drift. */
		for (state = 0; state < 2; state++) {
			int loaded = (i + state) % 2;

			if (loaded) {
				t = now_ns();
				err = hd_load(NULL);
				load_ms[i] = (now_ns() - t) / 1e6;
				if (err) {
					printf("# module load failed: %d\n", err);
					return -1;
				}
				if (i == 0) {
					size = module_size();
					probes = kprobe_knobs();
					loaded_list = before ? kprobes_list() : NULL;
				}
			}
			if (time_ops(loaded, i))
				return -1;
			if (loaded) {
				t = now_ns();
				err = hd_unload();
				unload_ms[i] = (now_ns() - t) / 1e6;
				if (err)
					return -1;
				if (i == 0 && before)
					after = kprobes_list();
			}
		}
	}

	printf("\n### Module overhead (loaded : not loaded)\n\n");
	printf("%ld operations per figure and round (pwrite or pread at "
	       "offset 0 on one open file; the fastest of %d interleaved "
	       "batches), %d rounds alternating loaded and not loaded; "
	       "default parameters (mode=warn).\n\n", ops, BATCHES, rounds);
	printf("| operation | ns/op not loaded (median) | ratio median | "
	       "ratio min-max | ratio against the unguarded control |\n"
	       "|---|---|---|---|---|\n");
	for (j = 0; j < NR_OPS; j++) {
		/* The control: vm.swappiness, same direction. */
		struct op *ctl = &op_list[op_list[j].write ? 2 : 5];

		for (i = 0; i < rounds; i++) {
			r[i] = op_list[j].ns[1][i] / op_list[j].ns[0][i];
			c[i] = r[i] / (ctl->ns[1][i] / ctl->ns[0][i]);
			base[i] = op_list[j].ns[0][i];
		}
		ratio_row(op_list[j].label, r, c, rounds,
			  pct(base, rounds, 50));
	}
	printf("\nThe last column divides each round's ratio by the "
	       "unguarded sysctl's ratio in that round (same direction, "
	       "measured interleaved with it), which cancels a host that "
	       "was slower in one state than in the other.\n");

	printf("\n| module | value |\n|---|---|\n");
	printf("| size (/proc/modules) | %ld bytes |\n", size);
	t = pct(load_ms, rounds, 50);
	printf("| load time (finit_module), median (min-max) | %.1f ms "
	       "(%.1f-%.1f) |\n", t, load_ms[0], load_ms[rounds - 1]);
	t = pct(unload_ms, rounds, 50);
	printf("| unload time (delete_module), median (min-max) | %.1f ms "
	       "(%.1f-%.1f) |\n", t, unload_ms[0], unload_ms[rounds - 1]);
	printf("| knobs watched by a kprobe | %d |\n", probes);
	if (before && loaded_list && after) {
		printf("\nkprobes list, lines added by loading:\n\n");
		added = kprobes_added(before, loaded_list);
		printf("\n| kprobes | value |\n|---|---|\n");
		printf("| added by load | %d |\n", added);
		printf("| only the module's (added = knobs on kprobe) | %s |\n",
		       added == probes ? "yes" : "NO");
		printf("| list back as before after unload | %s |\n",
		       strcmp(before, after) ? "NO" : "yes");
	} else {
		printf("\n| kprobes | value |\n|---|---|\n");
		printf("| list | not readable (%s) |\n", KPROBES_LIST);
	}
	return 0;
}

/* ---- 2. bpf_jit_harden with the kernel's test_bpf ---- */

struct tb_test {
	int seen, jited, pass;
	double ns;		/* sum of the sub-tests' run times */
	char name[96];
};

struct tb_run {
	struct tb_test t[MAX_TESTS];
	int passed, failed, jited, finished, last;
	double secs;
};

static struct tb_run tb[3];
static struct tb_run probe;

/* Fold one kernel log message into the run; pr_cont may split a line. */
static void tb_parse(struct tb_run *run, const char *msg)
{
	struct tb_test *t;
	const char *p;
	char *end;
	long id;

	if (!strncmp(msg, "test_bpf: ", 10))
		msg += 10;	/* its pr_fmt */
	if (msg[0] == '#') {
		id = strtol(msg + 1, &end, 10);
		if (end == msg + 1 || *end != ' ' || id < 0 || id >= MAX_TESTS)
			return;
		run->last = id;
		t = &run->t[id];
		memset(t, 0, sizeof(*t));
		t->seen = 1;
		p = strstr(end + 1, " jited:");
		snprintf(t->name, sizeof(t->name), "%.*s",
			 p ? (int)(p - end - 1) : (int)strcspn(end + 1, "\n"),
			 end + 1);
		if (!p) {
			/*
			 * Either a program the kernel must refuse ("name
			 * PASS"), or a line printk closed before its test
			 * went on: unknown until a PASS or FAIL arrives.
			 */
			p = end + 1 + strlen(end + 1);
			if (p - end > 5 && !strcmp(p - 4, "PASS"))
				t->pass = 1;
			else if (strstr(end + 1, " FAIL"))
				t->pass = -1;
			return;
		}
		msg = p;
	} else if (run->last < 0 || !strncmp(msg, "test_bpf", 8) ||
		   !strncmp(msg, "Summary", 7)) {
		return;
	}
	t = &run->t[run->last];
	p = strstr(msg, "jited:");
	if (p) {
		t->jited = atoi(p + 6);
		msg = p + 7;
	}
	/* Run times in ns, one per sub-test, up to PASS or FAIL. */
	for (p = msg; *p && !t->pass; ) {
		double v = strtod(p, &end);

		if (end != p && (*end == ' ' || !*end)) {
			t->ns += v;
			p = end;
		} else if (!strncmp(p, "PASS", 4)) {
			t->pass = 1;
		} else if (!strncmp(p, "FAIL", 4) ||
			   !strncmp(p, "UNEXPECTED", 10) ||
			   !strncmp(p, "ret ", 4)) {
			t->pass = -1;
			break;
		} else {
			p++;
		}
	}
}

static void tb_drain(struct tb_run *run, int fd)
{
	char rec[8192], *msg;
	ssize_t n;

	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;
		if (n <= 0)
			return;
		rec[n] = '\0';
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		msg[strcspn(msg, "\n")] = '\0';
		tb_parse(run, msg);
	}
}

/*
 * Load test_bpf.ko with params while reading its log as it goes (the
 * full suite would overrun the log buffer otherwise). Gives up waiting
 * after wait_s seconds: the insmod then stays stuck in the kernel, so a
 * caller does that only last. Returns 0 when it finished.
 */
static int run_test_bpf(struct tb_run *run, const char *params, int wait_s)
{
	struct pollfd pfd;
	double t0;
	pid_t pid;
	int i, status;

	memset(run, 0, sizeof(*run));
	run->last = -1;
	pfd.fd = kmsg_mark();
	pfd.events = POLLIN;
	if (pfd.fd < 0)
		return -1;
	t0 = now_ns();
	pid = fork();
	if (!pid) {
		int ko = open(TEST_BPF_KO, O_RDONLY);

		if (ko < 0 || syscall(SYS_finit_module, ko, params, 0))
			_exit(errno & 0x7f);
		_exit(0);
	}
	for (;;) {
		poll(&pfd, 1, 200);
		tb_drain(run, pfd.fd);
		if (waitpid(pid, &status, WNOHANG) == pid) {
			usleep(100000);
			tb_drain(run, pfd.fd);
			run->finished = 1;
			break;
		}
		if (now_ns() - t0 > wait_s * 1e9)
			break;
	}
	run->secs = (now_ns() - t0) / 1e9;
	close(pfd.fd);
	syscall(SYS_delete_module, "test_bpf", O_NONBLOCK);
	for (i = 0; i < MAX_TESTS; i++) {
		if (!run->t[i].seen)
			continue;
		run->passed += run->t[i].pass > 0;
		run->failed += run->t[i].pass < 0;
		run->jited += run->t[i].jited;
	}
	return run->finished ? 0 : -1;
}

/* Index of the first test named like the family that stalls at 2. */
static int first_magnitude_test(const struct tb_run *run)
{
	int i;

	for (i = 0; i < MAX_TESTS; i++)
		if (run->t[i].seen &&
		    strstr(run->t[i].name, "all immediate value magnitudes"))
			return i;
	return -1;
}

/* Ratio of level to 0 over the tests both ran JIT-compiled and passed. */
static void tb_ratio(int level, int lo, int hi)
{
	static double r[MAX_TESTS];
	const struct tb_test *a, *b;
	int i, n = 0;

	for (i = lo; i <= hi && i < MAX_TESTS; i++) {
		a = &tb[0].t[i];
		b = &tb[level].t[i];
		if (a->pass > 0 && b->pass > 0 && a->jited && b->jited &&
		    a->ns > 0 && b->ns > 0)
			r[n++] = b->ns / a->ns;
	}
	if (!n) {
		printf("| %d:0 | #%d-#%d | 0 | - | - |\n", level, lo, hi);
		return;
	}
	printf("| %d:0 | #%d-#%d | %d | %.2f | %.2f |\n", level, lo, hi, n,
	       pct(r, n, 50), pct(r, n, 90));
}

/* Passes at 0 that fail at level, listed: blinding must break none. */
static void tb_broken(int level, int lo, int hi)
{
	int i, n = 0;

	for (i = lo; i <= hi && i < MAX_TESTS; i++)
		if (tb[0].t[i].pass > 0 && tb[level].t[i].seen &&
		    tb[level].t[i].pass <= 0) {
			printf("    broken at %d: #%d %s\n", level, i,
			       tb[0].t[i].name);
			n++;
		}
	printf("| passes at 0, not at %d (#%d-#%d) | %d |\n", level, lo, hi, n);
}

static int set_harden(int level)
{
	return sysctl_set(BPF_JIT_HARDEN, level);
}

static int bench_test_bpf(int *stall_id)
{
	char params[64];
	int lvl, s, hi, last = 0, i;

	*stall_id = -1;
	if (access(TEST_BPF_KO, R_OK)) {
		printf("\n### bpf_jit_harden and test_bpf\n\n"
		       "test_bpf.ko is not in this kernel's modules.\n");
		return 0;
	}
	if (hd_reset())
		return -1;

	/* Levels 0 and 1: the whole suite (quick: ten tests). */
	for (lvl = 0; lvl < 2; lvl++) {
		if (set_harden(lvl))
			return -1;
		snprintf(params, sizeof(params), "%s",
			 quick ? "test_range=0,9" : "test_suite=test_bpf");
		if (run_test_bpf(&tb[lvl], params, 900))
			printf("# test_bpf at %d did not finish\n", lvl);
	}
	for (i = 0; i < MAX_TESTS; i++)
		if (tb[0].t[i].seen)
			last = i;

	/* Level 2: up to the family that stalls (quick: the same ten). */
	s = first_magnitude_test(&tb[0]);
	hi = quick || s <= 0 ? last : s - 1;
	if (set_harden(2))
		return -1;
	snprintf(params, sizeof(params), "test_range=0,%d", hi);
	if (run_test_bpf(&tb[2], params, 900))
		printf("# test_bpf at 2 did not finish\n");
	set_harden(0);
	if (!quick && s > 0)
		*stall_id = s;

	printf("\n### bpf_jit_harden: the kernel's test_bpf, privileged "
	       "loader (root)\n\n");
	printf("| level | tests run | passed | failed | JIT-compiled | "
	       "wall time |\n|---|---|---|---|---|---|\n");
	for (lvl = 0; lvl < 3; lvl++)
		printf("| %d | #0-#%d | %d | %d | %d | %.0f s |\n", lvl,
		       lvl == 2 ? hi : last, tb[lvl].passed, tb[lvl].failed,
		       tb[lvl].jited, tb[lvl].secs);
	printf("\n| check | count |\n|---|---|\n");
	tb_broken(1, 0, last);
	tb_broken(2, 0, hi);
	printf("\nPer-test run time (test_bpf's ns per run, summed over "
	       "sub-tests), ratio to level 0, over the tests that passed "
	       "JIT-compiled at both levels:\n\n");
	printf("| ratio | tests | compared | median | 90th percentile |\n"
	       "|---|---|---|---|---|\n");
	tb_ratio(1, 0, last);
	tb_ratio(2, 0, hi);
	if (!quick && s > 0)
		printf("\nAt 2 the tests from #%d (\"%s\", the first of the "
		       "\"all ... magnitudes\" families) on are not run here: "
		       "see the stall probe.\n", s, tb[0].t[s].name);
	printf("\ntest_bpf does not report JIT image sizes; the larger "
	       "program below gives one.\n");
	return 0;
}

/* ---- 3. load time of one larger program ---- */

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

/*
 * A straight-line socket filter of BIG_INSNS instructions, most of them
 * ALU operations with a 32-bit constant: the kind blinding rewrites.
 */
static struct bpf_insn *big_prog(void)
{
	static const __u8 ops_k[] = { BPF_ADD, BPF_XOR, BPF_OR, BPF_AND,
				      BPF_SUB };
	struct bpf_insn *in;
	int i;

	in = calloc(BIG_INSNS, sizeof(*in));
	if (!in)
		return NULL;
	in[0].code = BPF_ALU64 | BPF_MOV | BPF_K;
	for (i = 1; i < BIG_INSNS - 1; i++) {
		in[i].code = BPF_ALU64 | ops_k[i % 5] | BPF_K;
		in[i].imm = (int)(0x9e3779b1u * (unsigned int)i);
	}
	in[i].code = BPF_JMP | BPF_EXIT;
	return in;
}

/* Load it once: ns taken, and the JIT image's and xlated sizes. */
static double load_big(const struct bpf_insn *in, __u32 *jited, __u32 *xl)
{
	struct bpf_prog_info info;
	union bpf_attr attr;
	double t;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (unsigned long)in;
	attr.insn_cnt = BIG_INSNS;
	attr.license = (unsigned long)"GPL";
	t = now_ns();
	fd = sys_bpf(BPF_PROG_LOAD, &attr);
	t = now_ns() - t;
	if (fd < 0)
		return -errno;
	memset(&info, 0, sizeof(info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = fd;
	attr.info.info_len = sizeof(info);
	attr.info.info = (unsigned long)&info;
	if (!sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr)) {
		*jited = info.jited_prog_len;
		*xl = info.xlated_prog_len;
	}
	close(fd);
	return t;
}

static int bench_big_prog(void)
{
	double ms[3][BIG_LOADS], med[3];
	__u32 jited[3] = { 0 }, xl[3] = { 0 };
	struct bpf_insn *in = big_prog();
	int lvl, i, n = quick ? 3 : BIG_LOADS;

	if (!in || hd_reset())
		return -1;
	for (i = 0; i < n; i++) {
		for (lvl = 0; lvl < 3; lvl++) {
			double t;

			set_harden(lvl);
			t = load_big(in, &jited[lvl], &xl[lvl]);
			if (t < 0) {
				printf("# BPF_PROG_LOAD at %d: %s\n", lvl,
				       strerror((int)-t));
				free(in);
				return -1;
			}
			ms[lvl][i] = t / 1e6;
		}
	}
	set_harden(0);
	free(in);

	printf("\n### Load (verify + JIT) of a %d-instruction program, "
	       "root loader, %d loads per level, interleaved\n\n",
	       BIG_INSNS, n);
	printf("| level | load ms median (min-max) | load ratio to 0 | "
	       "JIT image bytes | image ratio to 0 | xlated bytes |\n"
	       "|---|---|---|---|---|---|\n");
	for (lvl = 0; lvl < 3; lvl++)
		med[lvl] = pct(ms[lvl], n, 50);
	for (lvl = 0; lvl < 3; lvl++)
		printf("| %d | %.2f (%.2f-%.2f) | %.2f | %u | %.2f | %u |\n",
		       lvl, med[lvl], ms[lvl][0], ms[lvl][n - 1],
		       med[lvl] / med[0], jited[lvl],
		       jited[0] ? (double)jited[lvl] / jited[0] : 0, xl[lvl]);
	return 0;
}

/* ---- 4. what each level blocks ---- */

static const char *attach_word(int err)
{
	static char buf[32];

	if (!err)
		return "allowed";
	snprintf(buf, sizeof(buf), "blocked (%s)",
		 err == EPERM ? "EPERM" : strerror(err));
	return buf;
}

static const char *kallsyms_word(int r)
{
	return r == 1 ? "addresses" : r == 0 ? "zeros" : "error";
}

static int bench_effects(void)
{
	char params[64];
	int lvl;

	if (hd_reset())
		return -1;
	/* With perf_event_paranoid <= 1, kptr_restrict alone decides. */
	sysctl_set("/proc/sys/kernel/perf_event_paranoid", 1);
	printf("\n### What each level blocks (observed in this run; "
	       "levels set by loading the module with that floor)\n\n");
	printf("| level | ptrace: nobody attaches to a sibling | "
	       "ptrace: nobody attaches to its child | "
	       "kallsyms read by nobody | kallsyms read by root |\n"
	       "|---|---|---|---|---|\n");
	for (lvl = 0; lvl < 3; lvl++) {
		if (lvl) {
			snprintf(params, sizeof(params),
				 "ptrace_scope=%d kptr_restrict=%d", lvl, lvl);
			if (hd_load(params))
				return -1;
		}
		printf("| %d | %s", lvl, attach_word(attach_sibling()));
		printf(" | %s", attach_word(attach_child()));
		printf(" | %s", kallsyms_word(run_as(NOBODY, kallsyms_shows,
						      NULL)));
		printf(" | %s |\n", kallsyms_word(run_as(0, kallsyms_shows,
							 NULL)));
		if (hd_reset())
			return -1;
	}
	printf("\n(ptrace_scope 3, no attach at all, is one-way until "
	       "reboot and not exercised.)\n");
	return 0;
}

/* ---- 5. the stall at 2, last: it leaves a stuck insmod behind ---- */

static void bench_stall(int id)
{
	char params[64];
	int i, stuck = 0;

	/* A stuck test must not panic the VM before the table is out. */
	sysctl_set("/proc/sys/kernel/softlockup_panic", 0);
	sysctl_set("/proc/sys/kernel/hung_task_panic", 0);
	snprintf(params, sizeof(params), "test_range=%d,%d", id, id + 9);
	printf("\n### Stall probe: test_bpf #%d-#%d at bpf_jit_harden 2, "
	       "%d s allowed\n\n", id, id + 9, STALL_WAIT);
	set_harden(2);
	run_test_bpf(&probe, params, STALL_WAIT);
	printf("| test | ns per run at 0 | at 2 |\n|---|---|---|\n");
	for (i = id; i <= id + 9 && i < MAX_TESTS; i++) {
		const struct tb_test *a = &tb[0].t[i], *b = &probe.t[i];

		if (!a->seen)
			break;
		printf("| #%d %s | %.0f | ", i, a->name, a->ns);
		if (b->pass > 0)
			printf("%.0f (ratio %.2f) |\n", b->ns,
			       a->ns > 0 ? b->ns / a->ns : 0);
		else if (b->pass < 0)
			printf("FAIL |\n");
		else if (!probe.finished && !stuck++)
			/* Its log line is only complete once it ends. */
			printf("did not finish within %.0f s |\n", probe.secs);
		else
			printf("not reached |\n");
	}
}

int main(int argc, char **argv)
{
	int c, stall_id = -1, rc = 0;
	struct utsname u;

	while ((c = getopt(argc, argv, "n:r:q")) != -1) {
		switch (c) {
		case 'n': ops = atol(optarg); break;
		case 'r': rounds = atoi(optarg); break;
		case 'q': quick = 1; break;
		default:
			fprintf(stderr, "usage: bench [-n OPS] [-r ROUNDS] [-q]\n");
			return 2;
		}
	}
	if (ops < 1 || rounds < 1 || rounds > MAX_ROUNDS) {
		fprintf(stderr, "bench: bad -n or -r\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	uname(&u);
	printf("HD-BENCH-BEGIN\n");
	printf("## Kernel %s%s\n", u.release, quick ? " (quick run)" : "");
	if (bench_module()) {
		printf("# module overhead: failed\n");
		rc = 1;
	}
	if (bench_test_bpf(&stall_id)) {
		printf("# test_bpf: failed\n");
		rc = 1;
	}
	if (bench_big_prog()) {
		printf("# larger program: failed\n");
		rc = 1;
	}
	if (bench_effects()) {
		printf("# effects: failed\n");
		rc = 1;
	}
	if (stall_id >= 0)
		bench_stall(stall_id);
	printf("HD-BENCH-END\n");
	return rc;
}
