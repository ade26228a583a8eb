// SPDX-License-Identifier: GPL-2.0-only
/*
 * A stand-in for systemd-sysctl in the test VM, installed under that
 * name: applies "key = value" lines from the files given (default: every
 * *.conf in /usr/lib/sysctl.d, by name) to /proc/sys, in order.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && strchr(" \t\r\n", e[-1]))
		*--e = '\0';
	return s;
}

static int apply(const char *file)
{
	char line[512], path[512], *key, *val, *eq, *p;
	int fd, ret = 0;
	FILE *f;

	f = fopen(file, "r");
	if (!f)
		return 1;
	while (fgets(line, sizeof(line), f)) {
		key = trim(line);
		if (!*key || *key == '#' || *key == ';')
			continue;
		eq = strchr(key, '=');
		if (!eq)
			continue;
		*eq = '\0';
		key = trim(key);
		val = trim(eq + 1);
		snprintf(path, sizeof(path), "/proc/sys/%s", key);
		for (p = path + 10; *p; p++)
			if (*p == '.')
				*p = '/';
		fd = open(path, O_WRONLY);
		if (fd < 0 || write(fd, val, strlen(val)) < 0) {
			fprintf(stderr, "systemd-sysctl: %s: cannot set %s\n",
				file, key);
			ret = 1;
		}
		if (fd >= 0)
			close(fd);
	}
	fclose(f);
	return ret;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int main(int argc, char **argv)
{
	const char *dir = "/usr/lib/sysctl.d";
	struct dirent **names;
	char path[512];
	int i, n, ret = 0;

	if (argc > 1) {
		for (i = 1; i < argc; i++)
			ret |= apply(argv[i]);
		return ret;
	}
	n = scandir(dir, &names, NULL, by_name);
	for (i = 0; i < n; i++) {
		if (strstr(names[i]->d_name, ".conf")) {
			snprintf(path, sizeof(path), "%s/%s", dir,
				 names[i]->d_name);
			ret |= apply(path);
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	return ret;
}
