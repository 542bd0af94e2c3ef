#!/usr/bin/env bats
# ctgrep-multi.bats - ctgrep with many patterns in one pass: -f FILE,
# -N several times, --nat-file FILE (lib/ac.h).  Run by `make check` with
# LC_ALL=C and TZ=UTC.  The table form is that of ctgrep.bats:
#	ck STATUS 'STDIN' 'STDOUT' ARG...

setup() {
	C="$BATS_TEST_DIRNAME/../cmd/ctgrep"
	CA="$BATS_TEST_DIRNAME/ctgrep-algo"	# with CTGREP_ALGO (Makefile)
	T="$BATS_TEST_TMPDIR"
	export C CA T
}

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

err1() {
	[ "$(wc -l < "$T/err")" -eq 1 ] && grep -q "^ctgrep: $1" "$T/err" || {
		cat "$T/err"
		return 1
	}
}

# pats 'P1\nP2...': the pattern file $T/p (printf %b)
pats() {
	printf '%b' "$1" > "$T/p"
}

# every search path gives the same as grep: CTGREP_ALGO values
ALGOS="avx2 bmh dfa nfa"

@test "-f: lines containing any pattern, once each, in input order" {
	pats 'ab\ncd\n'
	ck 0 'xab\ncd\nef\nabcd\n' 'xab\ncd\nabcd\n' -f "$T/p"
	ck 1 'ef\n' '' -f "$T/p"
	# overlapping, prefixes and suffixes of each other, duplicates
	pats 'abc\nab\nbc\nabc\nb\n'
	ck 0 'a\nxb\nabc\nc\n' 'xb\nabc\n' -f "$T/p"
	pats 'needle1\nneedle12\nle12\n'
	ck 0 'needle\nxneedle1\nle12\n' 'xneedle1\nle12\n' -f "$T/p"
	ck 0 'xneedle1\nle12\n' 'xneedle1\nle12\n' --file="$T/p"
	# several -f add up
	pats 'ab\n'
	printf 'zz\n' > "$T/p2"
	ck 0 'ab\nzz\nq\n' 'ab\nzz\n' -f "$T/p" -f "$T/p2"
}

@test "-f: an empty file matches nothing, an empty line everything" {
	pats ''
	ck 1 'a\nb\n' '' -f "$T/p"
	ck 1 'a\nb\n' '0\n' -c -f "$T/p"
	pats 'x\n\n'
	ck 0 'a\n\nb' 'a\n\nb\n' -f "$T/p"
	pats '\n'
	ck 0 'a\nb\n' 'a\nb\n' -f "$T/p"
}

@test "-f: a last line without newline counts; CR is part of the pattern" {
	pats 'ab\ncd'
	ck 0 'cd\nx\n' 'cd\n' -f "$T/p"
	pats 'ab\r\ncd\r\n'
	ck 1 'ab\ncd\n' '' -f "$T/p"
	ck 0 'ab\r\ncd\n' 'ab\r\n' -f "$T/p"
}

@test "-f: a missing file, -f with -N: one error line, exit 2" {
	printf 'a\n' > "$T/in"
	run ctg -f "$T/nosuch"
	[ "$status" -eq 2 ]
	err1 ".*/nosuch: No such file or directory"
	pats 'a\n'
	run ctg -f "$T/p" -N 1.2.3.4:5
	[ "$status" -eq 2 ]
	err1 "-f searches text, -N and --nat-file NAT keys: not both"
	# with -f there is no pattern argument: the first operand is a file
	run ctg -f "$T/p" "$T/in"
	[ "$status" -eq 0 ]
	[ "$(cat "$T/out")" = a ]
}

