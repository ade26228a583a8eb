#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Static checks of module/:
#   checkpatch.pl --strict on every .c and .h: no error, warning or check;
#   per kernel given: a W=1 build with no warning, and sparse (C=2) with
#   no warning, inside the kernel's build root when it has one.
#
#   tests/stages/10-static.sh KERNEL...   (labels: 6.1 6.12 7)
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/../lib/common.sh"

out=${HD_BUILD:-$top/build}/static
mkdir -p "$out"
fail=0

ok() { echo "ok - static: $*"; }
notok() { echo "not ok - static: $*"; fail=1; }

checkpatch() {
	local ksrc f log=$out/checkpatch.log n
	ksrc=$("$here/../lib/ksrc.sh") || {
		notok "checkpatch: could not fetch it from linux-source"
		return
	}
	: >"$log"
	for f in "$top"/module/*.c "$top"/module/*.h "$top"/tests/vm/kmod/*.c; do
		perl "$ksrc/scripts/checkpatch.pl" --strict --no-tree --terse \
			--show-types -f "$f" >>"$log" 2>&1
	done
	n=$(grep -cE ': (ERROR|WARNING|CHECK):' "$log")
	if [ "$n" = 0 ]; then
		ok "checkpatch --strict: module/ and the test module clean"
	else
		sed "s|^$top/||; s|^|# |" "$log" | grep -E ': (ERROR|WARNING|CHECK):'
		notok "checkpatch --strict: $n findings in module/"
	fi
}

# W=1 build: build-module.sh fails on any compiler warning.
w1() {
	local k=$1 dir=$out/w1-$1
	if "$here/../lib/build-module.sh" "$k" "$dir" >/dev/null 2>&1; then
		ok "W=1 build on $k: no warnings"
	else
		grep -E 'warning:|error:' "$dir/build.log" | sed 's/^/# /'
		notok "W=1 build on $k"
	fi
}

# Debian's 7.x headers use __typeof_unqual__ whenever sparse runs
# (__CHECKER__), which the sparse of bookworm and trixie (0.6.4) cannot
# parse, and they lack scripts/checker-valid.sh, which their Makefile
# runs before it lets C=2 call sparse. For a kernel built in a build root
# (ours, under the cache) whose sparse cannot parse it, take sparse from
# Debian unstable into the root's /usr/local/bin, and add our own probe
# where the headers lack theirs. Prints the CHECK= argument to use.
sparse_prepare() {
	local k=$1 deb srctree sp=/usr/local/bin/sparse
	# shellcheck disable=SC1090
	. "$HD_CACHE/k/$k/env"
	[ -n "$CHROOT" ] || return 0
	srctree=$(sed -n 's/^include \(.*\)\/Makefile$/\1/p' \
		"$CHROOT$KDIR/Makefile")
	[ -n "$srctree" ] || srctree=$KDIR
	if [ ! -e "$CHROOT$srctree/scripts/checker-valid.sh" ]; then
		install -m 0755 "$here/../lib/checker-valid.sh" \
			"$CHROOT$srctree/scripts/checker-valid.sh"
	fi
	if [ "$(chroot "$CHROOT" "$srctree/scripts/checker-valid.sh" \
		sparse)" = 1 ]; then
		echo CHECK=sparse
		return 0
	fi
	if [ ! -x "$CHROOT$sp" ]; then
		deb=$(export HD_APT_SID=1 && apt_setup >&2 &&
			hd_download sparse) || return 1
		dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/bin/sparse \
			>"$CHROOT$sp.tmp" && chmod 0755 "$CHROOT$sp.tmp" &&
			mv "$CHROOT$sp.tmp" "$CHROOT$sp" || return 1
	fi
	echo "CHECK=$sp"
}

# sparse through kbuild (C=2 checks every file). kbuild skips sparse
# with only a make notice when it judges it unusable, so a clean log is
# believed only when every source file went through CHECK.
run_sparse() {
	local k=$1 dir=$out/sparse-$1 nsrc nchk check ver
	nsrc=$(ls "$top"/module/*.c | wc -l)
	if ! check=$(sparse_prepare "$k"); then
		notok "sparse (C=2) on $k: could not get a sparse for it"
		return
	fi
	"$here/../lib/build-module.sh" "$k" "$dir" C=2 $check \
		>/dev/null 2>&1
	nchk=$(grep -c '^ *CHECK ' "$dir/build.log")
	ver=$(sparse_version "$k" "${check#CHECK=}")
	if grep -q 'sparse is not available or not up to date' \
		"$dir/build.log"; then
		notok "sparse (C=2) on $k: kbuild found $ver unusable"
	elif grep -qE 'warning:|error:' "$dir/build.log"; then
		grep -E 'warning:|error:' "$dir/build.log" | sed 's/^/# /'
		notok "sparse (C=2) on $k ($ver)"
	elif [ "$nchk" != "$nsrc" ]; then
		tail -n 20 "$dir/build.log" | sed 's/^/# /'
		notok "sparse (C=2) on $k: checked $nchk of $nsrc files"
	else
		ok "sparse (C=2) on $k: no warnings ($ver)"
	fi
}

sparse_version() {	# LABEL [CHECKER]: the version the checker reports
	local in=(command)
	# shellcheck disable=SC1090
	. "$HD_CACHE/k/$1/env"
	[ -n "$CHROOT" ] && in=(chroot "$CHROOT")
	echo "sparse $("${in[@]}" "${2:-sparse}" --version 2>/dev/null |
		head -n 1)"
}

checkpatch
for k in "$@"; do
	w1 "$k"
	run_sparse "$k"
done
exit $fail
