#!/usr/bin/env bats
# Addresses, ports and protocols as a person writes them (lib/natkey.h):
# every tool brings them to the log's form, or refuses them with the
# reason; never a silent "nothing found".
load helper
bats_require_minimum_version 1.5.0

L='2026-11-27T10:00:00.000000Z;start;tcp;10.0.0.1;40000;198.51.100.2;7001;198.51.100.1;26281;1;;;;;;'
U='2026-11-27T10:00:01.000000Z;start;udp;10.0.0.2;40000;198.51.100.2;53;198.51.100.1;26281;2;;;;;;'

@test "an IPv4-mapped IPv6 address is the IPv4 address, and the tools say so" {
	printf '%s\n%s\n' "$L" "$U" >"$TMP/log"
	for a in '[::ffff:198.51.100.1]:26281' '[::FFFF:c633:6401]:26281'; do
		run --separate-stderr ctgrep -N "$a" "$TMP/log"
		expect_eq "$a: status" "$status" 0
		expect_eq "$a: lines" "$output" "$L
$U"
		expect_eq "$a: note" "$stderr" "ctgrep: $a: taken as the IPv4 address 198.51.100.1"
	done
	run --separate-stderr cttime -a -n '[::ffff:198.51.100.1]:26281' -t 2026-11-27T10:00:00Z "$TMP/log"
	expect_eq "-n" "$status" 0
	[[ "$stderr" == *"taken as the IPv4 address 198.51.100.1"* ]] || fail "$stderr"
	printf '::ffff:198.51.100.1 26281 2026-11-27T10:00:00Z\n' >"$TMP/q"
	run --separate-stderr cttime -a -f "$TMP/q" "$TMP/log"
	expect_eq "-f" "$status" 0
	expect_eq "-f head" "${lines[0]}" "#1 198.51.100.1 26281 2026-11-27T10:00:00.000000Z 1795773600"
	run --separate-stderr ctgrep -c --nat-file "$TMP/q" "$TMP/log"
	expect_eq "--nat-file" "$output" 2
	run --separate-stderr cttime -t 2026-11-27T10:00:00Z -D '::ffff:198.51.100.2' "$TMP/log"
	expect_eq "-D" "$output" "$L
$U"
}

@test "ports with leading zeros are the number; a port no line can have is refused" {
	printf '%s\n%s\n' "$L" "$U" >"$TMP/log"
	run cttime -t 2026-11-27T10:00:00Z -D 198.51.100.2:07001 "$TMP/log"
	expect_eq "07001" "$output" "$L"
	run ctgrep -N 198.51.100.1:026281 "$TMP/log"
	expect_eq "026281" "$status" 0
	while IFS='|' read -r tool arg msg; do
		run $tool "$arg"
		expect_eq "$tool $arg: status" "$status" 2
		expect_eq "$tool $arg" "$output" "$msg"
	done <<-END
	cttime -t @0 -D|198.51.100.2:0|cttime: -D 198.51.100.2:0: bad port (1-65535)
	cttime -t @0 -D|198.51.100.2:65536|cttime: -D 198.51.100.2:65536: bad port (1-65535)
	cttime -t @0 -n|198.51.100.1:0|cttime: -n 198.51.100.1:0: bad port (1-65535)
	ctgrep -N|198.51.100.1:00|ctgrep: -N 198.51.100.1:00: bad port (1-65535)
	END
}

@test "protocols: names in any case and numbers are the log's names; others refused" {
	printf '%s\n%s\n' "$L" "$U" >"$TMP/log"
	for p in tcp TCP 6 006; do
		run cttime -t 2026-11-27T10:00:00Z -p "$p" "$TMP/log"
		expect_eq "-p $p" "$output" "$L"
	done
	run cttime -t 2026-11-27T10:00:00Z -p 17 "$TMP/log"
	expect_eq "-p 17" "$output" "$U"
	printf '%s\n' '2026-11-27T10:00:02.000000Z;start;250;10.0.0.3;;198.51.100.2;;198.51.100.1;;3;;;;;;' >"$TMP/log"
	run cttime -t 2026-11-27T10:00:00Z -p 250 "$TMP/log"
	expect_eq "-p 250" "$status" 0
	for p in -x 'tcp;' 256 ''; do
		run cttime -t @0 -p "$p" </dev/null
		expect_eq "-p '$p': status" "$status" 2
		[[ "$output" == "cttime: -p $p: not a protocol"* ]] || fail "$output"
	done
}

@test "a complaint file cannot send escapes to the terminal" {
	printf '\033]0;owned\007 80 @0\n10.0.0.1 8\033[2J0 @0\n10.0.0.1 80 \033[31mnow\n' >"$TMP/q"
	run --separate-stderr cttime -a -f "$TMP/q" </dev/null
	expect_eq status "$status" 2
	case $stderr in
	*$'\033'*) fail "an escape reached stderr: $(printf '%s' "$stderr" | od -c | head)" ;;
	esac
	expect_eq lines "$(printf '%s\n' "$stderr" | wc -l)" 3
	run --separate-stderr ctverdict -c -f "$TMP/q"
	case $stderr in
	*$'\033'*) fail "ctverdict -c: an escape reached stderr" ;;
	esac
	run sh -c 'ctverdict -f "$1" </dev/null' - "$TMP/q"
	case $output in
	*$'\033'*) fail "ctverdict: an escape reached the report" ;;
	esac
}