@test "-f with -c -m -q -i, NUL bytes" {
	pats 'a1\nb2\n'
	ck 0 'a1\nb2\nc\na1b2\n' '3\n' -c -f "$T/p"
	ck 0 'a1\nb2\nc\na1b2\n' 'a1\nb2\n' -m 2 -f "$T/p"
	ck 0 'a1\nb2\nc\na1b2\n' '2\n' -c -m 2 -f "$T/p"
	ck 0 'c\nb2\n' '' -q -f "$T/p"
	ck 1 'c\n' '' -q -f "$T/p"
	ck 0 'A1\nB2\nc\n' 'A1\nB2\n' -i -f "$T/p"
	ck 1 'A1\nB2\nc\n' '' -f "$T/p"
	pats 'x\0y\nq\0\n'
	ck 0 'x\0y\nxy\nq\0\0\n\0q\n' 'x\0y\nq\0\0\n' -f "$T/p"
	run sh -c 'yes abc | timeout 10 "$C" -m 1 -f "$T/p2" ' || :
	printf 'abc\nzzz\n' > "$T/p2"
	run sh -c 'yes abc | timeout 10 "$C" -m 1 -f "$T/p2"'
	[ "$status" -eq 0 ]
	[ "$output" = abc ]
}

@test "randomised: -f same output and status as LC_ALL=C grep -F -a -f, every path" {
	cd "$T"
	for seed in $(seq 1 60); do
		perl -e 'srand($ARGV[0]);
		    my @a = ("0123456789.;\n", "ab;\n", "aAbB\0\r\n", "abc\n\n");
		    my $a = $a[$ARGV[0] % 4];
		    my $n = int(rand(3000));
		    print join "", map { substr($a, int(rand(length $a)), 1) } 1 .. $n;
		    open(my $p, ">", "p") or die;
		    my $np = 2 + int(rand($ARGV[0] % 3 ? 6 : 200));
		    my $b = join "", map { substr($a, int(rand(length $a)), 1) } 1 .. 6;
		    $b =~ s/\n//g;
		    for (1 .. $np) {
		        my $s = join "", map { substr($a, int(rand(length $a)), 1) } 1 .. 1 + int(rand(6));
		        $s =~ s/\n//g;
		        $s = (rand() < 0.5 ? $b : "") . $s;
		        print $p "$s\n";
		    }' "$seed" > in
		grep -q . p || continue
		st=0
		LC_ALL=C grep -F -a -f p in > want || st=$?
		for algo in $ALGOS; do
			s=0
			CTGREP_ALGO=$algo "$CA" -f p in > out || s=$?
			cmp want out || fail "seed $seed $algo: output differs"
			[ "$s" -eq "$st" ] || fail "seed $seed $algo: status $s, grep $st"
			CTGREP_ALGO=$algo "$CA" -c -f p in > out || :
			[ "$(cat out)" = "$(LC_ALL=C grep -F -a -c -f p in)" ] ||
			    fail "seed $seed $algo: -c differs"
		done
	done
}

@test "10,000 patterns, matches across 256 KiB reads: same as grep -F -f" {
	cd "$T"
	perl -e 'srand(11); for (1 .. 10000) {
	    print ";", join(".", map { int(rand(256)) } 1 .. 4), ";", 1 + int(rand(65535)), ";\n" }' > p
	# 3 MB of lines with patterns near every multiple of 256 KiB
	perl -e 'srand(12); open(P, "<", "p"); chomp(my @p = <P>);
	    my $o = 0; while ($o < 3000000) {
	        my $l = "x" x int(rand(120));
	        my $k = $o % 262144;
	        $l .= $p[int(rand(@p))] if $k > 262000 || $k < 150 || rand() < 0.01;
	        print "$l\n"; $o += length($l) + 1 }' > in
	LC_ALL=C grep -F -a -f p in > want
	[ "$(wc -l < want)" -gt 100 ]
	for algo in $ALGOS; do
		CTGREP_ALGO=$algo "$CA" -f p in > out
		cmp want out
	done
	perl -e 'binmode STDOUT; $| = 1; while (read STDIN, $b, 997) { print $b }' \
	    < in | "$C" -f p | cmp want -
}

