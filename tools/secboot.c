// SPDX-License-Identifier: GPL-2.0-only
/*
 * Secure Boot and the module's signature: is Secure Boot on, who signed
 * the module file, which kernel it was built for, and the taint flags the
 * kernel set because of it. Only shown; the verdict ignores all of it.
 *
 * The signer sits in a PKCS#7 blob appended to the module (after
 * "~Module signature appended~\n"), possibly inside an xz or zstd
 * stream. Rather than parse that here, the live system asks modinfo(8),
 * found at a fixed path and run with a fixed environment. With --root
 * the tool runs nothing: it reads DIR/harden_defaults.modinfo, text in
 * the form "modinfo harden_defaults" prints, when that file exists. When
 * neither gives an answer, the module file is looked for under
 * /lib/modules/RELEASE/, and an uncompressed one is read directly for its
 * vermagic and for the signature marker (the signer stays unknown).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "status.h"

#define MODNAME		"harden_defaults"
#define EFI_DIR		"/sys/firmware/efi"
#define EFIVARS_DIR	EFI_DIR "/efivars"
#define SB_VAR		EFIVARS_DIR \
			"/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c"
#define MODTAINT	"/sys/module/" MODNAME "/taint"
#define KTAINT		"/proc/sys/kernel/tainted"
#define FAKE_MODINFO	"/" MODNAME ".modinfo"
#define SIG_MARKER	"~Module signature appended~\n"
#define MODINFO_MAX	65536
#define KO_MAX		(64L << 20)

/* Bits of /proc/sys/kernel/tainted that a module like this one sets. */
#define TAINT_OOT_MODULE	12	/* O */
#define TAINT_UNSIGNED_MODULE	13	/* E */

static const char *const modinfo_paths[] = {
	"/usr/sbin/modinfo", "/sbin/modinfo", "/usr/bin/modinfo",
	"/bin/modinfo",
};

/**
 * taint_meaning - one short line on a module taint flag
 * @flag: the letter, as in /sys/module/NAME/taint
 */
const char *taint_meaning(char flag)
{
	switch (flag) {
	case 'O':
		return "built outside the kernel tree (expected for DKMS and "
		       "akmods modules)";
	case 'E':
		return "the kernel could not verify the module's signature: "
		       "Secure Boot is off or not enforcing; see README, "
		       "Secure Boot";
	case 'P':
		return "a proprietary (non-GPL) module was loaded";
	case 'F':
		return "the module was force-loaded";
	case 'C':
		return "a staging driver was loaded";
	default:
		return "see the kernel's admin-guide/tainted-kernels.rst";
	}
}

/* Make @s printable ASCII, so that every output may show it. */
static void sanitize(char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s >= 0x7f)
			*s = '?';
}

static void copy_str(char *dst, size_t size, const char *src, size_t len)
{
	if (len >= size)
		len = size - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
	sanitize(dst);
}

/* The first blank-separated word of @s into @dst. */
static void first_word(char *dst, size_t size, const char *s)
{
	copy_str(dst, size, s, strcspn(s, " \t"));
}

