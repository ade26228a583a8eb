// SPDX-License-Identifier: GPL-2.0-only
/*
 * harden-status: is this machine hardened, who weakened it, and what
 * will weaken it at the next boot.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"

#ifndef VERSION
#define VERSION "0.1.0"
#endif

enum format { FMT_TABLE, FMT_JSON, FMT_PROMETHEUS, FMT_QUIET, FMT_EXPLAIN };

/* Usage errors cannot tell the state either: monitoring's UNKNOWN. */
#define EXIT_USAGE	3

/* Messages carry file names: escaped like them in the table. */
void errmsg(const char *fmt, ...)
{
	char msg[2 * PATH_MAX];
	va_list ap;

	fflush(stdout);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, PROG ": ");
	put_escaped(stderr, msg);
	fputc('\n', stderr);
}

/* Return: 0, or 3 with a message when stdout could not be written. */
static int flush_stdout(void)
{
	if (fflush(stdout) || ferror(stdout)) {
		errmsg("write error");
		return 3;
	}
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG " [options]\n"
		"\n"
		"Show the hardening sysctls guarded by harden_defaults, the\n"
		"module's state, and boot settings that would lower them.\n"
		"\n"
		"Options:\n"
		"  -j, --json        print JSON\n"
		"  -p, --prometheus  print the node_exporter textfile format\n"
		"  -q, --quiet       print one summary line only\n"
		"  -e, --explain     what each knob's level blocks, and the\n"
		"                    safe way around it\n"
		"  -r, --root DIR    read DIR/sys, DIR/proc, DIR/etc, ...\n"
		"  -h, --help        show this help\n"
		"  -V, --version     show the version\n"
		"\n"
		"Exit: 0 hardened, 1 warning, 2 critical, 3 unknown.\n"
		"See " PROG "(8).\n");
}

static int set_format(enum format *fmt, enum format want)
{
	if (*fmt != FMT_TABLE && *fmt != want) {
		errmsg("--json, --prometheus, --quiet and --explain "
		       "exclude each other");
		return -1;
	}
	*fmt = want;
	return 0;
}

/* Strip trailing slashes so that paths join as DIR/sys/... */
static char *clean_root(char *dir)
{
	size_t len = strlen(dir);

	while (len > 0 && dir[len - 1] == '/')
		dir[--len] = '\0';
	return dir;
}

static int parse_args(int argc, char **argv, enum format *fmt, char **root)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "prometheus", no_argument, NULL, 'p' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "explain", no_argument, NULL, 'e' },
		{ "root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static const enum format fmts[] = {
		['j'] = FMT_JSON, ['p'] = FMT_PROMETHEUS,
		['q'] = FMT_QUIET, ['e'] = FMT_EXPLAIN,
	};
	int c;

	while ((c = getopt_long(argc, argv, "jpqer:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
		case 'p':
		case 'q':
		case 'e':
			if (set_format(fmt, fmts[c]))
				return EXIT_USAGE;
			break;
		case 'r':
			*root = clean_root(optarg);
			break;
		case 'h':
			usage(stdout);
			exit(flush_stdout());
		case 'V':
			printf(PROG " " VERSION "\n");
			exit(flush_stdout());
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		errmsg("unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	return 0;
}

int main(int argc, char **argv)
{
	enum format fmt = FMT_TABLE;
	static struct status st;
	char *root = NULL;
	int err;

	err = parse_args(argc, argv, &fmt, &root);
	if (err)
		return err;

	status_init(&st, root ? root : "");
	status_read(&st);
	/* Package owners only make sense for the live system's files. */
	bootcfg_scan(&st, !root && fmt != FMT_PROMETHEUS && fmt != FMT_QUIET);
	/* Shown only; modinfo is run on the live system alone. */
	if (fmt != FMT_QUIET && fmt != FMT_EXPLAIN)
		secboot_read(&st, !root);

	switch (fmt) {
	case FMT_JSON:
		print_json(stdout, &st);
		break;
	case FMT_PROMETHEUS:
		print_prometheus(stdout, &st);
		break;
	case FMT_QUIET:
		print_summary(stdout, &st);
		break;
	case FMT_EXPLAIN:
		print_explain(stdout, &st);
		break;
	default:
		print_table(stdout, &st);
	}
	if (flush_stdout())
		return 3;
	return status_verdict(&st);
}
