#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot Debian kernels under QEMU with the module and the test programs,
# run the tests as PID 1 and judge the console.
#
#   tests/vm.sh [-k "6.1 6.12 7"] [-t "load sysfs"] [-o TESTNAME]
#               [--shell | --demo] [--bench]
#
#   -k  kernels (labels), default all four: 6.1 6.12 7 (x86_64) and
#       6.1-arm64 (cross-built, booted with qemu-system-aarch64, always TCG)
#   -t  test programs to run, default all
#   -o  only this test name inside them (kselftest -t)
#   --shell  leave a shell in the VM (newest kernel unless -k)
#   --demo   load the module, show dmesg and sysfs, power off
#   --bench  run tests/vm/bench (or the -t programs) on each kernel and
#            print its tables instead of judging TAP; HD_BENCH_ARGS
#            passes options to it (e.g. "-q -n 2000 -r 2")
#
# A failed test, an oops, a WARN, or a guest that never reached its end
# marker fails the run. Ends with "N passed, N failed".
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/lib/common.sh"

kernels="6.1 6.12 7 6.1-arm64"
tests=""
only=""
what=tests
while [ $# -gt 0 ]; do
	case $1 in
	-k) kernels=$2; shift ;;
	-t) tests=$2; shift ;;
	-o) only=$2; shift ;;
	--shell) what=shell ;;
	--demo) what=demo ;;
	--bench) what=bench ;;
	*) echo "usage: $0 [-k KERNELS] [-t TESTS] [-o NAME] [--shell|--demo|--bench]" >&2
	   exit 2 ;;
	esac
	shift
done
if [ "$what" = shell ] || [ "$what" = demo ]; then
	[ "$kernels" = "6.1 6.12 7 6.1-arm64" ] && kernels=7
fi

: "${HD_BUILD:=$top/build}"
: "${HD_VM_TIMEOUT:=1500}"
: "${HD_ACCEL:=tcg}"
: "${HD_SINGLE:=stress}"

# Runs sharing a build directory take turns: each rebuilds its parts.
mkdir -p "$HD_BUILD"
exec 9>"$HD_BUILD/.lock"
flock 9

set -e
"$here/lib/setup.sh"
# shellcheck disable=SC2086
"$here/lib/kernels.sh" $kernels
make -s -C "$here/vm" KSFT="$HD_CACHE/ksrc/selftests" OUT="$HD_BUILD/vm"
[ -e "$top/tools/Makefile" ] &&
	make -s -C "$top/tools" OUT="$HD_BUILD/tools" STATIC=1
set +e

passed=0 failed=0

result() {	# ok|fail LABEL NAME
	if [ "$1" = ok ]; then
		passed=$((passed + 1))
		echo "ok - $2: $3"
	else
		failed=$((failed + 1))
		echo "not ok - $2: $3"
	fi
}

# The test programs and harden-status for the label's architecture: the
# host's build for x86_64, a cross-build in vm-ARCH and tools-ARCH for
# the others. Sets $sfx to that suffix.
userland() {	# LABEL
	# shellcheck disable=SC1090
	. "$HD_CACHE/k/$1/env"
	sfx=${ARCH:+-$ARCH}
	[ -n "$sfx" ] || return 0
	make -s -C "$here/vm" KSFT="$HD_CACHE/ksrc/selftests" \
		OUT="$HD_BUILD/vm$sfx" CC="${CROSS_COMPILE}gcc" &&
	make -s -C "$top/tools" OUT="$HD_BUILD/tools$sfx" STATIC=1 \
		CC="${CROSS_COMPILE}gcc"
}

