#!/usr/bin/env bash
# Builds the release with `make dist` and checks it as a user would: every
# platform of the Makefile has its archive, SHA256SUMS verifies, each
# archive holds the binary, README.md and LICENSE under its own folder, and
# each binary is built for its platform without cgo (`go version -m`) and
# carries the release version: run for the machine's own platform; for the
# others the stamped string is looked for in the binary, as -trimpath keeps
# -ldflags out of the build information. A second `make dist` of the same
# commit must give the same SHA256SUMS.
set -euo pipefail
cd "$(dirname "$0")/.."

version="${DIST_VERSION:-v0.0.0-ci}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
make -s dist VERSION="$version"
cp dist/SHA256SUMS "$work/SHA256SUMS.first"

fail() { echo "dist.sh: $*" >&2; exit 1; }

(cd dist && sha256sum --strict -c SHA256SUMS)
platforms=$(make -s dist-platforms)
[ "$(wc -l <dist/SHA256SUMS)" -eq "$(wc -w <<<"$platforms")" ] || fail "SHA256SUMS lists $(wc -l <dist/SHA256SUMS) archives for: $platforms"
for p in $platforms; do
	os=${p%/*} arch=${p#*/}
	folder="exdiag_${version}_${os}_${arch}" exe=exdiag
	if [ "$os" = windows ]; then
		exe=exdiag.exe
		unzip -q "dist/$folder.zip" -d "$work"
	else
		tar -xzf "dist/$folder.tar.gz" -C "$work"
	fi
	bin="$work/$folder/$exe"
	[ -x "$bin" ] || fail "$folder: no executable $exe"
	cmp -s README.md "$work/$folder/README.md" || fail "$folder: README.md differs from the checkout's"
	cmp -s LICENSE "$work/$folder/LICENSE" || fail "$folder: LICENSE differs from the checkout's"
	info=$(go version -m "$bin")
	grep -qE "^[[:space:]]+build[[:space:]]+GOOS=$os\$" <<<"$info" || fail "$folder: not built for GOOS=$os"
	grep -qE "^[[:space:]]+build[[:space:]]+GOARCH=$arch\$" <<<"$info" || fail "$folder: not built for GOARCH=$arch"
	grep -qE "^[[:space:]]+build[[:space:]]+CGO_ENABLED=0\$" <<<"$info" || fail "$folder: built with cgo"
	grep -qaF -- "$version" "$bin" || fail "$folder: version $version not stamped"
	if [ "$p" = "$(go env GOOS)/$(go env GOARCH)" ]; then
		got=$("$bin" version | head -n1)
		[ "$got" = "exdiag $version" ] || fail "$folder: 'exdiag version' says '$got', want 'exdiag $version'"
	fi
	echo "dist.sh: $folder: ok"
done

make -s dist VERSION="$version"
cmp -s dist/SHA256SUMS "$work/SHA256SUMS.first" || fail "a second make dist of the same commit gave other archives"
echo "dist.sh: the release is complete, verifiable and reproducible"
