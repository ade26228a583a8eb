#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Resolve, download and unpack the Debian kernels of the test matrix.
#
#   kernels.sh LABEL...      (labels: 6.1 6.12 7 6.1-arm64)
#
# For each label it leaves $HD_CACHE/k/LABEL/ with:
#   root/     the image, modules and headers packages unpacked side by side
#   env       shell assignments: KVER, VMLINUZ, KDIR, MODDIR, CHROOT, and
#             for a cross-built label ARCH, CROSS_COMPILE and BUSYBOX
# and, for 7.x, a trixie build root (gcc-14) in $HD_CACHE/buildroot-trixie
# with that kernel's headers installed. Nothing is installed on the host.
# Downloads are kept, so a second run is offline and quick.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"

apt_setup

resolve() {	# newest package name matching an extended regex
	hd_apt_cache pkgnames "$2" | grep -E "$1" | sort -V | tail -n 1
}

unpack() {	# unpack packages into a root, once
	local root=$1; shift
	local p deb
	mkdir -p "$root"
	for p in "$@"; do
		[ -e "$root/.done-$p" ] && continue
		deb=$(hd_download "$p")
		dpkg-deb -x "$deb" "$root"
		touch "$root/.done-$p"
	done
}

# Debian's headers Makefile includes the -common tree by its absolute
# /usr/src path; point it at the unpacked copy instead.
fix_headers() {
	local root=$1 kver=$2 f
	for f in "$root/usr/src/linux-headers-$kver/Makefile"; do
		sed -i "s|include /usr/src/|include $root/usr/src/|" "$f"
	done
}

fetch_61() {
	local img kver
	img=$(resolve '^linux-image-6\.1\.0-[0-9]+-amd64$' linux-image-6.1.0)
	kver=${img#linux-image-}
	unpack "$dir/root" "$img" "linux-headers-$kver" \
		"linux-headers-${kver%-amd64}-common" linux-kbuild-6.1
	fix_headers "$dir/root" "$kver"
	write_env "$kver" ""
}

fetch_612() {
	local img kver
	img=$(resolve '^linux-image-6\.12\.[0-9]+\+deb12-amd64$' linux-image-6.12)
	kver=${img#linux-image-}
	unpack "$dir/root" "$img" "linux-headers-$kver" \
		"linux-headers-${kver%-amd64}-common" "linux-kbuild-${kver%-amd64}"
	fix_headers "$dir/root" "$kver"
	write_env "$kver" ""
}

# arm64, cross-built: the image and headers are arm64, the -common tree
# is shared, and linux-kbuild stays amd64 (its scripts run on the host).
# Busybox comes from the arm64 busybox-static, unpacked in the same root.
fetch_61_arm64() {
	local img kver
	export HD_APT_ARM64=1
	apt_setup
	img=$(resolve '^linux-image-6\.1\.0-[0-9]+-arm64$' linux-image-6.1.0)
	kver=${img#linux-image-}
	unpack "$dir/root" "$img:arm64" \
		"linux-headers-$kver:arm64" \
		"linux-headers-${kver%-arm64}-common" linux-kbuild-6.1:amd64 \
		busybox-static:arm64
	unset HD_APT_ARM64
	fix_headers "$dir/root" "$kver"
	write_env "$kver" "" arm64 aarch64-linux-gnu- "$dir/root/bin/busybox"
}

fetch_7() {
	local bin kver
	bin=$(resolve '^linux-binary-unsigned-7\.[0-9.]+\+deb13-amd64$' \
		linux-binary-unsigned-7)
	kver=${bin#linux-binary-unsigned-}
	unpack "$dir/root" "$bin" "linux-modules-$kver"
	buildroot_trixie "$kver"
	write_env "$kver" "$HD_CACHE/buildroot-trixie"
}

write_env() {	# KVER CHROOT [ARCH CROSS_COMPILE BUSYBOX], empty when native
	local kver=$1 chroot=$2 kdir moddir vmlinuz
	if [ -n "$chroot" ]; then
		kdir=/usr/src/linux-headers-$kver
	else
		kdir=$dir/root/usr/src/linux-headers-$kver
	fi
	# 7.x moved the image and modules under /usr/lib/modules.
	moddir=$dir/root/lib/modules/$kver
	[ -d "$moddir" ] || moddir=$dir/root/usr/lib/modules/$kver
	vmlinuz=$dir/root/boot/vmlinuz-$kver
	[ -e "$vmlinuz" ] || vmlinuz=$(ls "$moddir"/vmlinuz* | head -n 1)
	cat >"$dir/env.new" <<-EOT
		KVER=$kver
		VMLINUZ=$vmlinuz
		MODDIR=$moddir
		KDIR=$kdir
		CHROOT=$chroot
		ARCH=${3:-}
		CROSS_COMPILE=${4:-}
		BUSYBOX=${5:-}
	EOT
	mv "$dir/env.new" "$dir/env"
}

# 7.x is built with gcc-14, which bookworm lacks: build inside a minimal
# trixie root that has the compiler and the headers installed normally.
buildroot_trixie() {
	local kver=$1 br=$HD_CACHE/buildroot-trixie mirror
	[ -e "$br/.done-$kver" ] && return 0
	mirror=$(hd_mirror)
	rm -rf "$br.tmp"
	hd_need mmdebstrap
	mmdebstrap --quiet --variant=minbase \
		--include="gcc-14,make,libc6-dev,libelf-dev,bc,kmod,sparse,dkms,linux-headers-$kver" \
		trixie "$br.tmp" \
		"deb $mirror trixie main" "deb $mirror trixie-backports main"
	rm -rf "$br"
	mv "$br.tmp" "$br"
	touch "$br/.done-$kver"
}

for label in "$@"; do
	dir=$HD_CACHE/k/$label
	mkdir -p "$dir"
	case $label in
	6.1)	fetch_61 ;;
	6.12)	fetch_612 ;;
	7)	fetch_7 ;;
	6.1-arm64) fetch_61_arm64 ;;
	*)	echo "kernels.sh: unknown kernel label '$label' (6.1 6.12 7 6.1-arm64)" >&2
		exit 2 ;;
	esac
	. "$dir/env"
	echo "kernel $label: $KVER"
done
