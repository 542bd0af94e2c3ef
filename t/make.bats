#!/usr/bin/env bats
# The Makefile: install and uninstall honour DESTDIR and PREFIX; the user's
# CFLAGS are used; the build is warning-free.
load helper

@test "make install / uninstall with DESTDIR and PREFIX" {
	make -s -C "$TOP" install DESTDIR="$TMP/root" PREFIX=/opt/ct >"$TMP/out" 2>&1 ||
		fail "$(cat "$TMP/out")"
	for b in $(cd "$TOP" && ls cmd/*.1 | sed 's|cmd/||; s|\.1$||'); do
		[ -x "$TMP/root/opt/ct/bin/$b" ] || fail "no $b"
		[ -f "$TMP/root/opt/ct/share/man/man1/$b.1" ] || fail "no $b.1"
	done
	"$TMP/root/opt/ct/bin/ctparse" -V | grep -q '^ctparse '
	make -s -C "$TOP" uninstall DESTDIR="$TMP/root" PREFIX=/opt/ct
	expect_eq left "$(find "$TMP/root" -type f | wc -l)" 0
}

@test "the build is warning-free with the user's CFLAGS (gcc and clang)" {
	for cc in gcc clang; do
		command -v $cc >/dev/null || continue
		rm -rf "$TMP/src" && mkdir "$TMP/src"
		(cd "$TOP" && git ls-files -z 2>/dev/null | xargs -0 cp --parents -t "$TMP/src") ||
			cp -r "$TOP/cmd" "$TOP/lib" "$TOP/Makefile" "$TMP/src/"
		make -C "$TMP/src" CC=$cc CFLAGS="-std=c11 -O1 -Wall -Wextra -Werror -DCT_USERFLAG" \
		    >"$TMP/out" 2>&1 || fail "$cc: $(cat "$TMP/out")"
		grep -q -- '-DCT_USERFLAG' "$TMP/out" || fail "CFLAGS not used"
	done
}

@test "make demo: the sample logged and traced: one answer, several, a gap; README shows what it prints" {
	run make -s -C "$TOP" demo
	[ "$status" -eq 0 ] || fail "$output"
	# the sample's truth (its server saw 10.30.0.9 on port 20013 then)
	expect_eq "one answer" "$(grep -c '^verdict: one answer: 10.30.0.9$' <<<"$output")" 2
	expect_eq several "$(grep -c '^verdict: several candidates: 2 inside hosts' <<<"$output")" 1
	expect_eq "the outage" "$(grep -c '^verdict: unknown: the log has gaps' <<<"$output")" 1
	[[ "$output" == *"gap: conntrack restarted at 2026-11-30T08:14:14.111218Z"* ]] || fail "$output"
	[[ "$output" == *"ctparse: 104 events written, 0 dropped, 0 lines rejected"* ]] || fail "$output"
	# README's answers are the demo's, line for line
	printf '%s\n' "$output" >"$TMP/demo"
	awk '/\(from make demo/ || /from make demo\):$/ { on = 1; next }
	    on && /^    / { sub(/^    /, ""); print; seen = 1; next }
	    on && seen && /^$/ { on = seen = 0 }' "$TOP/README" >"$TMP/readme"
	[ "$(wc -l <"$TMP/readme")" -ge 14 ] || fail "README: $(cat "$TMP/readme")"
	while IFS= read -r l; do
		grep -qxF -- "$l" "$TMP/demo" || fail "README shows a line make demo does not print: $l"
	done <"$TMP/readme"
}
