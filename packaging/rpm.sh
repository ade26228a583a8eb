#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the RPMs of harden_defaults from this working tree:
#
#   packaging/rpm.sh OUTDIR [srpm|all]
#
# srpm: the source packages of harden_defaults.spec and
# harden_defaults-kmod.spec. all (default): also the binary packages:
# harden_defaults-dkms, harden_defaults-kmod-common and harden-status from
# harden_defaults.spec, and akmod-harden_defaults, rebuilt from the kmod
# SRPM (it carries that SRPM for akmods).
# Results land in OUTDIR/SRPMS and OUTDIR/RPMS. On a system whose rpm
# database does not list its packages (Debian), BuildRequires are not
# checked.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
out=$(mkdir -p "$1" && cd "$1" && pwd)
what=${2:-all}
name=harden_defaults
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")

mkdir -p "$out"/{SOURCES,SPECS,BUILD,RPMS,SRPMS}

# The tarball holds the files of the repository that a package needs,
# without build products (object files, binaries).
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/$name-$version"
# From git when this is a checkout, else every file of those paths (an
# unpacked release tarball).
parts=(Kbuild dkms.conf Makefile 'README*' module packaging tools)
list_files() {
	if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git -C "$top" ls-files -co --exclude-standard -- "${parts[@]}"
	else
		# shellcheck disable=SC2086
		(cd "$top" && find ${parts[*]} -type f 2>/dev/null)
	fi
}
list_files |
while read -r f; do
	case $f in *.o|*.ko|*.cmd) continue ;; esac
	[ -f "$top/$f" ] || continue
	head -c 4 "$top/$f" | grep -q "^.ELF" && continue
	install -D -m "$(stat -c %a "$top/$f")" "$top/$f" \
		"$stage/$name-$version/$f"
done
tar -C "$stage" --owner=0 --group=0 -czf \
	"$out/SOURCES/$name-$version.tar.gz" "$name-$version"

opts=(--define "_topdir $out")
rpm -q rpm >/dev/null 2>&1 || opts+=(--nodeps)

for spec in "$here/$name.spec" "$here/$name-kmod.spec"; do
	rpmbuild "${opts[@]}" -bs "$spec"
done
if [ "$what" = all ]; then
	rpmbuild "${opts[@]}" --define "debug_package %{nil}" -bb \
		"$here/$name.spec"
	rpmbuild "${opts[@]}" --rebuild \
		"$(ls "$out/SRPMS/$name-kmod-$version"-*.src.rpm | tail -n 1)"
fi
