// SPDX-License-Identifier: GPL-2.0-only
/*
 * /sys/kernel/harden_defaults: the module's state, one value per file.
 *
 *	version, mode
 *	<knob>/{sysctl,floor,value,state,events,last_event,detector}
 *
 * Everything under bpf_jit_harden/ is readable by root only, because the
 * kernel hides net.core.bpf_jit_harden from unprivileged readers (its
 * handler checks CAP_SYS_ADMIN on reads) and we must not leak it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/kernel.h>
#include <linux/kernfs.h>
#include <linux/kobject.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "harden_defaults.h"

static struct kobject *hd_kobj;

static const char * const detector_names[] = {
	[HD_DETECT_NONE] = "none",
	[HD_DETECT_POLL] = "poll",
	[HD_DETECT_KPROBE] = "kprobe",
};

static struct hd_knob *knob_of(struct kobject *kobj)
{
	struct hd_knob *k;

	for (k = hd_knobs; k < hd_knobs_end; k++)
		if (k->kobj == kobj)
			return k;
	return NULL;
}

/*
 * The kernel answers a read of net.core.bpf_jit_harden only to
 * CAP_SYS_ADMIN; file modes alone would let a root without it through.
 */
static struct hd_knob *readable_knob(struct kobject *kobj)
{
	struct hd_knob *k = knob_of(kobj);

	if (k->root_only && !capable(CAP_SYS_ADMIN))
		return NULL;
	return k;
}

static ssize_t version_show(struct kobject *kobj, struct kobj_attribute *a,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", HD_VERSION);
}

static ssize_t mode_show(struct kobject *kobj, struct kobj_attribute *a,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n", hd_mode_names[READ_ONCE(hd_mode)]);
}

static ssize_t mode_store(struct kobject *kobj, struct kobj_attribute *a,
			  const char *buf, size_t count)
{
	int mode, err;

	/* Same capability the handlers ask of a writer of the knobs. */
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	mode = sysfs_match_string(hd_mode_names, buf);
	if (mode < 0)
		return -EINVAL;
	err = hd_set_mode(mode);
	return err ? err : count;
}

static ssize_t sysctl_show(struct kobject *kobj, struct kobj_attribute *a,
			   char *buf)
{
	struct hd_knob *k = readable_knob(kobj);

	if (!k)
		return -EPERM;
	return sysfs_emit(buf, "%s\n", k->sysctl);
}

static ssize_t floor_show(struct kobject *kobj, struct kobj_attribute *a,
			  char *buf)
{
	struct hd_knob *k = readable_knob(kobj);

	if (!k)
		return -EPERM;
	return sysfs_emit(buf, "%d\n", READ_ONCE(k->floor));
}

static ssize_t floor_store(struct kobject *kobj, struct kobj_attribute *a,
			   const char *buf, size_t count)
{
	struct hd_knob *k = knob_of(kobj);
	int floor, err;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	err = kstrtoint(buf, 10, &floor);
	if (err || floor < 0 || floor > k->max)
		return -EINVAL;
	err = hd_set_floor(k, floor);
	return err ? err : count;
}

/* The value, or "absent"; shared by value and state. */
static ssize_t show_reading(struct kobject *kobj, char *buf, bool as_state)
{
	struct hd_knob *k = readable_knob(kobj);
	int val, err;

	if (!k)
		return -EPERM;
	err = hd_knob_read(k, &val);
	if (err == -ENOENT)
		return sysfs_emit(buf, "absent\n");
	if (err)
		return err;
	if (!as_state)
		return sysfs_emit(buf, "%d\n", val);
	return sysfs_emit(buf, "%s\n",
			  val < READ_ONCE(k->floor) ? "below" : "ok");
}

static ssize_t value_show(struct kobject *kobj, struct kobj_attribute *a,
			  char *buf)
{
	return show_reading(kobj, buf, false);
}

static ssize_t state_show(struct kobject *kobj, struct kobj_attribute *a,
			  char *buf)
{
	return show_reading(kobj, buf, true);
}

static ssize_t events_show(struct kobject *kobj, struct kobj_attribute *a,
			   char *buf)
{
	struct hd_knob *k = readable_knob(kobj);

	if (!k)
		return -EPERM;
	return sysfs_emit(buf, "%lld\n", (long long)atomic64_read(&k->events));
}

static ssize_t last_event_show(struct kobject *kobj,
			       struct kobj_attribute *a, char *buf)
{
	struct hd_knob *k = readable_knob(kobj);