pack() {	# LABEL KDIR_OUT -> initramfs path
	local label=$1 out=$2 root=$2/initramfs
	# shellcheck disable=SC1090
	. "$HD_CACHE/k/$label/env"
	rm -rf "$root"
	mkdir -p "$root/bin" "$root/tests" "$root/lib/hd" "$root/etc" \
		"$root/proc" "$root/sys" "$root/dev" "$root/tmp" \
		"$root/usr/lib/systemd" "$root/usr/lib/sysctl.d"
	cp "${BUSYBOX:-/bin/busybox}" "$root/bin/busybox"
	ln -s busybox "$root/bin/sh"
	install -m 0755 "$here/vm/init" "$root/init"
	cp "$HD_BUILD/vm$sfx/"* "$root/tests/"
	[ -e "$HD_BUILD/tools$sfx/harden-status" ] &&
		cp "$HD_BUILD/tools$sfx/harden-status" "$root/bin/"
	cp "$out/harden_defaults.ko" "$root/lib/hd/"
	cp "$out/squat/hd_squat.ko" "$root/lib/hd/"
	local tb
	tb=$(find "$MODDIR" -name 'test_bpf.ko*' | head -n 1)
	if [ -n "$tb" ]; then
		case $tb in
		*.xz) xz -dc "$tb" >"$root/lib/hd/test_bpf.ko" ;;
		*.zst) zstd -qdc "$tb" >"$root/lib/hd/test_bpf.ko" ;;
		*) cp "$tb" "$root/lib/hd/test_bpf.ko" ;;
		esac
	fi
	# A boot's pieces: our modules-load.d file, a systemd-sysctl, and
	# the file elfutils-default-yama-scope ships.
	mkdir -p "$root/usr/lib/modules-load.d"
	cp "$top/packaging/modules-load.conf" \
		"$root/usr/lib/modules-load.d/harden_defaults.conf"
	cp "$HD_BUILD/vm$sfx/sysctl-apply" "$root/usr/lib/systemd/systemd-sysctl"
	echo "kernel.yama.ptrace_scope = 0" \
		>"$root/usr/lib/sysctl.d/10-default-yama-scope.conf"
	echo "root:x:0:0:root:/:/bin/sh" >"$root/etc/passwd"
	echo "nobody:x:65534:65534:nobody:/:/bin/false" >>"$root/etc/passwd"
	echo "root:x:0:" >"$root/etc/group"
	(cd "$root" && find . | cpio -o -H newc --quiet) >"$out/initramfs.cpio"
	echo "$out/initramfs.cpio"
}

boot() {	# LABEL INITRAMFS LOG TESTS ACCEL
	local label=$1 initrd=$2 log=$3 list=$4 accel=$5 cmd
	local qemu=(qemu-system-x86_64) console=ttyS0
	# shellcheck disable=SC1090
	. "$HD_CACHE/k/$label/env"
	if [ "${ARCH:-}" = arm64 ]; then
		# No KVM for another architecture. pauth-impdef: the pointer
		# authentication the kernel uses, at a fraction of QARMA's cost.
		qemu=(qemu-system-aarch64 -M virt
			-cpu "${HD_ARM64_CPU:-max,pauth-impdef=on}")
		console=ttyAMA0
		case $accel in kvm*) accel=tcg ;; esac
	fi
	cmd="console=$console panic=-1 panic_on_warn=1 audit=1 oops=panic"
	cmd="$cmd softlockup_panic=1 hung_task_panic=1 ${HD_CMDLINE:-}"
	cmd="$cmd hd.tests=$(echo $list | tr ' ' ',')"
	[ -n "$only" ] && cmd="$cmd hd.args=-t,$only"
	[ "$what" = bench ] && [ -n "${HD_BENCH_ARGS:-}" ] &&
		cmd="$cmd hd.args=$(echo $HD_BENCH_ARGS | tr ' ' ',')"
	case $what in
	shell) cmd="$cmd hd.shell=1" ;;
	demo) cmd="$cmd hd.demo=1" ;;
	esac
	[ "$accel" = kvm ] && [ ! -w /dev/kvm ] && accel=tcg
	if [ "$what" = shell ]; then
		"${qemu[@]}" -accel "$accel" -m 1024 -smp 2 -nographic \
			-no-reboot -kernel "$VMLINUZ" -initrd "$initrd" \
			-append "$cmd"
		return
	fi
	timeout "$HD_VM_TIMEOUT" "${qemu[@]}" -accel "$accel" \
		-m 1024 -smp 2 ${HD_QEMU_OPTS:-} -display none -monitor none -no-reboot \
		-serial "file:$log" -kernel "$VMLINUZ" -initrd "$initrd" \
		-append "$cmd" </dev/null
}

judge() {	# LABEL LOG
	local label=$1 log=$2 line
	tr -d '\r' <"$log" >"$log.txt"
	# The TAP of each program, as the guest printed it.
	sed -n '/^HD-TEST-BEGIN/,/^HD-DMESG-BEGIN/p' "$log.txt" |
		grep -v -e '^HD-' | sed "s/^/    /"
	while IFS= read -r line; do
		case $line in
		"ok "*"# SKIP"*) echo "skip - $label: ${line#ok [0-9]* }" ;;
		"ok "*) result ok "$label" "${line#ok [0-9]* }" ;;
		"not ok "*) result fail "$label" "${line#not ok [0-9]* }" ;;
		"HD-TEST-END "*" rc="[!0]*)
			result fail "$label" "program ${line#HD-TEST-END }" ;;
		esac
	done < <(sed -n '/^HD-TEST-BEGIN/,/^HD-DMESG-BEGIN/p' "$log.txt")
	if grep -q '^HD-VM-DONE' "$log.txt"; then
		result ok "$label" "guest ran to its end marker"
	else
		result fail "$label" "guest never reached its end marker (panic, hang or timeout)"
		tail -n 40 "$log.txt" | sed 's/^/    | /'
	fi
	if sed -n '/^HD-DMESG-BEGIN/,/^HD-DMESG-END/p' "$log.txt" |
		grep -E 'WARNING:|BUG:|Oops|Call Trace|general protection|UBSAN|KASAN' \
		>"$log.bad"; then
		result fail "$label" "kernel log has a warning or an oops"
		sed 's/^/    | /' "$log.bad" | head -n 40
	else
		result ok "$label" "kernel log has no warning or oops"
	fi
}

