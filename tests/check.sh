#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make check: every test of the project, one TAP-like stream, one verdict.
#
#   tests/check.sh [-k KERNELS] [-t TESTS] [-o NAME]
#
# Stages: host setup, static checks, unit tests of harden-status,
# packaging (DKMS, RPM), the in-VM suite per kernel. Each prints
# "ok - ..." / "not ok - ..." lines; the last line counts them all.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/lib/common.sh"

kernels="6.1 6.12 7 6.1-arm64"
vmargs=()
while [ $# -gt 0 ]; do
	case $1 in
	-k) kernels=$2; vmargs+=(-k "$2"); shift ;;
	-t|-o) vmargs+=("$1" "$2"); shift ;;
	*) echo "usage: $0 [-k KERNELS] [-t TESTS] [-o NAME]" >&2; exit 2 ;;
	esac
	shift
done
: "${HD_BUILD:=$top/build}"
export HD_BUILD
mkdir -p "$HD_BUILD"
log=$HD_BUILD/check.log
: >"$log"

stage() {	# NAME CMD...: run a stage, keep its verdict lines
	local name=$1
	shift
	echo "# stage: $name"
	"$@" 2>&1 | tee -a "$log"
	if [ "${PIPESTATUS[0]}" != 0 ] &&
		! grep -q "^not ok - $name" "$log"; then
		echo "not ok - $name: stage failed" | tee -a "$log"
	fi
}

start=$(date +%s)
if ! "$here/lib/setup.sh"; then
	echo "not ok - setup: installing the test dependencies failed" |
		tee -a "$log"
fi
# Every stage builds against the kernels: fetch them first (cached).
if ! "$here/lib/kernels.sh" $kernels; then
	echo "not ok - setup: fetching the kernels failed" | tee -a "$log"
fi
for s in "$here"/stages/*.sh; do
	[ -e "$s" ] || continue
	stage "$(basename "$s" .sh)" "$s" $kernels
done
stage vm "$here/vm.sh" "${vmargs[@]}"

p=$(grep -c '^ok - ' "$log")
f=$(grep -c '^not ok - ' "$log")
echo "# make check took $(( $(date +%s) - start )) s"
echo "$p passed, $f failed"
[ "$f" = 0 ]
