#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Packaging: DKMS against Debian's 6.1 headers (add, build, install,
# remove) and 7.x headers (build, in the trixie build root), rpmbuild of
# the SRPMs and of the dkms, kmod-common and harden-status packages, and a
# `make install` / `make uninstall` round trip into a staging directory.
#
#   tests/stages/30-packaging.sh KERNEL...   (uses 6.1 and 7 when given)
#
# Nothing here touches the host's /var/lib/dkms, /etc/dkms or
# /lib/modules: DKMS runs with its trees in a temporary directory, inside
# a private mount namespace where /var/lib/dkms is an empty tmpfs and
# /etc/dkms a private copy whose framework.conf sends DKMS's signing key
# to the temporary directory too. Nothing is loaded.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/../lib/common.sh"

NAME=harden_defaults
VERSION=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
OPTIONS="ptrace_scope kptr_restrict bpf_jit_harden mode poll_interval
use_kprobes"
out=${HD_BUILD:-$top/build}/packaging
rm -rf "$out"
mkdir -p "$out"
log=$out/log
fail=0

ok() { echo "ok - packaging: $*"; }
notok() { echo "not ok - packaging: $*"; fail=1; }
# run CMD... with its output in the log; on failure show the tail
logged() {
	local from
	echo "+ $*" >>"$log"
	from=$(wc -l <"$log")
	if "$@" >>"$log" 2>&1; then return 0; fi
	tail -n +"$((from + 1))" "$log" | tail -n 25 | sed 's/^/# /'
	return 1
}

# A private /etc/dkms whose signing key and certificate live in $out, so
# DKMS signs with a throwaway MOK instead of creating the host's own.
etc=$out/etc-dkms
mkdir -p "$etc/framework.conf.d" "$out/mok"
isolated() {	# [SIGN_FILE] -- CMD...: run CMD in the private namespace
	local sign=$1
	shift 2
	{
		echo "mok_signing_key=$out/mok/mok.key"
		echo "mok_certificate=$out/mok/mok.pub"
		[ -n "$sign" ] && echo "sign_file=$sign"
	} >"$etc/framework.conf"
	unshare --mount --propagation private bash -c '
		mount -t tmpfs hd-dkms /var/lib/dkms &&
		mount --bind "$0" /etc/dkms && exec "$@"' "$etc" "$@"
}

host_untouched() {	# the host's DKMS state and module tree are as before
	local now
	now=$(ls -A /var/lib/dkms 2>/dev/null; ls -d /lib/modules/* 2>/dev/null)
	if [ "$now" = "$host_before" ]; then
		ok "host /var/lib/dkms and /lib/modules untouched"
	else
		notok "host /var/lib/dkms or /lib/modules changed: $now"
	fi
}

check_version() {
	local v
	v=$(sed -n 's/^#define HD_VERSION[[:space:]]*"\(.*\)"/\1/p' \
		"$top/module/harden_defaults.h")
	if [ -n "$VERSION" ] && [ "$v" = "$VERSION" ]; then
		ok "dkms.conf PACKAGE_VERSION $VERSION matches HD_VERSION"
	else
		notok "dkms.conf PACKAGE_VERSION '$VERSION' != HD_VERSION '$v'"
	fi
}

copy_source() {	# DIR: the tree DKMS sees as /usr/src/NAME-VERSION
	mkdir -p "$1/module"
	cp "$top/Kbuild" "$top/dkms.conf" "$1/"
	cp "$top"/module/*.c "$top"/module/*.h "$1/module/"
}

# dkms add/build/install/remove against the 6.1 headers.
dkms_61() {
	local t=$out/dkms-6.1 ko opts parms
	# shellcheck disable=SC1090
	. "$HD_CACHE/k/6.1/env"
	copy_source "$t/src/$NAME-$VERSION"
	mkdir -p "$t/dkms" "$t/modules/$KVER"
	opts=(--dkmstree "$t/dkms" --sourcetree "$t/src"
		--installtree "$t/modules" --no-depmod
		-m "$NAME" -v "$VERSION" -k "$KVER" --kernelsourcedir "$KDIR")
	if logged isolated "$KDIR/scripts/sign-file" -- dkms add "${opts[@]}"
	then ok "dkms add on 6.1"; else notok "dkms add on 6.1"; return; fi
	if logged isolated "$KDIR/scripts/sign-file" -- \
		dkms build "${opts[@]}"; then
		ok "dkms build on 6.1"
	else
		notok "dkms build on 6.1"; return
	fi
	if ! logged isolated "$KDIR/scripts/sign-file" -- \
		dkms install "${opts[@]}"; then
		notok "dkms install on 6.1"; return
	fi
	# DKMS picks the directory by distribution: /updates/dkms on Debian,
	# /extra (dkms.conf) on Fedora.
	ko=$(find "$t/modules/$KVER" -name "$NAME.ko*" | head -n 1)
	case $ko in
	*/updates/dkms/$NAME.ko*|*/extra/$NAME.ko*)
		ok "dkms install on 6.1: ${ko#"$t/modules/"}" ;;
	*)	notok "dkms install on 6.1: no $NAME.ko in the install tree"
		return ;;
	esac
	if [ "$(modinfo -F version "$ko")" = "$VERSION" ] &&
		[ "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" = "$KVER" ]; then
		ok "modinfo: version $VERSION, built for $KVER"
	else
		notok "modinfo of the installed module: $(modinfo "$ko" | head -3)"
	fi
	if modinfo -F signer "$ko" | grep . >/dev/null; then
		ok "DKMS signed it with its MOK key ($(modinfo -F signer "$ko"))"
	else
		notok "DKMS did not sign the module (see $log)"
	fi
	parms=$(modinfo -F parm "$ko" | cut -d: -f1 | sort | tr '\n' ' ')
	if [ "$parms" = "$(echo $OPTIONS | tr ' ' '\n' | sort | tr '\n' ' ')" ]
	then
		ok "module parameters are the six the modprobe.d file lists"
	else
		notok "module parameters ($parms) differ from the modprobe.d file"
	fi
	if logged isolated "" -- dkms remove "${opts[@]}" &&
		[ -z "$(find "$t/modules" -name "$NAME.ko*")" ] &&
		[ ! -e "$t/dkms/$NAME/$VERSION" ]; then
		ok "dkms remove on 6.1: module and DKMS tree entry gone"
	else
		notok "dkms remove on 6.1"
	fi
}