	if (!k)
		return -EPERM;
	return hd_event_format(k, buf, PAGE_SIZE);
}

static ssize_t detector_show(struct kobject *kobj, struct kobj_attribute *a,
			     char *buf)
{
	struct hd_knob *k = readable_knob(kobj);

	if (!k)
		return -EPERM;
	return sysfs_emit(buf, "%s\n", detector_names[READ_ONCE(k->detector)]);
}

static struct kobj_attribute version_attr = __ATTR_RO(version);
static struct kobj_attribute mode_attr = __ATTR_RW(mode);

static struct attribute *top_attrs[] = {
	&version_attr.attr,
	&mode_attr.attr,
	NULL,
};

static const struct attribute_group top_group = {
	.attrs = top_attrs,
};

static struct kobj_attribute sysctl_attr = __ATTR_RO(sysctl);
static struct kobj_attribute floor_attr = __ATTR_RW(floor);
static struct kobj_attribute value_attr = __ATTR_RO(value);
static struct kobj_attribute state_attr = __ATTR_RO(state);
static struct kobj_attribute events_attr = __ATTR_RO(events);
static struct kobj_attribute last_event_attr = __ATTR_RO(last_event);
static struct kobj_attribute detector_attr = __ATTR_RO(detector);

static struct attribute *knob_attrs[] = {
	&sysctl_attr.attr,
	&floor_attr.attr,
	&value_attr.attr,
	&state_attr.attr,
	&events_attr.attr,
	&last_event_attr.attr,
	&detector_attr.attr,
	NULL,
};

/* bpf_jit_harden/ drops every "other" and "group" permission bit. */
static umode_t knob_attr_mode(struct kobject *kobj, struct attribute *attr,
			      int n)
{
	struct hd_knob *k = knob_of(kobj);

	if (k && k->root_only)
		return attr->mode & 0700;
	return attr->mode;
}

static const struct attribute_group knob_group = {
	.attrs = knob_attrs,
	.is_visible = knob_attr_mode,
};

static void remove_knob_dirs(void)
{
	struct hd_knob *k;

	for (k = hd_knobs; k < hd_knobs_end; k++) {
		if (!k->kobj)
			continue;
		sysfs_remove_group(k->kobj, &knob_group);
		kobject_put(k->kobj);
		k->kobj = NULL;
	}
}

/**
 * hd_sysfs_init() - create /sys/kernel/harden_defaults and its files
 *
 * Return: 0 or a negative errno; nothing is left behind on failure.
 */
int hd_sysfs_init(void)
{
	struct kernfs_node *kn;
	struct hd_knob *k;
	int err;

	/* kobject_create_and_add() says only NULL; a taken name gets a line. */
	kn = kernfs_find_and_get(kernel_kobj->sd, KBUILD_MODNAME);
	if (kn) {
		kernfs_put(kn);
		pr_err("cannot create /sys/kernel/%s: it already exists\n",
		       KBUILD_MODNAME);
		return -EBUSY;
	}
	hd_kobj = kobject_create_and_add(KBUILD_MODNAME, kernel_kobj);
	if (!hd_kobj) {
		pr_err("cannot create /sys/kernel/%s\n", KBUILD_MODNAME);
		return -ENOMEM;
	}
	err = sysfs_create_group(hd_kobj, &top_group);
	if (err)
		goto err_put;

	for (k = hd_knobs; k < hd_knobs_end; k++) {
		k->kobj = kobject_create_and_add(k->name, hd_kobj);
		if (!k->kobj) {
			err = -ENOMEM;
			goto err_knobs;
		}
		err = sysfs_create_group(k->kobj, &knob_group);
		if (err) {
			kobject_put(k->kobj);
			k->kobj = NULL;
			goto err_knobs;
		}
	}
	return 0;

err_knobs:
	remove_knob_dirs();
	sysfs_remove_group(hd_kobj, &top_group);
err_put:
	kobject_put(hd_kobj);
	hd_kobj = NULL;
	pr_err("cannot fill /sys/kernel/%s: error %d\n", KBUILD_MODNAME, err);
	return err;
}

/**
 * hd_sysfs_exit() - remove what hd_sysfs_init() created
 *
 * Returns once no reader or writer of ours is running.
 */
void hd_sysfs_exit(void)
{
	remove_knob_dirs();
	sysfs_remove_group(hd_kobj, &top_group);
	kobject_put(hd_kobj);
	hd_kobj = NULL;
}
