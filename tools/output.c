// SPDX-License-Identifier: GPL-2.0-only
/*
 * The verdict and the three ways of printing a status: the table for
 * people, JSON for scripts, the Prometheus text format for fleets.
 */
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "status.h"

static const char *const verdict_names[] = {
	"OK", "WARNING", "CRITICAL", "UNKNOWN",
};

static bool enforcing(const struct status *st)
{
	return st->mode == MODE_ENFORCE || st->mode == MODE_LOCK;
}

static int count_state(const struct status *st, enum state state)
{
	int i, n = 0;

	for (i = 0; i < NKNOBS; i++)
		n += st->knobs[i].state == state;
	return n;
}

/**
 * status_verdict - the exit code, monitoring-plugins style
 * @st: the status read
 *
 * Return: 2 for a knob below its floor that the module should have
 * prevented, else 3 when something could not be read, else 1 for a knob
 * below its floor, no module, or (warn mode) a lowering boot
 * configuration, else 0.
 */
int status_verdict(const struct status *st)
{
	int below = count_state(st, STATE_BELOW);

	if (below && enforcing(st))
		return 2;
	if (st->failed || count_state(st, STATE_UNKNOWN))
		return 3;
	if (below || !st->loaded)
		return 1;
	if (st->nfindings && st->mode == MODE_WARN)
		return 1;
	return 0;
}

static void format_time(char *out, size_t size, long long t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!localtime_r(&tt, &tm) || !strftime(out, size, "%F %T", &tm))
		snprintf(out, size, "@%lld", t);
}

/* "2026-12-04 17:03:12 1->0 by sysctl[977] uid 0 auid 1000: refused" */
static void format_event(char *out, size_t size, const struct event *ev)
{
	char when[64], who[128], ids[64] = "";
	size_t len;

	format_time(when, sizeof(when), ev->time);
	if (*ev->comm && ev->pid >= 0)
		snprintf(who, sizeof(who), "%s[%lld]", ev->comm, ev->pid);
	else if (ev->pid >= 0)
		snprintf(who, sizeof(who), "pid %lld", ev->pid);
	else if (*ev->comm)
		snprintf(who, sizeof(who), "%s", ev->comm);
	else
		snprintf(who, sizeof(who), "periodic check");
	if (ev->uid >= 0)
		snprintf(ids, sizeof(ids), " uid %lld", ev->uid);
	len = strlen(ids);
	if (ev->auid >= 0)
		snprintf(ids + len, sizeof(ids) - len, " auid %lld", ev->auid);
	snprintf(out, size, "%s %d->%d by %s%s: %s", when, ev->old_value,
		 ev->new_value, who, ids, ev->action);
}

static void print_knob_row(FILE *f, const struct knob *k)
{
	char value[16] = "?", floor[16] = "?", events[24] = "-", last[320] = "-";

	if (k->has_floor)
		snprintf(floor, sizeof(floor), "%d", k->floor);
	if (k->has_value)
		snprintf(value, sizeof(value), "%d", k->value);
	else if (k->state == STATE_ABSENT)
		snprintf(value, sizeof(value), "-");
	if (k->events >= 0)
		snprintf(events, sizeof(events), "%lld", k->events);
	else if (k->state == STATE_ROOT_ONLY || k->state == STATE_UNKNOWN)
		snprintf(events, sizeof(events), "?");
	if (k->has_event)
		format_event(last, sizeof(last), &k->last);
	fprintf(f, "%-24s %5s %5s %-9s %6s %s\n", k->sysctl, value, floor,
		state_name(k->state), events, last);
}

/**
 * utf8_len - the length of the UTF-8 sequence at @p
 * @p: a NUL-terminated string
 *
 * Return: 1 to 4, or 0 when the bytes there are no valid sequence
 * (overlong forms, surrogates and code points above U+10FFFF included).
 */
size_t utf8_len(const unsigned char *p)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (p[0] < 0x80)
		return 1;
	if (p[0] < 0xc2 || p[0] > 0xf4)
		return 0;
	n = p[0] < 0xe0 ? 2 : p[0] < 0xf0 ? 3 : 4;
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	/* A NUL fails the range check: nothing past the end is read. */
	for (i = 1; i < n; i++) {
		if (p[i] < lo || p[i] > hi)
			return 0;
		lo = 0x80;
		hi = 0xbf;
	}
	return n;
}

/* U+0080..U+009F, which terminals may take as control codes. */
static bool is_c1(const unsigned char *p, size_t n)
{
	return n == 2 && p[0] == 0xc2 && p[1] < 0xa0;
}

