#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make bench: what the module and bpf_jit_harden cost, one table set per
# kernel, every speed figure a ratio taken inside one VM run (see
# tests/vm/bench.c for what is measured and how).
#
#   tests/bench.sh [-k "6.1 6.12 7"] [-q]
#
#   -k  kernels (labels), default all three
#   -q  quick: few operations and test_bpf tests (what make check runs)
#
# Prints Markdown on stdout, also kept in $HD_BUILD/bench.md. Builds go
# to $HD_BUILD (default build/bench) so a bench never overwrites the
# test suite's initramfs. Fails only when a bench did not run to its end;
# no timing is ever judged.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)

kernels="6.1 6.12 7"
args="${HD_BENCH_ARGS:-}"
while [ $# -gt 0 ]; do
	case $1 in
	-k) kernels=$2; shift ;;
	-q) args="-q -n 2000 -r 2" ;;
	*) echo "usage: $0 [-k KERNELS] [-q]" >&2; exit 2 ;;
	esac
	shift
done
: "${HD_BUILD:=$top/build/bench}"
export HD_BUILD HD_BENCH_ARGS="$args"
mkdir -p "$HD_BUILD"
out=$HD_BUILD/bench.md

start=$(date +%s)
{
	echo "# make bench KERNELS=\"$kernels\"${args:+ (bench $args)}," \
		"$(date -u +%F), QEMU ${HD_ACCEL:-tcg}, $(nproc) host CPUs"
	# shellcheck disable=SC2086
	"$here/vm.sh" --bench -k "$kernels"
	rc=$?
	echo "# make bench took $(( $(date +%s) - start )) s"
	exit $rc
} 2>&1 | tee "$out"
exit "${PIPESTATUS[0]}"
