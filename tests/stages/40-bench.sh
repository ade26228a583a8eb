#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The bench in a reduced form, so it cannot rot: a quick run on one
# kernel (6.1 when listed, else the first), then checks that it ran to
# its end and that its tables are whole. No timing is ever judged.
#
#   tests/stages/40-bench.sh [KERNELS...]
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
: "${HD_BUILD:=$top/build}"
out=$HD_BUILD/bench-quick
mkdir -p "$out"

label=${1:-6.1}
case " $* " in *" 6.1 "*) label=6.1 ;; esac

HD_BUILD=$out "$top/tests/bench.sh" -q -k "$label" >"$out/log" 2>&1
rc=$?
md=$out/log
bad=0

check() {	# VERDICT(0 ok) TEXT
	if [ "$1" = 0 ]; then
		echo "ok - bench: $2"
	else
		echo "not ok - bench: $2"
		bad=1
	fi
}

section() {	# HEADING-PREFIX: the first table under that heading
	awk -v h="$1" 'index($0, h) == 1 { on = 1; next }
		on && /^\|/ { print; t = 1; next } t { exit }' "$md"
}

# A table is whole when every row has the header's cell count and no
# cell is empty, nan or inf.
whole() {	# HEADING-PREFIX ROWS: at least ROWS data rows
	section "$1" | awk -F'|' -v rows="$2" '
		NR == 1 { n = NF; next }
		NR == 2 { if ($0 !~ /^\|(---\|)+$/) bad = 1; next }
		{ data++; if (NF != n) bad = 1
		  for (i = 2; i < NF; i++)
			if ($i ~ /^ *$/ || $i ~ /nan|inf/) bad = 1 }
		END { exit (bad || data < rows) }'
}

check "$rc" "quick bench on $label ran to its end (tests/bench.sh -q)"
whole "### Module overhead" 6
check $? "module overhead table has its six operations"
section "### Module overhead" | awk -F'|' 'NR > 2 &&
	($3 !~ /^ *[0-9]+ *$/ || $4 !~ /^ *[0-9.]+ *$/ ||
	 $5 !~ /^ *[0-9.]+-[0-9.]+ *$/ || $6 !~ /^ *[0-9.]+ *$/) {
		bad = 1 } END { exit bad }'
check $? "module overhead figures are numbers"
grep -q '^| only the module.s (added = knobs on kprobe) | yes |$' "$md"
check $? "the only kprobes loading adds are the module's"
grep -q '^| list back as before after unload | yes |$' "$md"
check $? "unloading removes every kprobe it added"
whole "### bpf_jit_harden" 3
check $? "test_bpf table has levels 0, 1 and 2"
[ "$(grep -c '^| passes at 0, not at [12] (#0-#[0-9]*) | 0 |$' "$md")" = 2 ]
check $? "blinding breaks no test_bpf test that passes at 0"
whole "### Load (verify + JIT)" 3
check $? "larger-program load table has levels 0, 1 and 2"
whole "### What each level blocks" 3
check $? "functional table has levels 0, 1 and 2"
section "### What each level blocks" | awk -F'|' 'NR > 2 {
	for (i = 3; i < NF; i++)
		if ($i !~ /^ (allowed|blocked \([A-Za-z ]+\)|addresses|zeros) $/)
			bad = 1 } END { exit bad }'
check $? "functional table cells are observed outcomes"
[ "$bad" = 0 ] || sed 's/^/    | /' "$md" | tail -n 60
[ "$bad" = 0 ]
