// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the next boot will do to the knobs: the sysctl.d files in
 * systemd-sysctl's order and the sysctl.* options of the kernel command
 * line, reduced to the assignment that takes effect for each knob.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "status.h"

/* Earlier directories win when two hold a file of the same name. */
static const char *const conf_dirs[] = {
	"/etc/sysctl.d",
	"/run/sysctl.d",
	"/usr/local/lib/sysctl.d",
	"/usr/lib/sysctl.d",
	"/lib/sysctl.d",	/* systems without a merged /usr */
};

#define CMDLINE		"/proc/cmdline"

struct conf {
	char name[NAME_MAX + 1];
	char path[PATH_MAX];	/* without the root prefix */
	bool masked;
};

struct conf_list {
	struct conf *v;
	size_t n, alloc;
};

/* The assignment in force for one knob so far. */
struct assign {
	bool set;
	bool valid;		/* a value the knob's handler accepts */
	int value;
	char source[PATH_MAX];
	unsigned int line;
};

struct scan {
	const struct status *st;
	struct assign exact[NKNOBS];
	struct assign glob[NKNOBS];	/* only used where exact is unset */
	struct assign cmdline[NKNOBS];
};

static bool is_conf_name(const char *name)
{
	size_t len = strlen(name);

	return name[0] != '.' && len > 5 && !strcmp(name + len - 5, ".conf");
}

static bool conf_seen(const struct conf_list *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].name, name))
			return true;
	return false;
}

static struct conf *conf_add(struct conf_list *l)
{
	struct conf *v;

	if (l->n == l->alloc) {
		l->alloc = l->alloc ? 2 * l->alloc : 32;
		v = realloc(l->v, l->alloc * sizeof(*v));
		if (!v) {
			errmsg("out of memory");
			exit(3);
		}
		l->v = v;
	}
	return &l->v[l->n++];
}