# dkms build against the 7.x headers, inside the trixie build root.
# A build root made before dkms joined its --include list gets it here.
dkms_7() {
	# shellcheck disable=SC1090
	. "$HD_CACHE/k/7/env"
	# The build root is shared with every checkout's builds (see
	# tests/lib/build-module.sh): one user of its /proc at a time.
	dkms_7_locked 9>"$CHROOT/.hd-build.lock"
}

dkms_7_locked() {
	local inner=/build/hd-dkms-$$ mounted="" rc=0
	flock 9
	if ! chroot "$CHROOT" dpkg -s dkms >/dev/null 2>&1; then
		echo "# installing dkms in the 7.x build root"
		logged chroot "$CHROOT" apt-get -q update &&
		DEBIAN_FRONTEND=noninteractive logged chroot "$CHROOT" \
			apt-get install -y -q --no-install-recommends dkms || {
			notok "dkms build on 7: could not install dkms in $CHROOT"
			return
		}
	fi
	copy_source "$CHROOT$inner/src/$NAME-$VERSION"
	mkdir -p "$CHROOT$inner/dkms" "$CHROOT/proc"
	if ! mountpoint -q "$CHROOT/proc"; then
		mount -t proc proc "$CHROOT/proc" && mounted=1
	fi
	logged chroot "$CHROOT" dkms add --dkmstree "$inner/dkms" \
		--sourcetree "$inner/src" -m "$NAME" -v "$VERSION" &&
	logged chroot "$CHROOT" dkms build --dkmstree "$inner/dkms" \
		--sourcetree "$inner/src" -m "$NAME" -v "$VERSION" \
		-k "$KVER" --kernelsourcedir "$KDIR" || rc=1
	if [ "$rc" = 0 ] && [ -n "$(find "$CHROOT$inner/dkms/$NAME/$VERSION/$KVER" \
		-name "$NAME.ko*" 2>/dev/null)" ]; then
		ok "dkms build on 7 ($KVER, in the trixie build root)"
	else
		notok "dkms build on 7 ($KVER)"
	fi
	[ -n "$mounted" ] && umount "$CHROOT/proc"
	rm -rf "${CHROOT:?}$inner"
}

