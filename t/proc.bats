#!/usr/bin/env bats
# lib/proc.h, the job table every tool's children are in: tags choose
# whom a cleanup stops (ctzip's cleanup of its workers once stopped its
# pairing process too), a status reaped early is kept, a forked child's
# table is empty, SIGPIPE is left to the caller (t/proctest).
load helper

@test "the job table: tags, statuses kept, children, SIGPIPE (t/proctest)" {
	run timeout 60 "$BATS_TEST_DIRNAME/proctest"
	[ "$status" -eq 0 ] || fail "$output"
	[[ "${lines[-1]}" == "13 checks, 0 failed" ]] || fail "$output"
}
