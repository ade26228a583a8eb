// SPDX-License-Identifier: GPL-2.0-only
/*
 * What each raised knob really does to the people it restricts:
 *   ptrace_scope   a process cannot attach to a sibling, or at 2 to its
 *                  own child;
 *   kptr_restrict  /proc/kallsyms shows zeros to unprivileged readers,
 *                  and at 2 to root as well;
 *   bpf_jit_harden a constant in a BPF program no longer appears in its
 *                  JIT image (blinded) for an unprivileged loader, and
 *                  at 2 for a privileged one too.
 * Every test first shows the effect is absent at 0, so it can fail.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/bpf.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "hd_test.h"

FIXTURE(effects) {
	int unused;
};

FIXTURE_SETUP(effects)
{
	ASSERT_EQ(0, hd_reset());
}

FIXTURE_TEARDOWN(effects)
{
	hd_reset();
}

TEST_F(effects, ptrace_scope)
{
	/* At 0 both attaches work: the test can tell. */
	ASSERT_EQ(0, attach_sibling());
	ASSERT_EQ(0, attach_child());

	ASSERT_EQ(0, hd_load(NULL));
	EXPECT_EQ(EPERM, attach_sibling());
	EXPECT_EQ(0, attach_child());
	ASSERT_EQ(0, hd_unload());

	ASSERT_EQ(0, hd_load("ptrace_scope=2"));
	EXPECT_EQ(EPERM, attach_sibling());
	EXPECT_EQ(EPERM, attach_child());
}

TEST_F(effects, kptr_restrict)
{
	/* With perf_event_paranoid <= 1, kptr_restrict alone decides. */
	ASSERT_EQ(0, sysctl_set("/proc/sys/kernel/perf_event_paranoid", 1));
	ASSERT_EQ(1, run_as(NOBODY, kallsyms_shows, NULL));
	ASSERT_EQ(1, run_as(0, kallsyms_shows, NULL));

	ASSERT_EQ(0, hd_load(NULL));
	EXPECT_EQ(0, run_as(NOBODY, kallsyms_shows, NULL));
	EXPECT_EQ(1, run_as(0, kallsyms_shows, NULL));
	ASSERT_EQ(0, hd_unload());

	ASSERT_EQ(0, hd_load("kptr_restrict=2"));
	EXPECT_EQ(0, run_as(NOBODY, kallsyms_shows, NULL));
	EXPECT_EQ(0, run_as(0, kallsyms_shows, NULL));
}

/* ---- BPF JIT constant blinding ---- */

#define MAGIC	0x5a3c96e1u

static long bpf(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

/* A socket filter that returns MAGIC: "mov32 r0, MAGIC; exit". */
static int load_prog(void)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = (int)MAGIC },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (unsigned long)insns;
	attr.insn_cnt = 2;
	attr.license = (unsigned long)"GPL";
	return bpf(BPF_PROG_LOAD, &attr);
}

static int prog_info(int fd, struct bpf_prog_info *info)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = fd;
	attr.info.info_len = sizeof(*info);
	attr.info.info = (unsigned long)info;
	return bpf(BPF_OBJ_GET_INFO_BY_FD, &attr) ? -errno : 0;
}

#ifdef __aarch64__
/*
 * arm64's JIT builds a 32-bit immediate from its halves: "movz wN, #lo"
 * then "movk wN, #hi, lsl #16" (hi's top bit is clear in MAGIC). Look
 * for that pair on one register; blinding loads other halves.
 */
static int holds_magic(const unsigned char *image, unsigned int len)
{
	unsigned int i, a, b;

	for (i = 0; i + 8 <= len; i += 4) {
		memcpy(&a, image + i, 4);
		memcpy(&b, image + i + 4, 4);
		if ((a & 0x7fe00000) == 0x52800000 &&	/* movz, shift 0 */
		    (b & 0x7fe00000) == 0x72a00000 &&	/* movk, shift 16 */
		    ((a >> 5) & 0xffff) == (MAGIC & 0xffff) &&
		    ((b >> 5) & 0xffff) == MAGIC >> 16 &&
		    (a & 0x1f) == (b & 0x1f))
			return 1;
	}
	return 0;
}
#else
/* x86-64's JIT keeps the immediate whole, in the mov's last four bytes. */
static int holds_magic(const unsigned char *image, unsigned int len)
{
	unsigned int magic = MAGIC;

	return memmem(image, len, &magic, sizeof(magic)) != NULL;
}
#endif

