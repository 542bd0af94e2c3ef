# Common setup for the bats suites: the freshly built tools come first on
# PATH, every test gets its own scratch directory, and the locale and time
# zone are fixed (a test that needs another TZ sets it itself).
export LC_ALL=C
export TZ=${TZ:-UTC}
TOP=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
PATH=$TOP/cmd:$PATH

setup() {
	TMP=$(mktemp -d "${BATS_TMPDIR:-/tmp}/ct.XXXXXX")
}

teardown() {
	[ -n "${TMP:-}" ] && rm -rf "$TMP"
}

# fail MSG: end the test with a message that names what differed
fail() {
	printf '%s\n' "$*" >&2
	return 1
}

# expect_eq WHAT GOT WANT
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: got [$2], want [$3]"
}