/* A symlink to /dev/null masks the name without being read. */
static bool points_to_null(int dfd, const char *name)
{
	char target[16];
	ssize_t n;

	n = readlinkat(dfd, name, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	return !strcmp(target, "/dev/null");
}

/*
 * Only regular files (and /dev/null masks) take a name, as for systemd:
 * a directory or a FIFO called x.conf is skipped, not a mask.
 */
static bool is_regular(int dfd, const char *name)
{
	struct stat sb;

	return !fstatat(dfd, name, &sb, 0) && S_ISREG(sb.st_mode);
}

static void list_dir(const char *root, const char *dir, struct conf_list *l)
{
	char path[PATH_MAX];
	struct dirent *de;
	struct conf *c;
	bool masked;
	DIR *d;

	snprintf(path, sizeof(path), "%s%s", root, dir);
	d = opendir(path);
	if (!d) {
		if (errno != ENOENT && errno != ENOTDIR)
			errmsg("%s: %s", path, strerror(errno));
		return;
	}
	while ((de = readdir(d))) {
		if (!is_conf_name(de->d_name) || conf_seen(l, de->d_name))
			continue;
		masked = points_to_null(dirfd(d), de->d_name);
		if (!masked && !is_regular(dirfd(d), de->d_name))
			continue;
		c = conf_add(l);
		snprintf(c->name, sizeof(c->name), "%s", de->d_name);
		snprintf(c->path, sizeof(c->path), "%s/%s", dir, de->d_name);
		c->masked = masked;
	}
	closedir(d);
}

static int conf_cmp(const void *a, const void *b)
{
	return strcmp(((const struct conf *)a)->name,
		      ((const struct conf *)b)->name);
}

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/*
 * Simplify a '/'-separated path in place: repeated '/' collapse, "."
 * components go, and so do leading and trailing '/'.
 */
static void simplify_path(char *path)
{
	char *in = path, *out = path;
	size_t len;

	for (;;) {
		in += strspn(in, "/");
		len = strcspn(in, "/");
		if (!len)
			break;
		if (len == 1 && *in == '.') {
			in++;
			continue;
		}
		if (out != path)
			*out++ = '/';
		memmove(out, in, len);
		out += len;
		in += len;
	}
	*out = '\0';
}

/*
 * Bring a sysctl.d key to its path under /proc/sys, as systemd-sysctl
 * does: the first separator decides; after a '.' the two swap, after a
 * '/' a '.' is the literal character (as in a VLAN name).
 */
static void normalize_key(char *key)
{
	char *p = key + strcspn(key, "./");

	if (*p == '.') {
		for (p = key; *p; p++) {
			if (*p == '/')
				*p = '.';
			else if (*p == '.')
				*p = '/';
		}
	}
	simplify_path(key);
}

/* @value NULL: an exclusion ("-key"), which assigns nothing. */
static void assign_set(struct assign *a, const struct knob *k,
		       const char *value, const char *source,
		       unsigned int line)
{
	a->set = true;
	a->valid = value && parse_sysctl_value(value, k->max, &a->value);
	snprintf(a->source, sizeof(a->source), "%s", source);
	a->line = line;
}

/* One "key = value" line of a file; later ones overwrite earlier ones. */
static void conf_line(struct scan *sc, char *text, const char *source,
		      unsigned int line)
{
	char *key, *value = NULL, *eq;
	const struct knob *k;
	bool glob;
	int i;

	key = trim(text);
	if (!*key || *key == '#' || *key == ';')
		return;
	eq = strchr(key, '=');
	if (eq) {
		*eq = '\0';
		value = trim(eq + 1);
		key = trim(key);
	} else if (*key != '-') {
		return;
	}
	/* "-key = v": ignore errors; "-key" alone: keep globs off the key. */
	if (*key == '-')
		key++;
	normalize_key(key);
	glob = strpbrk(key, "*?[");
	if (glob && !value)
		return;		/* systemd ignores an excluding glob */
	for (i = 0; i < NKNOBS; i++) {
		k = &sc->st->knobs[i];
		/* FNM_PATHNAME: a '*' stays within one /proc/sys directory. */
		if (glob && !fnmatch(key, k->proc, FNM_PATHNAME))
			assign_set(&sc->glob[i], k, value, source, line);
		else if (!glob && !strcmp(key, k->proc))
			assign_set(&sc->exact[i], k, value, source, line);
	}
}

/* All of a regular file, NUL-terminated; NULL (errno set) on failure. */
static char *read_all(int fd, size_t *len)
{
	size_t size = 4096, n = 0;
	char *buf = NULL, *p;
	ssize_t r;

	for (;;) {
		if (!buf || n + 1 >= size) {
			size = buf ? 2 * size : size;
			p = realloc(buf, size);
			if (!p) {
				free(buf);
				errno = ENOMEM;
				return NULL;
			}
			buf = p;
		}
		r = read(fd, buf + n, size - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return NULL;
		}
		if (!r)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/*
 * Feed the lines of @text to conf_line. systemd's line reader ends a
 * line at \n, \r or a NUL byte; \r\n counts as one end.
 */
static void conf_text(struct scan *sc, char *text, size_t len,
		      const char *source)
{
	char *p = text, *end = text + len, *eol, *next;
	unsigned int line = 0;

	while (p < end) {
		for (eol = p; eol < end && *eol && *eol != '\n' &&
		     *eol != '\r'; eol++)
			;
		next = eol + 1;
		if (eol + 1 < end && eol[0] == '\r' && eol[1] == '\n')
			next++;
		*eol = '\0';
		conf_line(sc, p, source, ++line);
		p = next;
	}
}

static void read_conf(struct scan *sc, const char *path)
{
	char full[PATH_MAX], *text;
	size_t len;
	int fd;

	snprintf(full, sizeof(full), "%s%s", sc->st->root, path);
	fd = open_regular(full);
	if (fd == -EINVAL)
		return;		/* replaced by a FIFO or such since listed */
	if (fd < 0) {
		if (fd != -ENOENT)
			errmsg("%s: %s", full, strerror(-fd));
		return;
	}
	text = read_all(fd, &len);
	if (!text)
		errmsg("%s: %s", full, strerror(errno));
	else
		conf_text(sc, text, len, path);
	free(text);
	close(fd);
}

/*
 * Current systemd-sysctl reads /etc/sysctl.conf only through the
 * /etc/sysctl.d/99-sysctl.conf link that distributions ship, in name
 * order like any other file; so does this.
 */
static void scan_files(struct scan *sc)
{
	const char *root = sc->st->root;
	struct conf_list l = { 0 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(conf_dirs); i++)
		list_dir(root, conf_dirs[i], &l);
	if (l.n)
		qsort(l.v, l.n, sizeof(*l.v), conf_cmp);
	for (i = 0; i < l.n; i++)
		if (!l.v[i].masked)
			read_conf(sc, l.v[i].path);
	free(l.v);
}

/*
 * Split the command line the way the kernel does: blanks separate,
 * double quotes group and are dropped; "--" ends the kernel's part.
 */
static char *next_word(char **pos)
{
	char *p = *pos, *out, *word;
	bool quoted = false;

	while (isspace((unsigned char)*p))
		p++;
	if (!*p)
		return NULL;
	word = out = p;
	for (; *p && (quoted || !isspace((unsigned char)*p)); p++) {
		if (*p == '"')
			quoted = !quoted;
		else
			*out++ = *p;
	}
	*pos = *p ? p + 1 : p;
	*out = '\0';
	return word;
}

/*
 * The kernel's rule, not systemd's: "sysctl." or "sysctl/", then every
 * '.' of the rest is a '/', and the path is looked up under /proc/sys.
 * Return: the path, or NULL when @word is no sysctl option.
 */
static char *cmdline_key(char *word)
{
	char *key = word + 7, *p;

	if (strncmp(word, "sysctl", 6) || (word[6] != '.' && word[6] != '/'))
		return NULL;
	for (p = key; *p; p++)
		if (*p == '.')
			*p = '/';
	simplify_path(key);
	return key;
}

static void scan_cmdline(struct scan *sc)
{
	char path[PATH_MAX], buf[8192], *pos = buf, *word, *eq, *key;
	const struct knob *k;
	ssize_t n;
	int i, fd;

	snprintf(path, sizeof(path), "%s%s", sc->st->root, CMDLINE);
	fd = open_regular(path);
	if (fd < 0) {
		if (fd != -ENOENT)
			errmsg("%s: %s", path, fd == -EINVAL ?
			       "not a regular file" : strerror(-fd));
		return;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';

	while ((word = next_word(&pos)) && strcmp(word, "--")) {
		eq = strchr(word, '=');
		if (!eq)
			continue;
		*eq = '\0';
		key = cmdline_key(word);
		for (i = 0; key && i < NKNOBS; i++) {
			k = &sc->st->knobs[i];
			if (!strcmp(key, k->proc))
				assign_set(&sc->cmdline[i], k, eq + 1, CMDLINE,
					   0);
		}
	}
}

/* Is @cmd an executable file in $PATH? */
static bool in_path(const char *cmd)
{
	const char *env = getenv("PATH");
	char dirs[4096], path[PATH_MAX], *dir, *save = NULL;

	snprintf(dirs, sizeof(dirs), "%s", env ? env : "/usr/bin:/bin");
	for (dir = strtok_r(dirs, ":", &save); dir;
	     dir = strtok_r(NULL, ":", &save)) {
		snprintf(path, sizeof(path), "%s/%s", dir, cmd);
		if (!access(path, X_OK))
			return true;
	}
	return false;
}

/* Run @argv, keep the first line of its output if it exits with 0. */
static bool run_first_line(char *const argv[], char *out, size_t size)
{
	int fds[2], status, null;
	ssize_t n;
	pid_t pid;

	if (pipe(fds))
		return false;
	pid = fork();
	if (pid == 0) {
		null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 2);
		dup2(fds[1], 1);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	n = pid > 0 ? read(fds[0], out, size - 1) : -1;
	close(fds[0]);
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return false;
	if (n <= 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		return false;
	out[n] = '\0';
	out[strcspn(out, "\n")] = '\0';
	return *out;
}

static void find_owner(const char *path, char *out, size_t size)
{
	char *rpm[] = { "rpm", "-qf", "--qf", "%{NAME}\\n", (char *)path,
			NULL };
	char *dpkg[] = { "dpkg", "-S", (char *)path, NULL };
	char *colon;

	out[0] = '\0';
	if (in_path("rpm") && run_first_line(rpm, out, size))
		return;
	if (!in_path("dpkg") || !run_first_line(dpkg, out, size))
		return;
	/* "package[, package...]: path" */
	colon = strstr(out, ": ");
	if (colon && !strncmp(out, "diversion", 9))
		out[0] = '\0';
	else if (colon)
		*colon = '\0';
	else
		out[0] = '\0';
}

static void add_finding(struct status *st, int knob, const struct assign *a,
			bool owners)
{
	struct knob *k = &st->knobs[knob];
	struct finding *f;

	if (!a->set || !a->valid || a->value >= k->floor ||
	    k->state == STATE_ABSENT || st->nfindings == MAX_FINDINGS)
		return;
	f = &st->findings[st->nfindings++];
	f->knob = k;
	f->value = a->value;
	f->line = a->line;
	snprintf(f->source, sizeof(f->source), "%s", a->source);
	if (owners && a->line)
		find_owner(a->source, f->package, sizeof(f->package));
}

/**
 * bootcfg_scan - list what the next boot will set below a floor
 * @st: status with the knobs' floors read; findings are appended
 * @owners: ask rpm or dpkg which package owns each file
 *
 * Per knob, the effective sysctl.d assignment (an exact key beats a glob,
 * a later assignment beats an earlier one) and the last command-line
 * option are judged against the knob's floor.
 */
void bootcfg_scan(struct status *st, bool owners)
{
	struct scan sc = { .st = st };
	int i;

	scan_files(&sc);
	scan_cmdline(&sc);
	for (i = 0; i < NKNOBS; i++) {
		add_finding(st, i, sc.exact[i].set ? &sc.exact[i] :
			    &sc.glob[i], owners);
		add_finding(st, i, &sc.cmdline[i], owners);
	}
}
