#!/usr/bin/env bats
# ctgrep.bats - black-box tests of cmd/ctgrep.  Run by `make check` with
# LC_ALL=C and TZ=UTC.
#
# Most cases are one line of the table form
#	ck STATUS 'STDIN' 'STDOUT' ARG...
# STDIN and STDOUT are printf %b strings (\n, \r, \0 escapes); stdout is
# compared byte for byte and the exit status exactly.

setup() {
	C="$BATS_TEST_DIRNAME/../cmd/ctgrep"
	CA="$BATS_TEST_DIRNAME/ctgrep-algo"	# with CTGREP_ALGO (Makefile)
	T="$BATS_TEST_TMPDIR"
	export C CA T
}

# ctg ARG...: ctgrep on $T/in, output in $T/out and $T/err
ctg() {
	"$C" "$@" < "$T/in" > "$T/out" 2> "$T/err"
}

# ctga ARG...: the same with the test build, which reads CTGREP_ALGO
ctga() {
	"$CA" "$@" < "$T/in" > "$T/out" 2> "$T/err"
}

ck() {
	local st=$1
	printf '%b' "$2" > "$T/in"
	printf '%b' "$3" > "$T/want"
	shift 3
	run ctg "$@"
	if [ "$status" -ne "$st" ] || ! cmp -s "$T/want" "$T/out"; then
		echo "ctgrep $*: status $status, want $st; stdout:"
		od -c "$T/out" | head -20
		cat "$T/err"
		return 1
	fi
}

# one line on stderr, starting "ctgrep: "
err1() {
	[ "$(wc -l < "$T/err")" -eq 1 ] && grep -q "^ctgrep: $1" "$T/err" || {
		cat "$T/err"
		return 1
	}
}

# conntrack CSV lines (lib/csv.h): the pair 203.0.113.5 40123 as nat
# (1, 3), as destination only (2), as source only (4); IPv6 nat (5)
csv() {
	printf '%s\n' \
	'2026-11-27T05:31:09.677741Z;start;tcp;10.1.2.3;51234;93.184.216.34;443;203.0.113.5;40123;41;;;;' \
	'2026-11-27T05:31:10.000000Z;start;udp;10.1.2.4;51235;203.0.113.5;40123;198.51.100.1;6000;42;;;;' \
	'2026-11-27T05:31:11.000000Z;stop;tcp;10.1.2.5;51236;203.0.113.5;40123;203.0.113.5;40123;43;1;60;1;60' \
	'2026-11-27T05:31:12.000000Z;start;tcp;203.0.113.5;40123;192.0.2.1;80;203.0.113.6;1024;44;;;;' \
	'2026-11-27T05:31:13.000000Z;start;tcp;2001:db8:1::5;40000;2a00:1450::1;443;2001:db8::1;61234;45;;;;'
}

@test "lines containing the pattern, in order, byte for byte" {
	ck 0 'a1\nb\na2\nxa\n' 'a1\na2\nxa\n' a
	ck 0 'one two\n' 'one two\n' 'e t'
	ck 1 'abc\ndef\n' '' x
	ck 0 '-x\n' '-x\n' -- -x
}

@test "FILE - or none is standard input; files are one input, in order" {
	printf 'a1\nb\n' > "$T/f1"
	printf 'a2\n' > "$T/f2"
	ck 0 'a3\n' 'a1\na3\na2\n' a "$T/f1" - "$T/f2"
	ck 0 'a3\n' '3\n' -c a "$T/f1" - "$T/f2"
	ck 0 'a3\n' 'a1\na3\n' -m 2 a "$T/f1" - "$T/f2"
}

@test "-c counts matching lines" {
	ck 0 'a\nb\naa\n' '2\n' -c a
	ck 1 'b\n' '0\n' -c a
	ck 1 '' '0\n' -c a
	ck 0 'a\nb\n' '2\n' --count ''
}

@test "-q prints nothing, exit status only" {
	ck 0 'a\n' '' -q a
	ck 1 'b\n' '' -q a
	ck 0 'a\n' '' -q -c a
	ck 0 'a\n' '' --quiet a
}

@test "-m NUM stops after NUM matching lines" {
	ck 0 'a1\na2\na3\n' 'a1\na2\n' -m 2 a
	ck 0 'a1\nb\n' 'a1\n' -m 5 a
	ck 0 'a1\na2\na3\n' '2\n' -c -m 2 a
	ck 1 'a1\n' '' -m 0 a
	ck 0 'a1\na2\n' 'a1\n' --max-count=1 a
	ck 2 'a\n' '' -m x a
	err1 '-m x: not a number'
	ck 2 'a\n' '' -m -1 a
}