# a CSV log with lines that hold one key as destination and another as nat
csvlog() {
	perl "$BATS_TEST_DIRNAME/bench/gencsv.pl" 2000000 7 > "$T/log"
	{
	printf '%s\n' \
	'2026-11-27T23:59:59.000000Z;start;tcp;10.1.2.3;5;203.0.113.5;40123;203.0.113.17;555;1;;;;' \
	'2026-11-27T23:59:59.100000Z;start;tcp;10.1.2.3;6;203.0.113.17;555;203.0.113.5;40123;2;;;;' \
	'2026-11-27T23:59:59.200000Z;start;tcp;10.1.2.3;7;203.0.113.17;555;203.0.113.33;9;3;;;;'
	} >> "$T/log"
}

@test "-N many keys: the same as each -N alone, merged (destination and nat)" {
	csvlog
	cd "$T"
	# 40 nat pairs of the log, IPv4 and IPv6, and the planted ones
	awk -F';' 'NR % 331 == 0 { if ($8 ~ /:/) print "[" $8 "]:" $9; else print $8 ":" $9 }' log |
	    head -40 > keys
	printf '%s\n' 203.0.113.5:40123 203.0.113.17:555 >> keys
	: > each
	args=()
	while read -r k; do
		"$C" -N "$k" log >> each || :
		args+=(-N "$k")
	done < keys
	sort -u each > union
	LC_ALL=C grep -F -x -f union log > want
	[ "$(wc -l < want)" -gt 40 ]
	for algo in $ALGOS; do
		CTGREP_ALGO=$algo "$CA" --nat-file keys log > out
		cmp want out
		CTGREP_ALGO=$algo "$CA" "${args[@]}" log > out
		cmp want out
	done
	# the planted lines alone: one key as destination, another as nat
	tail -3 log > planted
	run "$C" -N 203.0.113.17:555 planted
	[ "$output" = "$(sed -n 1p planted)" ]
	run "$C" -N 203.0.113.17:555 -N 203.0.113.5:40123 planted
	[ "$output" = "$(sed -n 1,2p planted)" ]
	run "$C" -c -N 203.0.113.5:40123 -N 203.0.113.33:9 planted
	[ "$output" = 2 ]
}

@test "-N keys with -c -m -q; -i changes nothing for -N" {
	csvlog
	cd "$T"
	printf '%s\n' 203.0.113.5:40123 203.0.113.17:555 203.0.113.33:9 > keys
	run "$C" -c --nat-file keys log
	[ "$output" -ge 3 ]
	n=$output
	run "$C" -m 2 --nat-file keys log
	[ "${#lines[@]}" -eq 2 ]
	run "$C" -q --nat-file keys log
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	run "$C" -c -i --nat-file keys log
	[ "$output" = "$n" ]
	printf '%s\n' 198.51.100.99:1 198.51.100.99:2 > none
	run "$C" -q --nat-file none log
	[ "$status" -eq 1 ]
}

@test "--nat-file: comments, blanks, CRLF, any IPv6 spelling, several files" {
	csvlog
	cd "$T"
	printf '# complaints of 27 November\n\n  203.0.113.5:40123  # one\r\n\t[2001:DB8:0::1]:1\r\n' > keys
	"$C" -N 203.0.113.5:40123 -N '[2001:db8::1]:1' log > want || :
	"$C" --nat-file keys log > out || :
	cmp want out
	printf '203.0.113.5:40123\n' > k1
	printf '[2001:db8::1]:1' > k2
	"$C" --nat-file k1 --nat-file k2 log > out || :
	cmp want out
	"$C" --nat-file k1 -N '[2001:db8::1]:1' log > out || :
	cmp want out
	# complaint lines, as cttrace -b takes them: the key of each
	printf '203.0.113.5  40123 2026-11-27 10:00:00\n[2001:DB8::1]\t1 @0\n2001:db8:0::1 1 x\n' > kc
	"$C" --nat-file kc log > out || :
	cmp want out
	# only comments: no key, nothing matches
	printf '# none\n\n' > k3
	run "$C" --nat-file k3 log
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
}