/**
 * put_escaped - a file name or message for the terminal
 * @f: where to
 * @s: the text
 *
 * ASCII and C1 controls and bytes that are not valid UTF-8 are written
 * as \xHH, one per byte, so that nothing can drive the terminal.
 */
void put_escaped(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, i;

	while (*p) {
		n = utf8_len(p);
		if (!n || (n == 1 && (*p < 0x20 || *p == 0x7f)) ||
		    is_c1(p, n)) {
			n = n ? n : 1;
			for (i = 0; i < n; i++)
				fprintf(f, "\\x%02x", p[i]);
		} else {
			fwrite(p, 1, n, f);
		}
		p += n;
	}
}

static void print_findings(FILE *f, const struct status *st)
{
	const struct finding *fd;
	int i;

	if (!st->nfindings) {
		fprintf(f, "next boot: nothing sets a knob below its floor\n");
		return;
	}
	fprintf(f, "next boot:\n");
	for (i = 0; i < st->nfindings; i++) {
		fd = &st->findings[i];
		if (fd->line) {
			fprintf(f, "  ");
			put_escaped(f, fd->source);
			fprintf(f, ":%u", fd->line);
		} else {
			fprintf(f, "  kernel command line");
		}
		fprintf(f, " sets %s = %d (floor %d)", fd->knob->sysctl,
			fd->value, fd->knob->floor);
		if (*fd->package)
			fprintf(f, " [%s]", fd->package);
		fprintf(f, "\n");
	}
	if (enforcing(st))
		fprintf(f, "  (mode %s: the module refuses such writes)\n",
			mode_name(st->mode));
}

static void print_secboot(FILE *f, const struct status *st)
{
	const struct secboot *sb = &st->sb;
	const char *p;

	fprintf(f, "secure boot: %s", sb->enabled < 0 ? "unknown" :
		sb->enabled ? "on" : "off");
	fprintf(f, *sb->why ? " (%s)\n" : "\n", sb->why);
	if (*sb->file)
		fprintf(f, "  module file: %s\n", sb->file);
	else
		fprintf(f, "  module file: not found for kernel %s\n",
			*sb->running ? sb->running : "?");
	if (*sb->signer)
		fprintf(f, "  signer: %s\n", sb->signer);
	else if (sb->is_signed > 0)
		fprintf(f, "  signer: ? (signed; the signer could not be "
			"read)\n");
	else if (!sb->is_signed)
		fprintf(f, "  signer: none (the module is not signed)\n");
	else
		fprintf(f, "  signer: ?\n");
	if (*sb->built_for && *sb->running &&
	    strcmp(sb->built_for, sb->running))
		fprintf(f, "  built for: %s, but the running kernel is %s: "
			"rebuild the module\n", sb->built_for, sb->running);
	else if (*sb->built_for)
		fprintf(f, "  built for: %s (the running kernel)\n",
			sb->built_for);
	else
		fprintf(f, "  built for: ? (running %s)\n",
			*sb->running ? sb->running : "?");
	if (!sb->has_taint)
		fprintf(f, "  module taint: %s\n", st->loaded ? "?" :
			"- (not loaded)");
	else if (!*sb->taint)
		fprintf(f, "  module taint: none\n");
	else
		fprintf(f, "  module taint: %s\n", sb->taint);
	for (p = sb->taint; sb->has_taint && *p; p++)
		fprintf(f, "    %c: %s\n", *p, taint_meaning(*p));
	if (sb->kernel_taint < 0)
		fprintf(f, "  kernel taint: ?\n");
	else if (!(sb->kernel_taint & (3LL << 12)))
		fprintf(f, "  kernel taint: neither O nor E\n");
	else
		fprintf(f, "  kernel taint: %s%s (by this or another "
			"module)\n", sb->kernel_taint & (1LL << 12) ? "O" : "",
			sb->kernel_taint & (1LL << 13) ? "E" : "");
}

/* The kernel-wide taint letters O and E; "" for neither. */
static const char *kernel_oe(const struct secboot *sb)
{
	static const char *const oe[] = { "", "O", "E", "OE" };

	return oe[(sb->kernel_taint >> 12) & 3];
}

