# SPDX-License-Identifier: GPL-2.0-only
# Shared by the test and bench scripts: the cache and a private apt setup
# that leaves the host's own apt configuration untouched.

: "${HD_CACHE:=/var/cache/harden_defaults}"
export HD_CACHE

hd_mirror() {
	local m
	m=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources \
		2>/dev/null | grep -v security | head -n 1)
	[ -n "$m" ] || m=$(awk '$1 == "deb" { print $2; exit }' \
		/etc/apt/sources.list 2>/dev/null)
	echo "${m:-http://deb.debian.org/debian}"
}

# HD_APT_ARM64=1 selects a second setup with lists of its own: bookworm
# for amd64 and arm64, so arm64 packages (named NAME:arm64) can be
# downloaded. The host's apt never learns of arm64. HD_APT_SID=1 selects
# a third, unstable only, for the one tool no release has yet (sparse
# for 7.x headers); kernels never come from it.
hd_apt_opts() {
	local a=$HD_CACHE/apt src=sources.d lists=lists arches=amd64
	if [ -n "${HD_APT_ARM64:-}" ]; then
		src=sources-arm64.d lists=lists-arm64 arches=amd64,arm64
	elif [ -n "${HD_APT_SID:-}" ]; then
		src=sources-sid.d lists=lists-sid
	fi
	echo "-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=$a/$src" \
		"-o Dir::State::Lists=$a/$lists -o Dir::Cache=$a" \
		"-o APT::Architecture=amd64 -o APT::Architectures=$arches" \
		"-o APT::Sandbox::User=root"
}

apt_setup() {
	local a=$HD_CACHE/apt mirror src=sources.d lists=lists
	local suites="bookworm bookworm-backports trixie trixie-backports"
	if [ -n "${HD_APT_ARM64:-}" ]; then
		src=sources-arm64.d lists=lists-arm64 suites=bookworm
	elif [ -n "${HD_APT_SID:-}" ]; then
		src=sources-sid.d lists=lists-sid suites=sid
	fi
	mkdir -p "$a/$lists/partial" "$a/$src" "$a/archives/partial" \
		"$HD_CACHE/debs"
	mirror=$(hd_mirror)
	cat >"$a/$src/hd.sources" <<-EOT
		Types: deb
		URIs: $mirror
		Suites: $suites
		Components: main
		Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
	EOT
	# Refresh the lists at most once a day: a cached run stays offline.
	if [ -z "$(find "$a/$lists" -maxdepth 1 -name '*Packages*' -mtime -1 \
			2>/dev/null | head -n 1)" ]; then
		# shellcheck disable=SC2046
		apt-get $(hd_apt_opts) -q update >/dev/null ||
			echo "warning: apt update failed; using cached lists" >&2
	fi
}

hd_apt_cache() {
	# shellcheck disable=SC2046
	apt-cache $(hd_apt_opts) "$@"
}

hd_download() {	# NAME or NAME:ARCH: print the path of its .deb, downloading it once
	local p=$1 name=${1%:*} arch='*' deb
	[ "$name" = "$p" ] || arch=${p#*:}
	deb=$(ls "$HD_CACHE/debs/${name}_"*"_"$arch.deb 2>/dev/null |
		sort -V | tail -n 1)
	if [ -z "$deb" ]; then
		# shellcheck disable=SC2046
		(cd "$HD_CACHE/debs" &&
			apt-get $(hd_apt_opts) -q download "$p" >/dev/null)
		deb=$(ls "$HD_CACHE/debs/${name}_"*"_"$arch.deb | sort -V |
			tail -n 1)
	fi
	echo "$deb"
}

hd_need() {	# install host packages that are missing
	local missing="" p
	for p in "$@"; do
		dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "installing:$missing" >&2
	# shellcheck disable=SC2086
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing \
			>/dev/null; then
		# Package lists too old or absent (a fresh machine): refresh once.
		apt-get -q update >/dev/null
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing \
			>/dev/null
	fi
}