rpms() {
	local r=$out/rpmbuild p f
	if ! logged "$top/packaging/rpm.sh" "$r" srpm; then
		notok "rpmbuild of the SRPMs"; return
	fi
	for p in "$NAME-$VERSION-1.src.rpm" "$NAME-kmod-$VERSION-1.src.rpm"; do
		if [ -e "$r/SRPMS/$p" ]; then ok "rpmbuild -bs: $p"
		else notok "rpmbuild -bs: no $p"; fi
	done
	if ! logged "$top/packaging/rpm.sh" "$r" all; then
		notok "rpmbuild -bb of harden_defaults.spec"; return
	fi
	for p in "noarch/$NAME-dkms-$VERSION-1.noarch.rpm" \
		"noarch/$NAME-kmod-common-$VERSION-1.noarch.rpm" \
		"x86_64/harden-status-$VERSION-1.x86_64.rpm"; do
		f=$r/RPMS/$p
		if [ -e "$f" ]; then ok "rpmbuild -bb: ${p#*/}"
		else notok "rpmbuild -bb: no ${p#*/}"; fi
	done
	f=$r/RPMS/noarch/$NAME-dkms-$VERSION-1.noarch.rpm
	if [ -e "$f" ] &&
		rpm -qpl "$f" | grep -x "/usr/src/$NAME-$VERSION/dkms.conf" >/dev/null &&
		rpm -qpR "$f" | grep -x dkms >/dev/null; then
		ok "dkms RPM carries the source tree and requires dkms"
	else
		notok "dkms RPM contents or requirements"
	fi
	f=$r/RPMS/x86_64/harden-status-$VERSION-1.x86_64.rpm
	if [ -e "$f" ] && rpm -qpl "$f" | grep '/harden-status$' >/dev/null &&
		rpm -qpl "$f" | grep '/man8/harden-status\.8' >/dev/null; then
		ok "harden-status RPM carries the tool and its man page"
	else
		notok "harden-status RPM contents"
	fi
	f=$r/RPMS/x86_64/akmod-$NAME-$VERSION-1.x86_64.rpm
	if [ -e "$f" ] &&
		rpm -qpl "$f" | grep -x "/usr/src/akmods/$NAME-kmod.latest" \
			>/dev/null &&
		rpm -qpR "$f" | grep -x akmods >/dev/null &&
		rpm -qp --scripts "$f" | grep 'akmods-ostree-post' >/dev/null
	then
		ok "akmod RPM carries its SRPM for akmods, requires akmods"
	else
		notok "akmod RPM: missing, or contents or requirements wrong"
	fi
	akmod_61 "$f"
	fedora_kmod_requires
}

# Debian's kernel names cannot be rpm versions, so the package built above
# goes without a kernel requirement; for Fedora-style names the spec must
# tie each package to its kernel.
fedora_kmod_requires() {
	local a=6.17.7-300.fc43.x86_64 b=6.18.1-200.fc43.x86_64 req
	req=$(rpmspec -q --requires --define "kernels $a $b" \
		"$top/packaging/$NAME-kmod.spec" 2>>"$log")
	if echo "$req" | grep -x "kernel-uname-r = $a" >/dev/null &&
		echo "$req" | grep -x "kernel-uname-r = $b" >/dev/null &&
		[ "$(rpmspec -q --define "kernels $a $b" \
			"$top/packaging/$NAME-kmod.spec" 2>>"$log" |
			grep -c "^kmod-$NAME-")" = 2 ]; then
		ok "kmod spec for two Fedora kernels: one package each," \
			"requiring kernel-uname-r = its kernel"
	else
		notok "kmod spec for Fedora kernels: $req"
	fi
}

