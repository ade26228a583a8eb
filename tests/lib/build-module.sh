#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build harden_defaults.ko for one kernel of the matrix, out of the source
# tree, with W=1. Any compiler warning fails the build.
#
#   build-module.sh LABEL OUTDIR [extra make args, e.g. C=2]
#
# HD_MODSRC=DIR builds the module whose Kbuild and sources are in DIR
# instead (the VM suite's test module), HD_KO names the .ko it gives.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/common.sh"

label=$1 out=$2 ko=${HD_KO:-harden_defaults.ko}
shift 2
# shellcheck disable=SC1090
. "$HD_CACHE/k/$label/env"

# A cross-built label names its ARCH and CROSS_COMPILE in its env.
cross=()
[ -n "${ARCH:-}" ] && cross=(ARCH="$ARCH" CROSS_COMPILE="$CROSS_COMPILE")

rm -rf "$out"
mkdir -p "$out"
if [ -n "${HD_MODSRC:-}" ]; then
	cp -r "$HD_MODSRC"/. "$out/"
else
	cp -r "$top/Kbuild" "$top/module" "$out/"
fi

log=$out/build.log
if [ -n "$CHROOT" ]; then
	# The tree must be visible inside the build root; /proc is needed by
	# objtool.
	inner=/build/hd-$$
	# One build at a time in the shared build root, whatever checkout
	# it comes from: the /proc mount below is the root's, not ours.
	exec 9>"$CHROOT/.hd-build.lock"
	flock 9
	mkdir -p "$CHROOT$inner" "$CHROOT/proc"
	cp -r "$out"/. "$CHROOT$inner/"
	mountpoint -q "$CHROOT/proc" || mount -t proc proc "$CHROOT/proc"
	set +e
	chroot "$CHROOT" make -C "$KDIR" M="$inner" W=1 "$@" modules \
		>"$log" 2>&1
	rc=$?
	set -e
	cp "$CHROOT$inner/$ko" "$out/" 2>/dev/null || true
	rm -rf "${CHROOT:?}$inner"
	umount "$CHROOT/proc"
	exec 9>&-
else
	set +e
	make -C "$KDIR" M="$out" "${cross[@]}" W=1 "$@" modules >"$log" 2>&1
	rc=$?
	set -e
fi
if [ "$rc" != 0 ] || [ ! -e "$out/$ko" ]; then
	cat "$log" >&2
	echo "build for $label failed" >&2
	exit 1
fi
if grep -E 'warning:|error:' "$log" >&2; then
	echo "build for $label has warnings" >&2
	exit 1
fi
