#!/usr/bin/env bats
# cttime -f: many queries in one pass, each answered as if asked alone.

bats_require_minimum_version 1.5.0
load helper

# day: a generated log (t/bench/gen.pl through ctparse) whose NAT ports are
# folded onto 40 per address, so that keys are reused by many flows, some
# of them overlapping: hard cases for pairing and ranking.  Queries: N
# lines of the log, each asked about at its own time plus or minus up to
# 400 s, plus keys that are not in the log and IPv6 spellings.
setup_file() {
	D=$BATS_FILE_TMPDIR
	# (a file, not a pipe: ctparse stamps a capture's records with its
	# events' own time, a pipe's with the clock)
	{ dumphead; perl "$BATS_TEST_DIRNAME/bench/gen.pl" -n 40000 -s 11 -d 5400 -i 200; } >"$D/raw"
	ctparse "$D/raw" 2>/dev/null |
	    awk -F';' -v OFS=';' '$9 != "" { $9 = 40000 + $9 % 40 } 1' \
	    >"$D/day.csv"
	awk -F';' -v seed=5 'BEGIN { srand(seed) }
	    $2 == "start" || $2 == "stop" {
		if (rand() < 0.004) {
			cmd = "date -u -d " substr($1, 1, 19) " +%s"
			cmd | getline s; close(cmd)
			nat = index($8, ":") ? "[" $8 "]" : $8
			off = rand() < 0.5 ? rand() * 40 - 20 : rand() * 800 - 400
			printf "%s %s @%d\n", nat, $9, s + int(off)
		}
	    }' "$D/day.csv" >"$D/q"
	printf '%s\n' '# not in the log:' '192.0.2.1 40001 2026-11-27T00:30:00Z' \
	    '2001:DB8:FFFF:0::1 40003 2026-11-27 01:00:00Z' >>"$D/q"
	export D
}

# split OUT DIR: cttime -f output into DIR/LINE, one file per answer
split() {
	mkdir -p "$2"
	awk -v d="$2" '/^#/ { f = d "/" substr($1, 2); printf "" >f; next }
	    { print >f }' "$1"
}

@test "-f: every answer equals cttime -t on ctgrep -N of its key (every mode)" {
	n=$(grep -c -v '^#' "$D/q")
	[ "$n" -ge 100 ] || fail "only $n queries"
	# each query alone: its key's lines, as cttrace would pass them
	mkdir "$TMP/k"
	lineno=0
	while IFS= read -r q; do
		lineno=$((lineno + 1))
		case $q in '#'*) continue ;; esac
		set -- $q
		case $1 in
		*:*) key="[${1#[}"; key="${key%]}]:$2" ;;
		*) key=$1:$2 ;;
		esac
		shift 2
		printf '%s\n' "$*" >"$TMP/k/$lineno.t"
		ctgrep --records -N "$key" "$D/day.csv" >"$TMP/k/$lineno" || true
	done <"$D/q"
	for mode in "" "-1" "-a" "-a -P" "-a -P -p tcp -w 0.5 -A 600"; do
		st=0
		cttime -f "$D/q" $mode "$D/day.csv" >"$TMP/batch" || st=$?
		[ "$st" -eq 0 ] || fail "-f $mode: exit $st"
		rm -rf "$TMP/a"
		split "$TMP/batch" "$TMP/a"
		[ "$(ls "$TMP/a" | wc -l)" -eq "$n" ] ||
		    fail "-f $mode: $(ls "$TMP/a" | wc -l) answers for $n queries"
		nonempty=0
		for t in "$TMP"/k/*.t; do
			k=${t%.t}
			cttime -t "$(cat "$t")" $mode "$k" >"$TMP/single" || true
			cmp -s "$TMP/single" "$TMP/a/${k##*/}" ||
			    fail "-f $mode: query ${k##*/} differs: $(diff "$TMP/single" "$TMP/a/${k##*/}")"
			[ -s "$TMP/single" ] && nonempty=$((nonempty + 1))
		done
		case $mode in
		-1 | "-a -P") [ "$nonempty" -ge $((n / 2)) ] ||
		    fail "-f $mode: only $nonempty answers" ;;
		esac
	done
}

@test "-f: the header names the line, the key as logged, the instant" {
	printf '%s\n' '' '# a comment' '  [2001:DB8:FFFF::1]   40003   2026-11-27 01:00:00+01:00  ' \
	    '192.76.8.20 40001 @1795737600.5' >"$TMP/q"
	run --separate-stderr cttime -f "$TMP/q" </dev/null
	[ "$status" -eq 1 ]
	expect_eq header "$output" "#3 2001:db8:ffff::1 40003 2026-11-27T00:00:00.000000Z 1795737600
#4 192.76.8.20 40001 2026-11-27T00:00:00.500000Z 1795737600"
	expect_eq stderr "$stderr" ""
}