static void read_secure_boot(const struct status *st, struct secboot *sb)
{
	char path[PATH_MAX];
	unsigned char buf[16];
	struct dirent *de;
	ssize_t n;
	DIR *dir;
	int fd, err;

	snprintf(path, sizeof(path), "%s%s", st->root, SB_VAR);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf));
		err = errno;
		close(fd);
		if (n == 5 && buf[4] <= 1) {
			sb->enabled = buf[4];
			return;
		}
		if (n < 0)
			snprintf(sb->why, sizeof(sb->why),
				 "SecureBoot variable: %s", strerror(err));
		else
			snprintf(sb->why, sizeof(sb->why),
				 "SecureBoot variable garbled (%zd bytes)", n);
		return;
	}
	if (errno != ENOENT) {
		snprintf(sb->why, sizeof(sb->why), "SecureBoot variable: %s",
			 strerror(errno));
		return;
	}
	snprintf(path, sizeof(path), "%s%s", st->root, EFIVARS_DIR);
	dir = opendir(path);
	if (!dir) {
		snprintf(path, sizeof(path), "%s%s", st->root, EFI_DIR);
		snprintf(sb->why, sizeof(sb->why), "%s",
			 access(path, F_OK) ? "not booted through EFI"
					    : "no EFI variables in " EFIVARS_DIR);
		return;
	}
	while ((de = readdir(dir)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			break;
	closedir(dir);
	if (!de) {
		snprintf(sb->why, sizeof(sb->why),
			 "no EFI variables: efivarfs not mounted?");
		return;
	}
	/* Firmware without the variable has no Secure Boot to turn on. */
	sb->enabled = 0;
	snprintf(sb->why, sizeof(sb->why),
		 "the firmware has no SecureBoot variable");
}

static void read_running(const struct status *st, struct secboot *sb)
{
	char path[PATH_MAX], buf[128];
	struct utsname un;

	if (*st->root) {
		snprintf(path, sizeof(path),
			 "%s/proc/sys/kernel/osrelease", st->root);
		if (read_line(path, buf, sizeof(buf)))
			return;
		first_word(sb->running, sizeof(sb->running), buf);
	} else if (uname(&un) == 0) {
		first_word(sb->running, sizeof(sb->running), un.release);
	}
}

static void read_taint(const struct status *st, struct secboot *sb)
{
	char path[PATH_MAX], buf[64], *end;
	long long v;
	size_t i;

	snprintf(path, sizeof(path), "%s%s", st->root, MODTAINT);
	if (!read_line(path, buf, sizeof(buf)) &&
	    strlen(buf) < sizeof(sb->taint)) {
		for (i = 0; buf[i] >= 'A' && buf[i] <= 'Z'; i++)
			;
		if (!buf[i]) {
			strcpy(sb->taint, buf);
			sb->has_taint = true;
		}
	}
	snprintf(path, sizeof(path), "%s%s", st->root, KTAINT);
	if (read_line(path, buf, sizeof(buf)) || !*buf || *buf == '-')
		return;
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (!errno && !*end && v >= 0)
		sb->kernel_taint = v;
}

/*
 * Take the fields of "modinfo harden_defaults" output: "key:  value"
 * lines; continuation lines (the signature's hex) start with a blank.
 * Return: true when it described a module.
 */
static bool parse_modinfo(struct secboot *sb, char *text)
{
	char *line, *save = NULL, *val, *end;
	bool found = false;

	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		val = strchr(line, ':');
		if (*line == ' ' || *line == '\t' || !val)
			continue;
		*val++ = '\0';
		val += strspn(val, " \t");
		for (end = val + strlen(val); end > val && end[-1] <= ' ';)
			*--end = '\0';
		if (!strcmp(line, "filename") && !*sb->file) {
			copy_str(sb->file, sizeof(sb->file), val, strlen(val));
			found = true;
		} else if (!strcmp(line, "vermagic") && !*sb->built_for) {
			first_word(sb->built_for, sizeof(sb->built_for), val);
			found = true;
		} else if (!strcmp(line, "signer") && !*sb->signer) {
			copy_str(sb->signer, sizeof(sb->signer), val,
				 strlen(val));
			sb->is_signed = 1;
		} else if (!strcmp(line, "sig_id")) {
			/* Signed, even where modinfo cannot name the signer. */
			sb->is_signed = 1;
		}
	}
	if (found && sb->is_signed < 0)
		sb->is_signed = 0;
	return found;
}

static const char *find_modinfo(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(modinfo_paths); i++)
		if (!access(modinfo_paths[i], X_OK))
			return modinfo_paths[i];
	return NULL;
}

/* Run "modinfo harden_defaults"; its output into @out. */
static bool run_modinfo(char *out, size_t size)
{
	static char *const envp[] = {
		"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL
	};
	const char *prog = find_modinfo();
	char *argv[] = { "modinfo", MODNAME, NULL };
	char sink[4096];
	size_t len = 0;
	int p[2], status, null;
	ssize_t n;
	pid_t pid;

	if (!prog || pipe2(p, O_CLOEXEC))
		return false;
	pid = fork();
	if (pid == 0) {
		null = open("/dev/null", O_RDWR);
		if (null < 0 || dup2(null, 0) < 0 || dup2(p[1], 1) < 0 ||
		    dup2(null, 2) < 0)
			_exit(127);
		signal(SIGPIPE, SIG_DFL);
		execve(prog, argv, envp);
		_exit(127);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return false;
	}
	for (;;) {
		if (len < size - 1)
			n = read(p[0], out + len, size - 1 - len);
		else
			n = read(p[0], sink, sizeof(sink));	/* drain */
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (len < size - 1)
			len += (size_t)n;
	}
	out[len] = '\0';
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static bool read_fake_modinfo(const struct status *st, char *out,
			      size_t size)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s%s", st->root, FAKE_MODINFO);
	fd = open_regular(path);
	if (fd < 0)
		return false;
	n = read(fd, out, size - 1);
	close(fd);
	out[n > 0 ? n : 0] = '\0';
	return n > 0;
}

