#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# sudo make install / sudo make uninstall, without a package manager:
#
#   packaging/install.sh install|uninstall
#
# install: copies the module source to /usr/src/harden_defaults-VERSION,
# registers it with DKMS and builds and installs it for the running kernel
# (DKMS rebuilds it for every later kernel), installs harden-status and its
# man page, /usr/lib/modules-load.d/harden_defaults.conf (load at boot,
# before systemd-sysctl) and /etc/modprobe.d/harden_defaults.conf (every
# option, commented out). It does not load the module.
# uninstall: removes all of that, and the module from every kernel DKMS
# built it for. An edited modprobe.d file is kept as
# harden_defaults.conf.save, as rpm does with a changed config file.
#
# Environment:
#   DESTDIR  stage everything under this directory (tests, packagers).
#            DKMS then keeps its tree in DESTDIR/var/lib/dkms and installs
#            into DESTDIR/lib/modules, without depmod.
#   PREFIX   of harden-status and its man page (default /usr)
#   KVER     kernel to build for (default: the running one)
#   KSRC     its build directory (default /lib/modules/KVER/build)
set -euo pipefail

NAME=harden_defaults
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
VERSION=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")

DESTDIR=${DESTDIR:-}
PREFIX=${PREFIX:-/usr}
KVER=${KVER:-$(uname -r)}
KSRC=${KSRC:-/lib/modules/$KVER/build}

src=$DESTDIR/usr/src/$NAME-$VERSION
loadconf=$DESTDIR/usr/lib/modules-load.d/$NAME.conf
probeconf=$DESTDIR/etc/modprobe.d/$NAME.conf
manifest=$DESTDIR/var/lib/$NAME/installed-files

say() { echo "install.sh: $*"; }
die() { echo "install.sh: error: $*" >&2; exit 1; }

dkms_opts=()
if [ -n "$DESTDIR" ]; then
	dkms_opts=(--dkmstree "$DESTDIR/var/lib/dkms"
		--sourcetree "$DESTDIR/usr/src"
		--installtree "$DESTDIR/lib/modules" --no-depmod)
	mkdir -p "$DESTDIR/var/lib/dkms" "$DESTDIR/lib/modules/$KVER"
fi

# dkms: run it on our module with the staging options, if any.
run_dkms() {
	local verb=$1
	shift
	dkms "$verb" "${dkms_opts[@]}" -m "$NAME" -v "$VERSION" "$@"
}

registered() {
	[ -n "$(dkms status "${dkms_opts[@]}" -m "$NAME" -v "$VERSION" \
		2>/dev/null)" ]
}

copy_source() {
	rm -rf "$src"
	install -d -m 0755 "$src/module"
	install -m 0644 "$top/Kbuild" "$top/dkms.conf" "$src/"
	install -m 0644 "$top"/module/*.c "$top"/module/*.h "$src/module/"
	say "source copied to $src"
}

dkms_install() {
	command -v dkms >/dev/null ||
		die "dkms not found; install it first (Fedora: dnf install dkms)"
	if registered; then
		say "replacing the registered $NAME/$VERSION"
		run_dkms remove --all >/dev/null
	fi
	copy_source
	run_dkms add
	if [ ! -d "$KSRC" ]; then
		say "no kernel build directory at $KSRC: registered with DKMS" \
			"but not built. Install the headers of kernel $KVER" \
			"(Fedora: dnf install kernel-devel-$KVER), then run:" \
			"dkms autoinstall"
		built=no
		return 0
	fi
	run_dkms build -k "$KVER" --kernelsourcedir "$KSRC"
	run_dkms install -k "$KVER" --kernelsourcedir "$KSRC"
	built=yes
}

# harden-status and its man page, through tools/Makefile. Staged into a
# temporary directory first, so the manifest lists exactly what it put.
tools_install() {
	local tmp stage f
	if [ ! -f "$top/tools/Makefile" ]; then
		say "tools/Makefile not found: harden-status not installed"
		return 0
	fi
	# Built in a temporary directory: sudo leaves no root-owned objects
	# in the user's source tree.
	tmp=$(mktemp -d)
	stage=$tmp/root
	make -s -C "$top/tools" OUT="$tmp/build"
	make -s -C "$top/tools" OUT="$tmp/build" install \
		DESTDIR="$stage" PREFIX="$PREFIX"
	(cd "$stage" && find . ! -type d) | sed 's|^\.||' |
	while read -r f; do
		install -D -m "$(stat -c %a "$stage$f")" "$stage$f" "$DESTDIR$f"
		echo "$f" >>"$manifest"
	done
	rm -rf "$tmp"
	say "harden-status installed under $DESTDIR$PREFIX"
}

do_install() {
	install -d -m 0755 "$(dirname "$manifest")"
	: >"$manifest"
	built=no
	dkms_install
	tools_install
	install -D -m 0644 "$here/modules-load.conf" "$loadconf"
	if [ -e "$probeconf" ] && ! cmp -s "$here/modprobe.conf" "$probeconf"
	then
		say "keeping your edited $probeconf"
	else
		install -D -m 0644 "$here/modprobe.conf" "$probeconf"
	fi
	if [ -n "$DESTDIR" ]; then
		say "done: staged under $DESTDIR (built: $built); nothing" \
			"was installed on this system"
	elif [ "$built" = yes ]; then
		say "done. The module loads at next boot; to load it now:" \
			"modprobe $NAME"
	else
		say "done, but the module is NOT built for kernel $KVER yet" \
			"(see above); nothing will load until it is"
	fi
}

do_uninstall() {
	local f
	if command -v dkms >/dev/null && registered; then
		run_dkms remove --all
	fi
	rm -rf "$src"
	if [ -f "$manifest" ]; then
		while read -r f; do
			[ -n "$f" ] && rm -f "$DESTDIR$f"
		done <"$manifest"
		rm -f "$manifest"
		rmdir "$(dirname "$manifest")" 2>/dev/null || true
	fi
	rm -f "$loadconf"
	if [ -e "$probeconf" ] && ! cmp -s "$here/modprobe.conf" "$probeconf"
	then
		mv "$probeconf" "$probeconf.save"
		say "your edited $probeconf was saved as $probeconf.save"
	else
		rm -f "$probeconf"
	fi
	say "uninstalled; a module already loaded stays loaded until" \
		"reboot or rmmod $NAME"
}

[ -n "$VERSION" ] || die "no PACKAGE_VERSION in $top/dkms.conf"
if [ -z "$DESTDIR" ] && [ "$(id -u)" != 0 ]; then
	die "run as root (sudo make ${1:-install})"
fi
case ${1:-} in
install)	do_install ;;
uninstall)	do_uninstall ;;
*)		echo "usage: $0 install|uninstall" >&2; exit 2 ;;
esac
