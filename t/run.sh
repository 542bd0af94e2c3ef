#!/bin/sh
# Run the bats suites given (default: every t/*.bats) and end with one
# summary line "N passed, N failed, N skipped" for CI.  Exit 1 on failure.
cd "$(dirname "$0")/.." || exit 2
[ $# -gt 0 ] || set -- t/*.bats
out=$(mktemp) || exit 2
trap 'rm -f "$out"' EXIT
${BATS:-bats} --tap "$@" | tee "$out"
rc=$?
pass=$(grep -c '^ok .*' "$out" | head -1)
skip=$(grep -c '^ok .* # skip' "$out")
fail=$(grep -c '^not ok ' "$out")
pass=$((pass - skip))
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ] || exit 1
exit $rc