# What akmods does with the akmod package, against the 6.1 headers: take
# the SRPM that /usr/src/akmods/harden_defaults-kmod.latest names, and
# as an unprivileged user (akmodsbuild refuses root) rebuild it with
# --define "kernels KVER", the kernel's tree found where Fedora's
# kernel-devel puts it (/usr/src/kernels/KVER, a tmpfs in a private mount
# namespace here) and a throwaway key in the place of the akmods key.
akmod_61() {
	local akmod=$1 t k ko srpm rpmf hash opts=(--nodeps)
	# shellcheck disable=SC1090
	. "$HD_CACHE/k/6.1/env"
	[ -e "$akmod" ] || { notok "akmods rebuild on 6.1: no akmod RPM"; return; }
	# Somewhere the unprivileged builder can reach, whatever the checkout.
	t=$(mktemp -d /tmp/hd-akmod.XXXXXX) && chmod 0755 "$t" || return
	mkdir -p "$t/root" "$t/top" "$t/key" "$t/x" "$t/home"
	(cd "$t/root" && rpm2cpio "$akmod" | cpio -idm --quiet) || true
	srpm=$t/root/usr/src/akmods/$(readlink \
		"$t/root/usr/src/akmods/$NAME-kmod.latest")
	if [ ! -f "$srpm" ]; then
		notok "akmods rebuild on 6.1: the .latest link names no SRPM"
		rm -rf "$t"; return
	fi
	if ! logged openssl req -new -x509 -newkey rsa:2048 -nodes -days 2 \
		-subj "/CN=harden_defaults test akmods key/" -outform DER \
		-keyout "$t/key/private_key.priv" -out "$t/key/public_key.der"
	then
		notok "akmods rebuild on 6.1: could not make a key"
		rm -rf "$t"; return
	fi
	chown -R nobody "$t/top" "$t/key" "$t/home"
	rpm -q rpm >/dev/null 2>&1 && opts=()
	# shellcheck disable=SC2016
	if ! logged unshare --mount --propagation private bash -c '
		mount -t tmpfs hd-kernels /usr/src &&
		mkdir /usr/src/kernels && ln -s "$1" "/usr/src/kernels/$2" &&
		export HOME=$3 && shift 3 && exec runuser -u nobody -- "$@"' \
		_ "$KDIR" "$KVER" "$t/home" rpmbuild "${opts[@]}" \
		--define "_topdir $t/top" --define "kernels $KVER" \
		--define "_kmodtool_signmodules_privkey $t/key/private_key.priv" \
		--define "_kmodtool_signmodules_pubkey $t/key/public_key.der" \
		--target x86_64 --rebuild "$srpm"; then
		notok "akmods rebuild on 6.1: rpmbuild --rebuild failed"
		rm -rf "$t"; return
	fi
	rpmf=$t/top/RPMS/x86_64/kmod-$NAME-$KVER-$VERSION-1.x86_64.rpm
	ko=/usr/lib/modules/$KVER/extra/$NAME/$NAME.ko
	if [ -e "$rpmf" ] && rpm -qpl "$rpmf" | grep -x "$ko" >/dev/null &&
		rpm -qp --provides "$rpmf" | grep -x "$NAME-kmod = $VERSION-1" \
			>/dev/null
	then
		ok "akmods rebuild on 6.1: kmod-$NAME-$KVER holds $ko"
	else
		notok "akmods rebuild on 6.1: kmod-$NAME-$KVER missing or wrong"
		rm -rf "$t"; return
	fi
	(cd "$t/x" && rpm2cpio "$rpmf" | cpio -idm --quiet) || true
	k=$t/x$ko
	hash=$(sed -n 's/^CONFIG_MODULE_SIG_HASH="\(.*\)"$/\1/p' "$KDIR/.config")
	if [ "$(modinfo -F vermagic "$k" | cut -d' ' -f1)" = "$KVER" ] &&
		[ "$(modinfo -F signer "$k")" = "harden_defaults test akmods key" ] &&
		[ "$(modinfo -F sig_hashalgo "$k")" = "$hash" ]; then
		ok "kmod module built for $KVER, signed with the akmods key" \
			"($hash), signature intact in the package"
	else
		notok "kmod module: vermagic/signer/hash:" \
			"$(modinfo -F vermagic "$k" | cut -d' ' -f1)" \
			"'$(modinfo -F signer "$k")' $(modinfo -F sig_hashalgo "$k")"
	fi
	rm -rf "$t"
}

# make install / make uninstall, staged: every file appears, then goes.
install_roundtrip() {
	local d=$out/stage missing="" f o left
	# shellcheck disable=SC1090
	. "$HD_CACHE/k/6.1/env"
	mkdir -p "$d"
	if ! logged isolated "" -- env DESTDIR="$d" KVER="$KVER" KSRC="$KDIR" \
		"$top/packaging/install.sh" install; then
		notok "install.sh install into a staging DESTDIR"; return
	fi
	for f in "usr/src/$NAME-$VERSION/dkms.conf" \
		"usr/src/$NAME-$VERSION/Kbuild" \
		"usr/src/$NAME-$VERSION/module/main.c" \
		"usr/lib/modules-load.d/$NAME.conf" \
		"etc/modprobe.d/$NAME.conf" \
		"usr/sbin/harden-status" "usr/share/man/man8/harden-status.8" \
		"lib/modules/$KVER/updates/dkms/$NAME.ko"; do
		[ -e "$d/$f" ] || missing="$missing /$f"
	done
	if [ -z "$missing" ]; then
		ok "install.sh install: source, DKMS module, tool, man page," \
			"modules-load.d and modprobe.d files"
	else
		notok "install.sh install: missing$missing"
	fi
	for o in $OPTIONS; do
		grep -q "^#options $NAME $o=" "$d/etc/modprobe.d/$NAME.conf" ||
			missing="$missing $o"
	done
	if [ -z "$missing" ] && ! grep -q '^options' \
		"$d/etc/modprobe.d/$NAME.conf"; then
		ok "modprobe.d file: every option present, all commented out"
	else
		notok "modprobe.d file: missing or active options:$missing"
	fi
	if ! logged isolated "" -- env DESTDIR="$d" KVER="$KVER" \
		KSRC="$KDIR" "$top/packaging/install.sh" uninstall; then
		notok "install.sh uninstall from the staging DESTDIR"; return
	fi
	left=$(cd "$d" && find . ! -type d | head -n 5 | tr '\n' ' ')
	if [ -z "$left" ]; then
		ok "install.sh uninstall: every installed file is gone"
	else
		notok "install.sh uninstall left: $left"
	fi
}

host_before=$(ls -A /var/lib/dkms 2>/dev/null; ls -d /lib/modules/* 2>/dev/null)
check_version
for k in "$@"; do
	case $k in
	6.1)	dkms_61 ;;
	7)	dkms_7 ;;
	esac
done
rpms
install_roundtrip
host_untouched
exit $fail
