#!/usr/bin/env bash
# The Windows tier (make windows-wine): installs Wine, the mingw binutils
# and tmux from Debian when missing, then runs internal/tools/wine's tests,
# which build the shim, the GOROOT overlay and the prefix themselves.
# EXDIAG_WINE_DIR keeps the prefix elsewhere than the user's cache.
set -euo pipefail
cd "$(dirname "$0")/../../.."

pkgs="wine64 binutils-mingw-w64-x86-64 tmux iproute2 util-linux"
missing=""
for p in $pkgs; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$status" = "install ok installed" ] || missing="$missing $p"
done
if [ -n "$missing" ]; then
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	echo "wine tier: installing$missing"
	$sudo apt-get update -qq
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

start=$(date +%s)
status=0
EXDIAG_WINE=1 go test -count=1 -timeout 40m -v ./internal/tools/wine/ "$@" || status=$?
echo "wine tier: $(($(date +%s) - start)) s"
exit "$status"
