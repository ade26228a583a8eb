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
	for f in "$top"/module/*.c "$top"/module/*.h; do
		perl "$ksrc/scripts/checkpatch.pl" --strict --no-tree --terse \
			--show-types -f "$f" >>"$log" 2>&1
	done
	n=$(grep -cE ': (ERROR|WARNING|CHECK):' "$log")
	if [ "$n" = 0 ]; then
		ok "checkpatch --strict: module/ clean"
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

# sparse through kbuild (C=2 checks every file). kbuild skips sparse
# with only a make notice when it judges it unusable, so a clean log is
# believed only when every source file went through CHECK.
sparse() {
	local k=$1 dir=$out/sparse-$1 nsrc nchk
	nsrc=$(ls "$top"/module/*.c | wc -l)
	"$here/../lib/build-module.sh" "$k" "$dir" C=2 >/dev/null 2>&1
	nchk=$(grep -c '^ *CHECK ' "$dir/build.log")
	if grep -q 'sparse is not available or not up to date' \
		"$dir/build.log"; then
		sparse_unusable "$k" "$dir"
	elif grep -qE 'warning:|error:' "$dir/build.log"; then
		grep -E 'warning:|error:' "$dir/build.log" | sed 's/^/# /'
		notok "sparse (C=2) on $k"
	elif [ "$nchk" != "$nsrc" ]; then
		tail -n 20 "$dir/build.log" | sed 's/^/# /'
		notok "sparse (C=2) on $k: checked $nchk of $nsrc files"
	else
		ok "sparse (C=2) on $k: no warnings"
	fi
}

# Say why kbuild refused sparse. Debian's 7.x headers lack
# scripts/checker-valid.sh, and the 7.x headers use __typeof_unqual__
# whenever sparse runs (__CHECKER__), which sparse 0.6.4 (Debian 12 and
# 13) cannot parse: no Debian sparse can check a 7.x build today.
sparse_unusable() {
	local k=$1 dir=$2 why="kbuild found sparse unusable" ver
	local in=()
	# shellcheck disable=SC1090
	. "$HD_CACHE/k/$k/env"
	[ -n "$CHROOT" ] && in=(chroot "$CHROOT")
	if echo 'int a; __typeof_unqual__(a) b;' |
		"${in[@]}" sparse - 2>&1 | grep error >/dev/null; then
		ver=$("${in[@]}" sparse --version 2>/dev/null | head -n 1)
		why="$why: sparse $ver cannot parse __typeof_unqual__, which"
		why="$why the $KVER headers use under sparse"
	fi
	# Not a pass and not a failure: nothing here can check it.
	echo "skip - static: sparse (C=2) on $k: not run, $why"
}

checkpatch
for k in "$@"; do
	w1 "$k"
	sparse "$k"
done
exit $fail