@test "-m NUM stops reading: an endless pipe ends" {
	run sh -c 'yes abc | timeout 10 "$C" -m 1 abc'
	[ "$status" -eq 0 ]
	[ "$output" = abc ]
	run sh -c 'yes abc | timeout 10 "$C" -q abc'
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
}

@test "-i: ASCII case-insensitive" {
	ck 0 'JOrd0001@OX.AC.UK\nx\njord0001@ox.ac.uk\nJORD0001@OX\n' \
	    'JOrd0001@OX.AC.UK\njord0001@ox.ac.uk\n' -i jord0001@ox.AC.uk
	ck 0 'aBc\n' 'aBc\n' --ignore-case AbC
	ck 1 'abc\n' '' Abc
	# bytes 0x20 apart that are not letters do not fold
	ck 1 '{\n`\n' '' -i '['
	ck 1 '`\n' '' -i '@'
	ck 0 '@\n' '@\n' -i '@'
	ck 1 '\xe9\n' '' -i "$(printf '\311')"
	# long lines: the vectorised paths
	ck 0 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx{xx\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx[xxxx\n' \
	    'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx[xxxx\n' -i 'x[x'
	ck 0 '................................................ZQ..\n' \
	    '................................................ZQ..\n' -i zq
}

@test "-N NATIP:PORT: only the nat and natport fields" {
	csv > "$T/log"
	run "$C" -N 203.0.113.5:40123 "$T/log"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(sed -n 1p "$T/log")" ]
	[ "${lines[1]}" = "$(sed -n 3p "$T/log")" ]
	[ "${#lines[@]}" -eq 2 ]
	run "$C" -c --nat=203.0.113.5:40123 "$T/log"
	[ "$output" = 2 ]
	run "$C" -N 203.0.113.6:1024 "$T/log"
	[ "$output" = "$(sed -n 4p "$T/log")" ]
	run "$C" -N 198.51.100.1:6000 "$T/log"
	[ "$output" = "$(sed -n 2p "$T/log")" ]
	run "$C" -N 93.184.216.34:443 "$T/log"
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	run "$C" -N 203.0.113.5:4012 "$T/log"
	[ "$status" -eq 1 ]
	run "$C" -m 1 -N 203.0.113.5:40123 "$T/log"
	[ "$output" = "$(sed -n 1p "$T/log")" ]
}

@test "-N IPv6: brackets, any spelling of the address" {
	csv > "$T/log"
	for a in '[2001:db8::1]:61234' '[2001:DB8:0::1]:61234' \
	    '[2001:0db8:0:0:0:0:0:1]:61234'; do
		run "$C" -N "$a" "$T/log"
		[ "$status" -eq 0 ]
		[ "$output" = "$(sed -n 5p "$T/log")" ]
	done
	run "$C" -N '[2001:db8::1]:61235' "$T/log"
	[ "$status" -eq 1 ]
}

@test "-N: a bad address or port is one error line, exit 2" {
	csv > "$T/in"
	for a in 1.2.3:80 1.2.3.256:80 01.2.3.4:80 1.2.3.4:0 1.2.3.4:65536 \
	    1.2.3.4:x 1.2.3.4: 1.2.3.4:+80 1.2.3.4 :80 '[2001:db8::1]' \
	    '[2001:db8::1:5' '[zz::1]:5' '[1.2.3.4]:5' 2001:db8::1:5; do
		run ctg -N "$a"
		[ "$status" -eq 2 ]
		[ ! -s "$T/out" ]
		err1 "-N "
	done
	run ctg -N 1.2.3.4:80
	[ "$status" -eq 1 ]
	run ctg -N 1.2.3.4:08080
	[ "$status" -eq 1 ]
}

@test "NUL bytes are ordinary bytes" {
	ck 0 'a\0b\nc\n' 'a\0b\n' b
	ck 0 '\0\0x\0\n\0\n' '\0\0x\0\n' x
	ck 0 'ab\0\nb\n' '2\n' -c b
}

@test "CRLF lines are printed whole" {
	ck 0 'ab\r\ncd\r\n' 'ab\r\n' ab
	ck 0 'ab\r\ncd\r\n' 'ab\r\n' "$(printf 'b\r')"
}

@test "a last line without newline is printed with one" {
	ck 0 'x\nab' 'ab\n' ab
	ck 0 'ab' 'ab\n' ''
	ck 0 'ab' 'ab\n' -i B
}

@test "empty input" {
	ck 1 '' '' a
	ck 1 '' '' ''
	ck 1 '' '0\n' -c ''
}

@test "empty pattern matches every line, as grep -F ''" {
	ck 0 'a\n\nb' 'a\n\nb\n' ''
	ck 0 '\n\n' '2\n' -c ''
}

@test "pattern longer than any line; a match never spans lines" {
	ck 1 'ab\ncd\n' '' abcd
	ck 1 'ab\ncd\n' '' bc
	ck 2 'a\nb\n' '' "$(printf 'a\nb')"
	err1 'the pattern contains a newline'
}

@test "lines over 1 MiB" {
	perl -e 'print "a\n", "x" x 3000000, "NEEDLE", "y" x 5, "\n", "NEEDLE\n", "x" x 2000000' > "$T/in"
	run ctg NEEDLE
	[ "$status" -eq 0 ]
	LC_ALL=C grep -F -a NEEDLE "$T/in" | cmp - "$T/out"
	[ "$(wc -c < "$T/out")" -eq 3000019 ]
	cat "$T/in" | "$C" NEEDLE | cmp - "$T/out"
	run ctg -c x
	[ "$(cat "$T/out")" = 2 ]
}

@test "matches across read boundaries (256 KiB reads, odd pipe chunks)" {
	# needles near every multiple of 256 KiB, lines of 1 to 99 bytes
	perl -e 'srand(7); $o = 0; while ($o < 2200000) {
	    $l = "z" x int(rand(99)); $k = $o % 262144;
	    $l = substr("0123456789" x 10, 0, length $l - 6) . "needle" if $k > 262000 || $k < 150;
	    print "$l\n"; $o += length($l) + 1 }' > "$T/in"
	LC_ALL=C grep -F -a needle "$T/in" > "$T/want"
	[ -s "$T/want" ]
	run ctg needle
	cmp "$T/want" "$T/out"
	perl -e 'binmode STDOUT; $| = 1; while (read STDIN, $b, 997) { print $b }' \
	    < "$T/in" | "$C" needle | cmp "$T/want" -
	CTGREP_ALGO=bmh "$CA" needle < "$T/in" | cmp "$T/want" -
}

@test "output is flushed before a read that may block (tail -f)" {
	{ printf 'ab1\nxx\n'; sleep 3; printf 'ab2\n'; } | "$C" ab > "$T/out" &
	sleep 1.5
	[ "$(cat "$T/out")" = ab1 ]
	wait
	[ "$(cat "$T/out")" = "$(printf 'ab1\nab2')" ]
}

@test "a missing file: message naming it, exit 2, other files searched" {
	printf 'a1\n' > "$T/f1"
	printf '' > "$T/in"
	run ctg a "$T/nosuch" "$T/f1"
	[ "$status" -eq 2 ]
	[ "$(cat "$T/out")" = a1 ]
	err1 ".*/nosuch: No such file or directory"
	run ctg a "$T"
	[ "$status" -eq 2 ]
	err1 "read error on .*: Is a directory"
	# -q: a match is success even after an error, as grep -q
	run ctg -q a "$T/nosuch" "$T/f1"
	[ "$status" -eq 0 ]
}

@test "output errors: /dev/full exit 2; a closed pipe ends quietly" {
	printf 'a\n' > "$T/in"
	run sh -c '"$C" a < "$T/in" > /dev/full'
	[ "$status" -eq 2 ]
	[ "$output" = "ctgrep: write error on standard output: No space left on device" ]
	run sh -c 'yes abc | head -c 5000000 > "$T/big"; "$C" abc "$T/big" 2> "$T/err" | head -1'
	[ "$output" = abc ]
	[ ! -s "$T/err" ]
	run sh -c 'trap "" PIPE; "$C" abc "$T/big" 2> "$T/err" | head -1; exit 0'
	[ "$output" = abc ]
	[ ! -s "$T/err" ]
}

@test "usage: -h, -V, bad options" {
	run "$C" -h
	[ "$status" -eq 0 ]
	[ "$output" = "usage: ctgrep [-ciq] [-m num] [--records] {-N natip:port | --nat-file file | -f file | pattern} [file ...]" ]
	run "$C" -V
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "ctgrep "[0-9]* ]]
	for a in -x --bogus -m; do
		printf '' > "$T/in"
		run ctg $a
		[ "$status" -eq 2 ]
		[ ! -s "$T/out" ]
		[ "$(cat "$T/err")" = "usage: ctgrep [-ciq] [-m num] [--records] {-N natip:port | --nat-file file | -f file | pattern} [file ...]" ]
	done
	run ctg
	[ "$status" -eq 2 ]
	grep -q '^usage: ' "$T/err"
	CTGREP_ALGO=bogus run ctga a
	[ "$status" -eq 2 ]
	grep -q '^ctgrep-algo: CTGREP_ALGO=bogus: ' "$T/err"
	# the installed ctgrep has no test hook: the variable means nothing
	printf 'a\n' > "$T/in"
	CTGREP_ALGO=bogus run ctg a
	[ "$status" -eq 0 ] && [ "$(cat "$T/out")" = a ] && [ ! -s "$T/err" ]
}

@test "the search core: every path against a naive search (t/bmhtest)" {
	run "$BATS_TEST_DIRNAME/bmhtest" 1 50000
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "randomised: same output and status as LC_ALL=C grep -F -a, every path" {
	cd "$BATS_TEST_DIRNAME/.."
	TMPDIR="$T" run perl t/ctgrep-diff.pl 20261127 1500 "$C"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "every EXAMPLE of ctgrep.1" {
	cd "$T"
	csv > 2026-11-27.csv
	printf '%s\n' '2026-11-27T06:00:00.000000Z;start;udp;10.1.2.9;5000;198.51.100.7;53;203.0.113.6;2000;46;;;;' >> 2026-11-27.csv
	{ csv; csv | sed 's/;45;/;46;/'; } | gzip > 2026-11-26.csv.gz
	printf '%s\n' 'Access-Request User-Name="JOrd0001@OX.AC.UK"' \
	    'Access-Request User-Name="other@ox.ac.uk"' \
	    'Accounting User-Name="jord0001@ox.ac.uk"' > radius.log
	printf '# batch of 27 November\n203.0.113.5:40123\n203.0.113.6:2000\n' > complaints.txt
	# the commands, in order, and what each must print
	want=(
	    "$(sed -n '1p;3p' 2026-11-27.csv)"
	    "$(csv | sed -n 5p)"
	    "$(sed -n '1p;3p;6p' 2026-11-27.csv)"
	    2
	    seen
	)
	PATH="$BATS_TEST_DIRNAME/../cmd:$PATH"
	i=0
	while IFS= read -r cmd; do
		run sh -c "$cmd"
		echo "$cmd: $output"
		[ "$status" -eq 0 ]
		[ "$output" = "${want[$i]}" ]
		i=$((i + 1))
	done < <(sed -n 's/^\$ //p' "$BATS_TEST_DIRNAME/../cmd/ctgrep.1")
	[ "$i" -eq "${#want[@]}" ]
}

@test "a generated CSV log: -N against awk, patterns against grep, every path" {
	perl "$BATS_TEST_DIRNAME/bench/gencsv.pl" 3000000 5 > "$T/log"
	# 30 flows, IPv4 and IPv6, and a destination pair (no -N match)
	awk -F';' 'NR % 997 == 0 { print $8 ";" $9 }' "$T/log" | head -30 > "$T/pairs"
	awk -F';' 'NR == 1000 { print $6 ";" $7 }' "$T/log" >> "$T/pairs"
	while IFS=';' read -r ip port; do
		case $ip in *:*) n="[$ip]:$port" ;; *) n="$ip:$port" ;; esac
		awk -F';' -v ip="$ip" -v port="$port" \
		    '$8 == ip && $9 == port' "$T/log" > "$T/want"
		LC_ALL=C grep -F ";$ip;$port;" "$T/log" > "$T/wantp" || :
		for algo in avx2 sse2 bmh; do
			CTGREP_ALGO=$algo "$CA" -N "$n" "$T/log" > "$T/out" || [ ! -s "$T/want" ]
			cmp "$T/want" "$T/out"
			CTGREP_ALGO=$algo "$CA" ";$ip;$port;" "$T/log" > "$T/out" || [ ! -s "$T/wantp" ]
			cmp "$T/wantp" "$T/out"
		done
	done < "$T/pairs"
}
