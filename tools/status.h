/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * harden-status: what the tool knows about the machine, gathered once by
 * the readers (sysfs.c, bootcfg.c) and printed by the writers (output.c,
 * explain.c).
 */
#ifndef HARDEN_STATUS_H
#define HARDEN_STATUS_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

#define PROG		"harden-status"
#define NKNOBS		3
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
/* Per knob: the effective sysctl.d assignment and the command line. */
#define MAX_FINDINGS	(2 * NKNOBS)

enum mode { MODE_NONE, MODE_WARN, MODE_ENFORCE, MODE_LOCK };

enum state {
	STATE_OK,
	STATE_BELOW,
	STATE_ABSENT,
	STATE_ROOT_ONLY,	/* unreadable to this user, not judged */
	STATE_UNKNOWN,		/* missing or garbled: exit code 3 */
};

/* One parsed last_event line; -1 or "" where the module wrote "-". */
struct event {
	long long time;
	long long pid;
	long long uid;
	long long auid;
	char comm[72];		/* as the module escaped it */
	int old_value;
	int new_value;
	char action[12];
};

struct knob {
	const char *name;	/* sysfs directory name */
	const char *sysctl;
	const char *proc;	/* path under /proc/sys */
	int default_floor;
	int max;		/* highest value the kernel accepts */

	enum state state;
	bool has_value;
	int value;
	bool has_floor;		/* false: the module's floor is unreadable to us */
	int floor;		/* the module's, else the default */
	long long events;	/* -1 when not known */
	bool has_event;
	struct event last;
	char detector[16];
	char error[160];	/* why the state is unknown */
};

/* An assignment that the next boot will apply below a knob's floor. */
struct finding {
	const struct knob *knob;
	int value;
	char source[PATH_MAX];	/* file, or "/proc/cmdline" */
	unsigned int line;	/* 0 for the command line */
	char package[128];	/* owner, "" when unknown */
};

/*
 * Secure Boot and the module's signature, build and taint (secboot.c).
 * Shown for the admin; never part of the verdict. -1: not known.
 */
struct secboot {
	int enabled;		/* the firmware's SecureBoot variable */
	char why[96];		/* how enabled was judged, or why unknown */
	char file[PATH_MAX];	/* the module file, "" when not found */
	int is_signed;
	char signer[128];	/* "" when unsigned or not known */
	char built_for[128];	/* first word of the module's vermagic */
	char running[128];	/* the running kernel's release */
	bool has_taint;		/* /sys/module/harden_defaults/taint read */
	char taint[32];		/* its letters, "" when untainted */
	long long kernel_taint;	/* /proc/sys/kernel/tainted */
};

struct status {
	const char *root;	/* "" for the live system */
	bool loaded;
	bool failed;		/* module-wide file missing or garbled */
	char version[64];
	enum mode mode;
	struct knob knobs[NKNOBS];
	struct finding findings[MAX_FINDINGS];
	int nfindings;
	struct secboot sb;
};

/* sysfs.c */
void status_init(struct status *st, const char *root);
void status_read(struct status *st);
const char *mode_name(enum mode mode);
const char *state_name(enum state state);
bool parse_int(const char *s, int *val);
bool parse_sysctl_value(const char *s, int max, int *val);
int open_regular(const char *path);
int read_line(const char *path, char *buf, size_t size);

/* secboot.c */
void secboot_read(struct status *st, bool run_modinfo);
const char *taint_meaning(char flag);

/* bootcfg.c */
void bootcfg_scan(struct status *st, bool owners);

/* output.c */
int status_verdict(const struct status *st);
void print_table(FILE *f, const struct status *st);
void print_json(FILE *f, const struct status *st);
void print_prometheus(FILE *f, const struct status *st);
void print_summary(FILE *f, const struct status *st);
size_t utf8_len(const unsigned char *p);
void put_escaped(FILE *f, const char *s);

/* explain.c */
void print_explain(FILE *f, const struct status *st);

/* main.c */
void errmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