/* nftw has no argument for its callback: the search's result. */
static char found_path[PATH_MAX];

static int match_module(const char *path, const struct stat *sb, int flag,
			struct FTW *ftw)
{
	static const char *const names[] = {
		MODNAME ".ko", MODNAME ".ko.xz", MODNAME ".ko.zst",
	};
	size_t i;

	/* FTW_F is any non-directory: a FIFO would hang inspect_ko. */
	if (flag != FTW_F || !S_ISREG(sb->st_mode))
		return 0;
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (!strcmp(path + ftw->base, names[i])) {
			snprintf(found_path, sizeof(found_path), "%s", path);
			return 1;
		}
	}
	return 0;
}

/*
 * An uncompressed module: its vermagic from .modinfo, and whether a
 * signature is appended. The signer would need the PKCS#7 parsed.
 */
static void inspect_ko(const char *path, struct secboot *sb)
{
	static const char key[] = "vermagic=";
	const size_t mlen = sizeof(SIG_MARKER) - 1;
	const char *map, *p, *end;
	char word[256];
	struct stat sbuf;
	size_t len;
	int fd;

	fd = open_regular(path);
	if (fd < 0)
		return;
	if (fstat(fd, &sbuf) || sbuf.st_size <= (off_t)mlen ||
	    sbuf.st_size > KO_MAX) {
		close(fd);
		return;
	}
	map = mmap(NULL, (size_t)sbuf.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return;
	end = map + sbuf.st_size;
	sb->is_signed = !memcmp(end - mlen, SIG_MARKER, mlen);
	for (p = map; (p = memmem(p, (size_t)(end - p), key,
				  sizeof(key) - 1)); p++) {
		if (p > map && p[-1] != '\0')
			continue;
		p += sizeof(key) - 1;
		len = strnlen(p, (size_t)(end - p));
		if (len < sizeof(word)) {
			memcpy(word, p, len);
			word[len] = '\0';
			first_word(sb->built_for, sizeof(sb->built_for), word);
		}
		break;
	}
	munmap((void *)map, (size_t)sbuf.st_size);
}

static void search_module(const struct status *st, struct secboot *sb)
{
	char dir[PATH_MAX];
	size_t skip = strlen(st->root);

	if (!*sb->running || strchr(sb->running, '/'))
		return;
	snprintf(dir, sizeof(dir), "%s/lib/modules/%s", st->root,
		 sb->running);
	found_path[0] = '\0';
	if (nftw(dir, match_module, 16, FTW_PHYS) != 1)
		return;
	snprintf(sb->file, sizeof(sb->file), "%s", found_path + skip);
	sanitize(sb->file);
	if (strlen(found_path) > 3 &&
	    !strcmp(found_path + strlen(found_path) - 3, ".ko"))
		inspect_ko(found_path, sb);
}

/**
 * secboot_read - gather what the "secure boot" block shows
 * @st: the status; st->root as for status_read
 * @may_exec: run modinfo(8) (the live system only)
 */
void secboot_read(struct status *st, bool may_exec)
{
	struct secboot *sb = &st->sb;
	char *text;
	bool ok;

	memset(sb, 0, sizeof(*sb));
	sb->enabled = -1;
	sb->is_signed = -1;
	sb->kernel_taint = -1;
	read_secure_boot(st, sb);
	read_running(st, sb);
	read_taint(st, sb);

	text = malloc(MODINFO_MAX);
	if (!text)
		return;
	if (*st->root)
		ok = read_fake_modinfo(st, text, MODINFO_MAX);
	else
		ok = may_exec && run_modinfo(text, MODINFO_MAX);
	if (!ok || !parse_modinfo(sb, text)) {
		memset(sb->file, 0, sizeof(sb->file));
		sb->built_for[0] = '\0';
		sb->signer[0] = '\0';
		sb->is_signed = -1;
		search_module(st, sb);
	}
	free(text);
}
