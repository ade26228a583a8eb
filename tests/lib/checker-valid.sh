#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Our stand-in for the kernel's scripts/checker-valid.sh, which the Debian
# 7.x header packages leave out although their Makefile runs it before it
# lets C=1/C=2 call the checker; without it kbuild silently drops sparse.
# tests/stages/10-static.sh puts it into the build root's headers only
# where the file is missing.
#
#   checker-valid.sh CHECKER [CHECKFLAGS...]
#
# Prints 1 when CHECKER parses what the 7.x headers give it under
# __CHECKER__ (they use __typeof_unqual__ there) without an error, else 0.
out=$(printf 'const int hd_c;\n__typeof_unqual__(hd_c) hd_u;\n' |
	"$@" - 2>&1) || { echo 0; exit 0; }
case $out in
*error:*) echo 0 ;;
*) echo 1 ;;
esac
