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

#define SYSCTL_CONF	"/etc/sysctl.conf"
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
	bool valid;		/* the value is a number */
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
static bool points_to_null(const char *path)
{
	char target[16];
	ssize_t n;

	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	return !strcmp(target, "/dev/null");
}

static void list_dir(const char *root, const char *dir, struct conf_list *l)
{
	char path[PATH_MAX];
	struct dirent *de;
	struct conf *c;
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
		c = conf_add(l);
		snprintf(c->name, sizeof(c->name), "%s", de->d_name);
		snprintf(c->path, sizeof(c->path), "%s/%s", dir, de->d_name);
		snprintf(path, sizeof(path), "%s%s", root, c->path);
		c->masked = points_to_null(path);
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
 * Keys may be written with '/' as the separator; then '.' is the literal
 * character (as in a VLAN name). Bring them to the dotted form.
 */
static void normalize_key(char *key)
{
	char *p = key + strcspn(key, "./");

	if (*p != '/')
		return;
	for (p = key; *p; p++) {
		if (*p == '/')
			*p = '.';
		else if (*p == '.')
			*p = '/';
	}
}

static void assign_set(struct assign *a, const char *value,
		       const char *source, unsigned int line)
{
	a->set = true;
	a->valid = parse_int(value, &a->value);
	snprintf(a->source, sizeof(a->source), "%s", source);
	a->line = line;
}

/* One "key = value" line of a file; later ones overwrite earlier ones. */
static void conf_line(struct scan *sc, char *text, const char *source,
		      unsigned int line)
{
	char *key, *value, *eq;
	bool glob;
	int i;

	key = trim(text);
	if (!*key || *key == '#' || *key == ';')
		return;
	eq = strchr(key, '=');
	if (!eq)
		return;
	*eq = '\0';
	value = trim(eq + 1);
	key = trim(key);
	if (*key == '-')
		key++;
	normalize_key(key);
	glob = strpbrk(key, "*?[");
	for (i = 0; i < NKNOBS; i++) {
		const char *name = sc->st->knobs[i].sysctl;

		if (glob && !fnmatch(key, name, 0))
			assign_set(&sc->glob[i], value, source, line);
		else if (!glob && !strcmp(key, name))
			assign_set(&sc->exact[i], value, source, line);
	}
}

static void read_conf(struct scan *sc, const char *path)
{
	char full[PATH_MAX], *text = NULL;
	unsigned int line = 0;
	size_t size = 0;
	FILE *f;

	snprintf(full, sizeof(full), "%s%s", sc->st->root, path);
	f = fopen(full, "re");
	if (!f) {
		if (errno != ENOENT)
			errmsg("%s: %s", full, strerror(errno));
		return;
	}
	while (getline(&text, &size, f) >= 0)
		conf_line(sc, text, path, ++line);
	free(text);
	fclose(f);
}

static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return !stat(a, &sa) && !stat(b, &sb) && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

static void scan_files(struct scan *sc)
{
	const char *root = sc->st->root;
	struct conf_list l = { 0 };
	char path[PATH_MAX], main_conf[PATH_MAX];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(conf_dirs); i++)
		list_dir(root, conf_dirs[i], &l);
	if (l.n)
		qsort(l.v, l.n, sizeof(*l.v), conf_cmp);

	/* Distributions link 99-sysctl.conf to it; it is read once, last. */
	snprintf(main_conf, sizeof(main_conf), "%s%s", root, SYSCTL_CONF);
	for (i = 0; i < l.n; i++) {
		snprintf(path, sizeof(path), "%s%s", root, l.v[i].path);
		if (!l.v[i].masked && !same_file(path, main_conf))
			read_conf(sc, l.v[i].path);
	}
	read_conf(sc, SYSCTL_CONF);
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

static void scan_cmdline(struct scan *sc)
{
	char path[PATH_MAX], buf[8192], *pos = buf, *word, *eq;
	size_t n;
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "%s%s", sc->st->root, CMDLINE);
	f = fopen(path, "re");
	if (!f) {
		if (errno != ENOENT)
			errmsg("%s: %s", path, strerror(errno));
		return;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';

	while ((word = next_word(&pos)) && strcmp(word, "--")) {
		eq = strchr(word, '=');
		if (strncmp(word, "sysctl.", 7) || !eq)
			continue;
		*eq = '\0';
		normalize_key(word + 7);
		for (i = 0; i < NKNOBS; i++)
			if (!strcmp(word + 7, sc->st->knobs[i].sysctl))
				assign_set(&sc->cmdline[i], eq + 1, CMDLINE, 0);
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