@test "--nat-file: a bad line is 'ctgrep: FILE:LINE: ...', the others are searched, exit 2" {
	printf '2026-11-27T00:00:00.000000Z;start;tcp;1;1;1;1;203.0.113.5;40123;1;;;;\n' > "$T/in"
	for bad in 1.2.3:80 1.2.3.256:80 1.2.3.4:0 1.2.3.4:65536 1.2.3.4:x \
	    1.2.3.4 '[2001:db8::1]' 2001:db8::1:5 '1.2.3.4:80 extra' \
	    '1.2.3.4 0 @0' '1.2.3 80 @0' nul; do
		printf '203.0.113.5:40123\n# ok\n%s\n' "$bad" > "$T/keys"
		[ "$bad" = nul ] && printf '203.0.113.5:40123\n# ok\n1.2.3.4:8\0001\n' > "$T/keys"
		run ctg --nat-file "$T/keys"
		[ "$status" -eq 2 ]
		cmp -s "$T/in" "$T/out" || { echo "$bad: $(cat "$T/out")"; return 1; }
		err1 ".*/keys:3: "
	done
	printf '1.2.3.4:80 # ok\n1.2.3.4:8\0001\n' > "$T/keys"
	run ctg --nat-file "$T/keys"
	err1 ".*/keys:2: 1.2.3.4:8?1: a NUL byte"
	run ctg --nat-file "$T/nosuch"
	[ "$status" -eq 2 ]
	err1 ".*/nosuch: No such file or directory"
	run ctg -N 203.0.113.5:40123 -N 1.2.3.4:0
	[ "$status" -eq 2 ]
	err1 "-N 1.2.3.4:0: bad port"
}

@test "--records: the coverage records pass with the keys' lines, whatever the algorithm" {
	{
		echo '2026-11-27T10:00:00Z;begin;;;;;;;;60;;;;;2026-11-27T10:00:00Z;'
		echo '2026-11-27T10:00:01Z;start;tcp;10.0.0.1;1;198.51.100.2;80;203.0.113.5;40123;1;;;;;;'
		echo '2026-11-27T10:00:02Z;start;tcp;10.0.0.2;1;198.51.100.2;80;203.0.113.5;40124;2;;;;;;'
		echo '2026-11-27T10:00:03Z;lost;;;;;;;;5;;;;'
		echo '2026-11-27T10:00:04Z;stop;tcp;10.0.0.2;1;203.0.113.5;40123;203.0.113.5;40124;2;;;;;;'
		echo '2026-11-27T10:01:00Z;alive;;;;;;;;60;;;;;2026-11-27T10:00:00Z;'
	} > "$T/in"
	sed -n '1p; 2p; 4p; 6p' "$T/in" > "$T/want1"
	sed -n '1p; 4p; 6p' "$T/in" > "$T/want0"
	for algo in bmh sse2 avx2 dfa nfa; do
		CTGREP_ALGO=$algo ctga --records -N 203.0.113.5:40123
		cmp -s "$T/want1" "$T/out" || { echo "$algo: $(cat "$T/out")"; return 1; }
		CTGREP_ALGO=$algo ctga --records
		cmp -s "$T/want0" "$T/out" || { echo "$algo alone: $(cat "$T/out")"; return 1; }
	done
	# the key as destination (line 5) is still not taken
	printf '203.0.113.5:40123\n' > "$T/k"
	ctg --records --nat-file "$T/k"
	cmp -s "$T/want1" "$T/out"
}

@test "the batch of keys (natset.h): every path against a naive reading of the lines (t/natsettest)" {
	run "$BATS_TEST_DIRNAME/natsettest" 1 3000
	echo "$output"
	[ "$status" -eq 0 ]
	expect() { [ "$output" = "3000 buffers, 0 failed" ]; }
	expect
}

@test "the many-pattern core: every path against a naive search (t/actest)" {
	run "$BATS_TEST_DIRNAME/actest" 1 3000
	echo "$output"
	[ "$status" -eq 0 ]
}
