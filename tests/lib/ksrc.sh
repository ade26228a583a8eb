#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Take the few files we need from Debian's linux-source package (the
# kselftest harness headers and checkpatch) into $HD_CACHE/ksrc, once.
# They are build-time dependencies, never copied into the repository.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"

out=$HD_CACHE/ksrc
[ -e "$out/.done" ] && { echo "$out"; exit 0; }

apt_setup
deb=$(hd_download linux-source-6.12)
tmp=$(mktemp -d "$HD_CACHE/ksrc.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards '*.tar.xz'
tarball=$(find "$tmp" -name 'linux-source-*.tar.xz' | head -n 1)
top=$(basename "$tarball" .tar.xz)
tar -x -C "$tmp" -f "$tarball" \
	"$top/tools/testing/selftests/kselftest_harness.h" \
	"$top/tools/testing/selftests/kselftest.h" \
	"$top/scripts/checkpatch.pl" \
	"$top/scripts/spelling.txt" \
	"$top/scripts/const_structs.checkpatch"
rm -rf "$out"
mkdir -p "$out"
mv "$tmp/$top/tools/testing/selftests" "$out/selftests"
mv "$tmp/$top/scripts" "$out/scripts"
touch "$out/.done"
echo "$out"
