#!/usr/bin/env bash
# Runs every fuzz target for a fixed time budget each, one after another,
# starting from its committed seed corpus (the package's testdata/fuzz/).
# FUZZTIME overrides the budget (default 10s). A failing input is written to
# testdata/fuzz/<Target>/ and the script exits non-zero: commit the input
# with the fix, so it stays a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime="${FUZZTIME:-10s}"
targets=(
	"./internal/probe FuzzParseTarget"
	"./internal/ad FuzzReadLDIF"
	"./internal/ad FuzzStoreCertificate"
	"./internal/ad FuzzGuardConn"
	"./internal/lab FuzzLDAPRequest"
	"./internal/diag FuzzMatchHost"
	"./internal/remedy FuzzQuote"
	"./internal/inventory FuzzParseSerialNumber"
	"./internal/report FuzzRender"
	"./internal/report FuzzJUnitNagios"
	"./internal/safetext FuzzEscape"
	"./internal/safetext FuzzHostName"
)

# A new fuzz target must be added above, or it would never run in CI.
listed=$(printf '%s\n' "${targets[@]}" | awk '{print $2}' | sort)
found=$(grep -rhoE "^func (Fuzz[A-Za-z0-9_]+)\(" --include="*_test.go" internal cmd | sed -E "s/^func (Fuzz[A-Za-z0-9_]+)\(/\1/" | sort -u)
if [ "$listed" != "$found" ]; then
	echo "fuzz.sh: the targets listed differ from the Fuzz functions in the tree:" >&2
	diff <(echo "$listed") <(echo "$found") >&2 || true
	exit 1
fi

for t in "${targets[@]}"; do
	read -r pkg name <<<"$t"
	echo "fuzz: $name in $pkg for $fuzztime"
	go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" -fuzzminimizetime 5s "$pkg"
done