void print_table(FILE *f, const struct status *st)
{
	int i;

	fprintf(f, "%-24s %5s %5s %-9s %6s %s\n", "SYSCTL", "VALUE", "FLOOR",
		"STATE", "EVENTS", "LAST EVENT");
	for (i = 0; i < NKNOBS; i++)
		print_knob_row(f, &st->knobs[i]);
	fprintf(f, "\n");
	if (st->loaded) {
		fprintf(f, "mode: %s\n", st->mode ? mode_name(st->mode) : "?");
		fprintf(f, "module: harden_defaults %s\n",
			*st->version ? st->version : "?");
	} else {
		fprintf(f, "mode: -\n");
		fprintf(f, "module: not loaded (values from /proc/sys, "
			"default floors)\n");
	}
	print_secboot(f, st);
	fprintf(f, "\n");
	print_findings(f, st);
}

/*
 * A JSON string: valid UTF-8 as it is, controls (C1 included) as their
 * \u00XX escape. JSON cannot carry a byte that is not UTF-8: such a byte
 * becomes the code point of the same number, \u00XX, as the man page says.
 */
static void json_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	fputc('"', f);
	while (*p) {
		n = utf8_len(p);
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (!n || (n == 1 && (*p < 0x20 || *p == 0x7f)))
			fprintf(f, "\\u%04x", *p);
		else if (is_c1(p, n))
			fprintf(f, "\\u%04x", p[1]);
		else
			fwrite(p, 1, n, f);
		p += n ? n : 1;
	}
	fputc('"', f);
}

static void json_str_or_null(FILE *f, const char *s)
{
	if (s && *s)
		json_str(f, s);
	else
		fputs("null", f);
}

static void json_ll_or_null(FILE *f, long long v)
{
	if (v >= 0)
		fprintf(f, "%lld", v);
	else
		fputs("null", f);
}

static void json_int_or_null(FILE *f, bool known, int v)
{
	if (known)
		fprintf(f, "%d", v);
	else
		fputs("null", f);
}

static void json_tri(FILE *f, int v)
{
	fputs(v < 0 ? "null" : v ? "true" : "false", f);
}

static void json_secboot(FILE *f, const struct secboot *sb)
{
	fputs(",\n  \"secure_boot\": {\"enabled\": ", f);
	json_tri(f, sb->enabled);
	fputs(", \"module_file\": ", f);
	json_str_or_null(f, sb->file);
	fputs(", \"signed\": ", f);
	json_tri(f, sb->is_signed);
	fputs(", \"signer\": ", f);
	json_str_or_null(f, sb->signer);
	fputs(", \"built_for\": ", f);
	json_str_or_null(f, sb->built_for);
	fputs(", \"running\": ", f);
	json_str_or_null(f, sb->running);
	fputs(", \"taint\": ", f);
	if (sb->has_taint)
		json_str(f, sb->taint);
	else
		fputs("null", f);
	fputs(", \"kernel_taint\": ", f);
	if (sb->kernel_taint >= 0)
		json_str(f, kernel_oe(sb));
	else
		fputs("null", f);
	fputs("}", f);
}

static void json_event(FILE *f, const struct event *ev)
{
	fprintf(f, "{\"time\": %lld, \"pid\": ", ev->time);
	json_ll_or_null(f, ev->pid);
	fputs(", \"comm\": ", f);
	json_str_or_null(f, ev->comm);
	fputs(", \"uid\": ", f);
	json_ll_or_null(f, ev->uid);
	fputs(", \"auid\": ", f);
	json_ll_or_null(f, ev->auid);
	fprintf(f, ", \"old\": %d, \"new\": %d, \"action\": ",
		ev->old_value, ev->new_value);
	json_str(f, ev->action);
	fputs("}", f);
}

static void json_knob(FILE *f, const struct knob *k)
{
	fputs("    {\"knob\": ", f);
	json_str(f, k->name);
	fputs(", \"sysctl\": ", f);
	json_str(f, k->sysctl);
	fputs(", \"value\": ", f);
	json_int_or_null(f, k->has_value, k->value);
	fputs(", \"floor\": ", f);
	json_int_or_null(f, k->has_floor, k->floor);
	fprintf(f, ", \"state\": \"%s\", \"events\": ",
		state_name(k->state));
	json_ll_or_null(f, k->events);
	fputs(", \"detector\": ", f);
	json_str_or_null(f, k->detector);
	fputs(", \"last_event\": ", f);
	if (k->has_event)
		json_event(f, &k->last);
	else
		fputs("null", f);
	if (k->state == STATE_UNKNOWN) {
		fputs(", \"error\": ", f);
		json_str(f, k->error);
	}
	fputs("}", f);
}