bench_tables() {	# LABEL LOG: the bench's output, and whether it ended
	local label=$1 log=$2
	tr -d '\r' <"$log" >"$log.txt"
	sed -n '/^HD-BENCH-BEGIN/,/^HD-BENCH-END/p' "$log.txt" | grep -v '^HD-'
	if grep -q '^HD-BENCH-END' "$log.txt" &&
		grep -q '^HD-TEST-END .* rc=0' "$log.txt"; then
		result ok "$label" "bench ran to its end"
	else
		result fail "$label" "bench did not run to its end"
		tail -n 40 "$log.txt" | sed 's/^/    | /'
	fi
}

for label in $kernels; do
	kout=$HD_BUILD/$label
	echo "# kernel $label"
	if ! "$here/lib/build-module.sh" "$label" "$kout"; then
		result fail "$label" "module builds with W=1 and no warning"
		continue
	fi
	result ok "$label" "module builds with W=1 and no warning"
	if ! HD_MODSRC=$here/vm/kmod HD_KO=hd_squat.ko \
		"$here/lib/build-module.sh" "$label" "$kout/squat"; then
		result fail "$label" "test module hd_squat builds"
		continue
	fi
	if ! userland "$label"; then
		result fail "$label" "test programs build for ${ARCH:-the host}"
		continue
	fi
	initrd=$(pack "$label" "$kout")
	log=$kout/console.log
	if [ "$what" = bench ]; then
		start=$(date +%s)
		boot "$label" "$initrd" "$log.bench" "${tests:-bench}" "$HD_ACCEL"
		echo "# kernel $label: guest ran $(( $(date +%s) - start )) s"
		bench_tables "$label" "$log.bench"
		continue
	fi
	if [ "$what" != tests ]; then
		boot "$label" "$initrd" "$log" "" "$HD_ACCEL"
		[ "$what" = shell ] && exit 0
		tr -d '\r' <"$log" | sed -n '/^HD-DEMO-BEGIN/,/^HD-DEMO-END/p' |
			grep -v '^HD-'
		exit 0
	fi
	# Programs that arm and disarm probes under load run on one host
	# thread (see tests/vm/stress.c); the rest on multi-threaded TCG.
	# Not on arm64: its kprobes are a BRK written under stop_machine,
	# not ftrace's live patching, and single-threaded TCG ran stress
	# past its 600 s timeout there.
	solo=$HD_SINGLE
	[ "${ARCH:-}" = arm64 ] && solo=${HD_SINGLE_ARM64:-}
	fast="" single=""
	for t in ${tests:-$(cat "$HD_BUILD/vm/ALL")}; do
		case " $solo " in
		*" $t "*) single="$single $t" ;;
		*) fast="$fast $t" ;;
		esac
	done
	for group in fast single; do
		list=${!group}
		[ -n "$list" ] || continue
		accel=$HD_ACCEL
		[ "$group" = single ] && [ "$accel" = tcg ] &&
			accel=tcg,thread=single
		start=$(date +%s)
		boot "$label" "$initrd" "$log.$group" "$list" "$accel"
		# TCG now and then crashes a guest in code the kernel is
		# patching at boot, before init has run any test (so before
		# the module is loaded). Boot once more then; a crash after
		# the first test started is always a failure.
		if ! grep -q -e HD-TEST-BEGIN -e HD-VM-DONE "$log.$group"; then
			echo "# kernel $label: guest died before any test ran; booting again"
			tail -n 5 "$log.$group" | sed 's/^/    | /'
			boot "$label" "$initrd" "$log.$group" "$list" "$accel"
		fi
		echo "# kernel $label:$list: guest ran $(( $(date +%s) - start )) s ($accel)"
		judge "$label" "$log.$group"
	done
done

echo "# vm: $passed passed, $failed failed"
[ "$failed" = 0 ]
