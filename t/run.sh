#!/bin/sh
# Run the bats suites given (default: every t/*.bats) and end with one
# summary line "N passed, N failed, N skipped" for CI.  Exits with bats'
# status, or 1 when a test failed or none passed.
cd "$(dirname "$0")/.." || exit 2
[ $# -gt 0 ] || set -- t/*.bats
out=$(mktemp) || exit 2
trap 'rm -f "$out"' EXIT
# bats' own status, not tee's
rc=$({ { ${BATS:-bats} --tap "$@"; echo $? >&3; } | tee "$out" >&4; } 3>&1) 4>&1
pass=$(grep -c '^ok .*' "$out" | head -1)
skip=$(grep -c '^ok .* # skip' "$out")
fail=$(grep -c '^not ok ' "$out")
pass=$((pass - skip))
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ] || exit 1
exit $rc
