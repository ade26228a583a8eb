#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Install what the tests need on a fresh Debian 12 machine (as root), and
# fetch the kselftest headers. Quick when everything is already there.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"

hd_need qemu-system-x86 busybox-static cpio kmod mmdebstrap sparse \
	libelf-dev bc flex bison dwarves xz-utils zstd python3 libc6-dev dkms rpm \
	qemu-system-arm gcc-aarch64-linux-gnu libc6-dev-arm64-cross
"$here/ksrc.sh" >/dev/null