/*
 * Whether the JIT image of program id holds MAGIC: 1 yes, 0 no, negative
 * on error. Reading the image needs root with kptr_restrict <= 1.
 */
static int image_has_magic(unsigned int id)
{
	unsigned char image[4096];
	struct bpf_prog_info info;
	union bpf_attr attr;
	int fd, err;

	memset(&attr, 0, sizeof(attr));
	attr.prog_id = id;
	fd = bpf(BPF_PROG_GET_FD_BY_ID, &attr);
	if (fd < 0)
		return -errno;
	memset(&info, 0, sizeof(info));
	err = prog_info(fd, &info);
	if (!err && (!info.jited_prog_len || info.jited_prog_len > sizeof(image)))
		err = -ERANGE;
	if (!err) {
		unsigned int len = info.jited_prog_len;

		memset(&info, 0, sizeof(info));
		info.jited_prog_len = len;
		info.jited_prog_insns = (unsigned long)image;
		err = prog_info(fd, &info);
	}
	close(fd);
	if (err)
		return err;
	return holds_magic(image, info.jited_prog_len);
}

/* Loader: load, report the id, keep the program alive until told. */
static int loader(void *arg)
{
	int *pipes = arg;
	struct bpf_prog_info info;
	unsigned int id = 0;
	char c;
	int fd;

	fd = load_prog();
	if (fd >= 0) {
		memset(&info, 0, sizeof(info));
		if (!prog_info(fd, &info))
			id = info.id;
	}
	if (write(pipes[1], &id, sizeof(id)) != sizeof(id))
		return 1;
	if (read(pipes[2], &c, 1) != 1)
		return 2;
	return id ? 0 : 3;
}

/* Load as uid, then look at the image as root: 1, 0 or negative. */
static int blinded_check(uid_t uid)
{
	int p1[2], p2[2], args[3], status, ret;
	unsigned int id = 0;
	pid_t pid;

	if (pipe(p1) || pipe(p2))
		return -errno;
	args[1] = p1[1];
	args[2] = p2[0];
	pid = fork();
	if (!pid) {
		if (uid && (setresgid(uid, uid, uid) || setresuid(uid, uid, uid)))
			_exit(125);
		_exit(loader(args));
	}
	if (read(p1[0], &id, sizeof(id)) != sizeof(id) || !id)
		ret = -ENOENT;
	else
		ret = image_has_magic(id);
	if (write(p2[1], "x", 1) != 1)
		ret = -EIO;
	waitpid(pid, &status, 0);
	close(p1[0]); close(p1[1]); close(p2[0]); close(p2[1]);
	return ret;
}

TEST_F(effects, bpf_jit_harden)
{
	/* Unprivileged loading: Debian defaults it off, allow it here. */
	ASSERT_EQ(0, sysctl_set("/proc/sys/kernel/unprivileged_bpf_disabled", 0));

	ASSERT_EQ(1, blinded_check(NOBODY));
	ASSERT_EQ(1, blinded_check(0));

	ASSERT_EQ(0, hd_load(NULL));
	EXPECT_EQ(1, sysctl_get(BPF_JIT_HARDEN));
	EXPECT_EQ(0, blinded_check(NOBODY));
	EXPECT_EQ(1, blinded_check(0));
	ASSERT_EQ(0, hd_unload());

	ASSERT_EQ(0, hd_load("bpf_jit_harden=2"));
	EXPECT_EQ(0, blinded_check(NOBODY));
	EXPECT_EQ(0, blinded_check(0));
}

TEST_HARNESS_MAIN