@test "-f: a bad query line is named with its line, the others are answered" {
	line=$(grep -m1 ';start;' "$D/day.csv")
	nat=$(echo "$line" | cut -d';' -f8) port=$(echo "$line" | cut -d';' -f9)
	t=$(echo "$line" | cut -d';' -f1)
	printf '%s\n' "$nat $port $t" '192.76.8.300 1 2026-11-27T00:00:00Z' \
	    "$nat 0 $t" "$nat 65536 $t" "$nat $port" "$nat" \
	    "$nat $port 2026-13-01T00:00:00Z" "$nat $port $t" >"$TMP/q"
	run --separate-stderr cttime -a -f "$TMP/q" "$D/day.csv"
	[ "$status" -eq 2 ] || fail "exit $status"
	expect_eq answers "$(grep '^#' <<<"$output" | cut -d' ' -f1 | tr '\n' ' ')" "#1 #8 "
	expect_eq "first answer" "$(sed -n 2p <<<"$output")" "$line"
	[ "$(grep -c . <<<"$stderr")" -eq 6 ] || fail "stderr: $stderr"
	for n in 2 3 4 5 6 7; do
		grep -q "^cttime: $TMP/q:$n: " <<<"$stderr" || fail "no warning for line $n: $stderr"
	done
	grep -q ':2: 192.76.8.300: not an IPv4 or IPv6 address$' <<<"$stderr"
	grep -q ':3: 0: bad port (1-65535)$' <<<"$stderr"
}

@test "-f: an empty query file, a missing one" {
	: >"$TMP/q"
	run --separate-stderr cttime -f "$TMP/q" "$D/day.csv"
	[ "$status" -eq 1 ] && [ -z "$output" ] && [ -z "$stderr" ]
	run --separate-stderr cttime -f "$TMP/none" "$D/day.csv"
	[ "$status" -eq 2 ] && [ -z "$output" ]
	expect_eq stderr "$stderr" "cttime: $TMP/none: No such file or directory"
}

@test "-f: a lost record is every query's (in its window), as with -t" {
	lost='2026-11-27T10:06:50.000000Z;lost;;;;;;;;;;;;'
	a='2026-11-27T10:06:48.000000Z;start;tcp;10.0.0.1;1000;198.51.100.2;80;203.0.113.7;40123;1;;;;'
	b='2026-11-27T10:06:49.000000Z;start;tcp;10.0.0.2;1000;198.51.100.2;80;203.0.113.8;40123;2;;;;'
	printf '%s\n' "$a" "$b" "$lost" >"$TMP/log"
	printf '%s\n' '203.0.113.7 40123 2026-11-27T10:06:49Z' \
	    '203.0.113.8 40123 2026-11-27T10:06:49Z' \
	    '203.0.113.9 40123 2026-11-27T11:00:00Z' >"$TMP/q"
	run --separate-stderr cttime -u -f "$TMP/q" "$TMP/log"
	[ "$status" -eq 0 ]
	expect_eq output "$output" "#1 203.0.113.7 40123 2026-11-27T10:06:49.000000Z 1795774009
$a
$lost
#2 203.0.113.8 40123 2026-11-27T10:06:49.000000Z 1795774009
$b
$lost
#3 203.0.113.9 40123 2026-11-27T11:00:00.000000Z 1795777200"
	# once warned, not once per query
	run --separate-stderr cttime -a -f "$TMP/q" "$TMP/log"
	[ "$(grep -c 'lost events' <<<"$stderr")" -eq 1 ] || fail "$stderr"
}

@test "-f: reading stops when every query is past its window" {
	# a query in the first minutes of the day: the rest is not read
	t=$(head -n 1 "$D/day.csv" | cut -d';' -f1)
	printf '192.76.8.20 40001 %s\n' "$t" >"$TMP/q"
	# (through a pipe: a file on stdin would be bisected, probes counted)
	CTTIME_DEBUG=1 run --separate-stderr sh -c 'cat "$1" |
	    "$3" -a -P -R 0 -f "$2"' sh "$D/day.csv" "$TMP/q" "$HOOKS/cttime"
	read_=$(sed -n 's/.*debug: stdin: \([0-9]*\) bytes read/\1/p' <<<"$stderr")
	size=$(wc -c <"$D/day.csv")
	[ -n "$read_" ] && [ "$read_" -lt $((size / 4)) ] || fail "read $read_ of $size"
	# a second query at the end of the log: all of it
	printf '192.76.8.20 40001 %s\n' "$(tail -n 1 "$D/day.csv" | cut -d';' -f1)" >>"$TMP/q"
	CTTIME_DEBUG=1 run --separate-stderr sh -c 'cat "$1" |
	    "$3" -a -P -f "$2"' sh "$D/day.csv" "$TMP/q" "$HOOKS/cttime"
	read_=$(sed -n 's/.*debug: stdin: \([0-9]*\) bytes read/\1/p' <<<"$stderr")
	[ "$read_" -eq "$size" ] || fail "read $read_ of $size"
}

@test "-R: -P reads on for stop lines at most this long past the window" {
	a='2026-11-27T10:06:48.000000Z;start;tcp;10.0.0.1;1000;198.51.100.2;80;203.0.113.7;40123;1;;;;'
	x='2026-11-27T10:08:10.000000Z;start;tcp;10.0.0.1;1000;198.51.100.2;80;203.0.113.7;40124;2;;;;'
	s='2026-11-27T10:09:00.000000Z;stop;tcp;10.0.0.1;1000;198.51.100.2;80;203.0.113.7;40123;1;3;180;2;120'
	printf '%s\n' "$a" "$x" "$s" >"$TMP/log"
	for r in "" "-R 61" "-R 100"; do
		run cttime -a -P $r -t 2026-11-27T10:06:49Z "$TMP/log"
		expect_eq "$r" "$output" "$a
$s"
	done
	# the window ends at 10:06:59, the skew is 60: 10:08:10 is past it,
	# and reading on for the stop ends there with -R 0 (and -R 10)
	for r in "-R 0" "-R 10"; do
		run cttime -a -P $r -t 2026-11-27T10:06:49Z "$TMP/log"
		expect_eq "$r" "$output" "$a"
	done
}
