// SPDX-License-Identifier: GPL-2.0-only
/*
 * hd-write: write a value into a sysctl file, the way a tool would.
 *
 *   hd-write [-n COUNT] [-c COMM] [-a VALUE] PATH VALUE
 *
 * Opens PATH afresh for each of COUNT writes (default 1). With -a, every
 * write of VALUE is followed by a write of the -a value (lower, raise,
 * lower, ...). -c renames the process first (PR_SET_NAME; "\n" in COMM
 * becomes a newline). Prints "written N refused M" and exits 0 when every
 * write of VALUE went through, else with the errno of the last refusal.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static int put(const char *path, const char *val)
{
	int fd, err = 0;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return errno;
	if (write(fd, val, strlen(val)) < 0)
		err = errno;
	close(fd);
	return err;
}

static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] == 'n') {
			*o++ = '\n';
			s++;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

int main(int argc, char **argv)
{
	long count = 1, written = 0, refused = 0, i;
	const char *alt = NULL;
	int opt, err, last = 0;

	while ((opt = getopt(argc, argv, "n:c:a:")) != -1) {
		switch (opt) {
		case 'n':
			count = atol(optarg);
			break;
		case 'c':
			unescape(optarg);
			prctl(PR_SET_NAME, optarg);
			break;
		case 'a':
			alt = optarg;
			break;
		default:
			return 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: hd-write [-n COUNT] [-c COMM] [-a VALUE] PATH VALUE\n");
		return 2;
	}
	for (i = 0; i < count; i++) {
		err = put(argv[optind], argv[optind + 1]);
		if (err) {
			refused++;
			last = err;
		} else {
			written++;
		}
		if (alt)
			put(argv[optind], alt);
	}
	printf("written %ld refused %ld\n", written, refused);
	return last;
}
