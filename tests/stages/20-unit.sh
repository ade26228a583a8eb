#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Unit tests of harden-status on fake trees: build the tool and the
# kselftest program under $HD_BUILD/unit, run it, and turn its TAP lines
# into "ok - unit: NAME" / "not ok - unit: NAME".
#
#   tests/stages/20-unit.sh [KERNELS...]     (the kernels are ignored)
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
: "${HD_BUILD:=$top/build}"
out=$HD_BUILD/unit

if ! ksrc=$("$top/tests/lib/ksrc.sh"); then
	echo "not ok - unit: kselftest headers unavailable"
	exit 1
fi
mkdir -p "$out"
if ! make -s -C "$top/tests/unit" KSFT="$ksrc/selftests" OUT="$out" \
		>"$out/build.log" 2>&1; then
	cat "$out/build.log"
	echo "not ok - unit: build"
	exit 1
fi
echo "ok - unit: build"

"$out/status_test" >"$out/tap.log" 2>&1
rc=$?
awk '
	/^ok [0-9]+ / { sub(/^ok [0-9]+ /, ""); print "ok - unit: " $0; n++ }
	/^not ok [0-9]+ / {
		sub(/^not ok [0-9]+ /, ""); print "not ok - unit: " $0; n++; bad++
	}
	/^# / && !/^#  RUN|^# +OK / { print }
	END { exit (bad || !n) }
' "$out/tap.log"
parsed=$?
if [ "$rc" != 0 ] && [ "$parsed" = 0 ]; then
	echo "not ok - unit: status_test exited with $rc"
fi
[ "$rc" = 0 ] && [ "$parsed" = 0 ]