static void json_finding(FILE *f, const struct finding *fd)
{
	fputs("    {\"sysctl\": ", f);
	json_str(f, fd->knob->sysctl);
	fprintf(f, ", \"value\": %d, \"floor\": %d, \"file\": ", fd->value,
		fd->knob->floor);
	json_str(f, fd->source);
	fputs(", \"line\": ", f);
	json_ll_or_null(f, fd->line ? (long long)fd->line : -1);
	fputs(", \"package\": ", f);
	json_str_or_null(f, fd->package);
	fputs("}", f);
}

void print_json(FILE *f, const struct status *st)
{
	int i;

	fprintf(f, "{\n  \"module_loaded\": %s,\n  \"version\": ",
		st->loaded ? "true" : "false");
	json_str_or_null(f, st->version);
	fputs(",\n  \"mode\": ", f);
	json_str_or_null(f, st->mode ? mode_name(st->mode) : NULL);
	json_secboot(f, &st->sb);
	fputs(",\n  \"knobs\": [\n", f);
	for (i = 0; i < NKNOBS; i++) {
		json_knob(f, &st->knobs[i]);
		fputs(i < NKNOBS - 1 ? ",\n" : "\n", f);
	}
	fputs("  ],\n  \"boot_config\": [\n", f);
	for (i = 0; i < st->nfindings; i++) {
		json_finding(f, &st->findings[i]);
		fputs(i < st->nfindings - 1 ? ",\n" : "\n", f);
	}
	i = status_verdict(st);
	fprintf(f, "  ],\n  \"status\": \"%s\",\n  \"exit_code\": %d\n}\n",
		verdict_names[i], i);
}

static void prom_head(FILE *f, const char *name, const char *type,
		      const char *help)
{
	fprintf(f, "# HELP harden_defaults_%s %s\n", name, help);
	fprintf(f, "# TYPE harden_defaults_%s %s\n", name, type);
}

static void prom_sample(FILE *f, const char *name, const struct knob *k,
			long long v)
{
	fprintf(f, "harden_defaults_%s{knob=\"%s\",sysctl=\"%s\"} %lld\n",
		name, k->name, k->sysctl, v);
}

static void prom_knobs(FILE *f, const struct status *st)
{
	const struct knob *k;
	int i;

	prom_head(f, "knob_value", "gauge",
		  "Live value of the sysctl (absent or unreadable: no sample).");
	for (k = st->knobs; k < st->knobs + NKNOBS; k++)
		if (k->has_value)
			prom_sample(f, "knob_value", k, k->value);
	prom_head(f, "knob_floor", "gauge",
		  "Lowest value the module allows (default floor without it; unreadable: no sample).");
	for (k = st->knobs; k < st->knobs + NKNOBS; k++)
		if (k->has_floor)
			prom_sample(f, "knob_floor", k, k->floor);
	prom_head(f, "knob_below", "gauge",
		  "1 if the sysctl is below its floor, 0 if not.");
	for (k = st->knobs; k < st->knobs + NKNOBS; k++)
		if (k->state == STATE_OK || k->state == STATE_BELOW)
			prom_sample(f, "knob_below", k,
				    k->state == STATE_BELOW);
	prom_head(f, "knob_state", "gauge",
		  "1 for the state the knob is in, 0 for the others.");
	for (k = st->knobs; k < st->knobs + NKNOBS; k++)
		for (i = STATE_OK; i <= STATE_UNKNOWN; i++)
			fprintf(f, "harden_defaults_knob_state{knob=\"%s\","
				"sysctl=\"%s\",state=\"%s\"} %d\n", k->name,
				k->sysctl, state_name(i), (int)k->state == i);
}

static void prom_events(FILE *f, const struct status *st)
{
	const struct knob *k;

	prom_head(f, "events_total", "counter",
		  "Lowering events seen by the module since it was loaded.");
	for (k = st->knobs; k < st->knobs + NKNOBS; k++)
		if (k->events >= 0)
			prom_sample(f, "events_total", k, k->events);
	prom_head(f, "last_event_timestamp_seconds", "gauge",
		  "Unix time of the latest lowering event.");
	for (k = st->knobs; k < st->knobs + NKNOBS; k++)
		if (k->has_event)
			prom_sample(f, "last_event_timestamp_seconds", k,
				    k->last.time);
}

static void prom_boot(FILE *f, const struct status *st)
{
	const struct knob *k;
	int i, n;

	prom_head(f, "boot_config_lowering", "gauge",
		  "Boot-time assignments (sysctl.d, command line) below the "
		  "floor.");
	for (k = st->knobs; k < st->knobs + NKNOBS; k++) {
		for (i = n = 0; i < st->nfindings; i++)
			n += st->findings[i].knob == k;
		prom_sample(f, "boot_config_lowering", k, n);
	}
}

static void prom_flags(FILE *f, const char *name, const char *letters)
{
	const char *p;

	for (p = "OE"; *p; p++)
		fprintf(f, "harden_defaults_%s{flag=\"%c\"} %d\n", name, *p,
			!!strchr(letters, *p));
	for (p = letters; *p; p++)
		if (*p != 'O' && *p != 'E' && strchr(letters, *p) == p)
			fprintf(f, "harden_defaults_%s{flag=\"%c\"} 1\n",
				name, *p);
}

static void prom_secboot(FILE *f, const struct secboot *sb)
{
	prom_head(f, "secure_boot", "gauge",
		  "1 if the firmware booted with Secure Boot on, 0 if off.");
	if (sb->enabled >= 0)
		fprintf(f, "harden_defaults_secure_boot %d\n", sb->enabled);
	prom_head(f, "module_signed", "gauge",
		  "1 if the module file carries a signature, 0 if not.");
	if (sb->is_signed >= 0)
		fprintf(f, "harden_defaults_module_signed %d\n",
			sb->is_signed);
	prom_head(f, "module_built_for_running_kernel", "gauge",
		  "1 if the module file's vermagic names the running kernel.");
	if (*sb->built_for && *sb->running)
		fprintf(f, "harden_defaults_module_built_for_running_kernel "
			"%d\n", !strcmp(sb->built_for, sb->running));
	prom_head(f, "module_tainted", "gauge",
		  "1 for each taint flag the loaded module set (O, E, ...).");
	if (sb->has_taint)
		prom_flags(f, "module_tainted", sb->taint);
	prom_head(f, "kernel_tainted", "gauge",
		  "1 if the kernel is tainted O (out-of-tree) or E (unsigned "
		  "module).");
	if (sb->kernel_taint >= 0)
		prom_flags(f, "kernel_tainted", kernel_oe(sb));
}

void print_prometheus(FILE *f, const struct status *st)
{
	prom_head(f, "module_loaded", "gauge",
		  "1 if the harden_defaults module is loaded.");
	fprintf(f, "harden_defaults_module_loaded %d\n", st->loaded);
	if (st->loaded && st->mode && *st->version) {
		prom_head(f, "mode_info", "gauge",
			  "Enforcement mode and version of the module.");
		fprintf(f, "harden_defaults_mode_info{mode=\"%s\","
			"version=\"%s\"} 1\n", mode_name(st->mode),
			st->version);
	}
	prom_knobs(f, st);
	prom_events(f, st);
	prom_boot(f, st);
	prom_secboot(f, &st->sb);
	prom_head(f, "status", "gauge",
		  "The exit code of harden-status (0 ok, 1 warning, "
		  "2 critical, 3 unknown).");
	fprintf(f, "harden_defaults_status %d\n", status_verdict(st));
}

/* Append one finding to the summary line, after " - " or ", ". */
static void __attribute__((format(printf, 3, 4)))
summary_item(FILE *f, int *items, const char *fmt, ...)
{
	va_list ap;

	fputs((*items)++ ? ", " : " - ", f);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
}

/* One line for --quiet, in the shape monitoring plugins print. */
void print_summary(FILE *f, const struct status *st)
{
	int code = status_verdict(st), items = 0, hidden = 0;
	const struct knob *k;

	fprintf(f, "HARDEN %s", verdict_names[code]);
	for (k = st->knobs; k < st->knobs + NKNOBS; k++) {
		if (k->state == STATE_BELOW)
			summary_item(f, &items, "%s %d < floor %d", k->sysctl,
				     k->value, k->floor);
		else if (k->state == STATE_UNKNOWN)
			summary_item(f, &items, "%s unreadable", k->sysctl);
		else if (k->state == STATE_ROOT_ONLY)
			hidden++;
	}
	if (st->failed)
		summary_item(f, &items, "module state unreadable");
	if (!st->loaded)
		summary_item(f, &items, "module not loaded");
	if (st->nfindings)
		summary_item(f, &items, "%d boot setting(s) below floor",
			     st->nfindings);
	if (!items)
		summary_item(f, &items, "%s at or above their floor",
			     hidden ? "the readable knobs" : "all knobs");
	/* Root-only knobs are not judged; do not let "OK" hide that. */
	for (k = st->knobs; k < st->knobs + NKNOBS; k++)
		if (k->state == STATE_ROOT_ONLY)
			summary_item(f, &items, "%s not judged (readable by "
				     "root only)", k->sysctl);
	fputc('\n', f);
}
