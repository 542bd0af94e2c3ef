#!/usr/bin/env bats
# lib/inflate.h, the in-process gzip decoder, through t/inflatetest: what
# it decompresses is what gzip -dc gives, byte for byte, for every kind of
# block and header; what is not a valid member is refused (exit 2, the
# file and the member's offset named), never decoded into something.
# Members that gzip does not write are made by t/gzcraft.pl.
load helper
bats_require_minimum_version 1.5.0

IT=$TOP/t/inflatetest
CRAFT="perl $TOP/t/gzcraft.pl"

# same FILE.gz: inflatetest gives what gzip -dc gives, and succeeds
same() {
	gzip -dc "$1" >"$TMP/want" || fail "gzip -dc $1 failed"
	run --separate-stderr "$IT" "$1"
	expect_eq "$1: status" "$status" 0
	expect_eq "$1: stderr" "$stderr" ""
	"$IT" "$1" >"$TMP/got"
	cmp "$TMP/want" "$TMP/got" || fail "$1: differs from gzip -dc"
}

# btype FILE.gz: the type of the first block of a member without optional
# header fields (gzip -n): bits 1-2 of the byte after the 10-byte header
btype() {
	echo $(( ($(od -An -tu1 -j10 -N1 "$1") >> 1) & 3 ))
}

# refused FILE.gz OFFSET MESSAGE: exit 2 and the one line naming them
refused() {
	run --separate-stderr "$IT" "$1"
	expect_eq "$1: status" "$status" 2
	expect_eq "$1: message" "$stderr" "inflatetest: $1: member at offset $2: $3"
}

# dyn1: the tokens of a final dynamic block's header up to its code
# lengths, 257 lit/len and 1 distance lengths, the code length code's
# symbols 18 (1 bit: code 0), 0 and 1 (2 bits: 10, 11)
dyn1() {
	echo b:1:1 b:2:2 b:0:5 b:0:5 b:14:4 b:0:3 b:0:3 b:1:3 b:2:3 \
	    b:0:3 b:0:3 b:0:3 b:0:3 b:0:3 b:0:3 b:0:3 b:0:3 b:0:3 b:0:3 b:0:3 \
	    b:0:3 b:0:3 b:2:3
}

# dyn2 HLIT HDIST: the tokens of a final dynamic block's header up to its
# code lengths (gzcraft.pl), the code length code's symbols 0, 1, 2 and 18
# of 2 bits each (codes 00, 01, 10, 11); HLIT, HDIST less 257 and 1
dyn2() {
	echo b:1:1 b:2:2 b:$1:5 b:$2:5 b:14:4 b:0:3 b:0:3 b:2:3 b:2:3 \
	    b:0:3 b:0:3 b:0:3 b:0:3 b:0:3 b:0:3 b:0:3 b:0:3 b:0:3 b:0:3 b:0:3 \
	    b:2:3 b:0:3 b:2:3
}

# samples: t/data's captures as the log's CSV (ctparse) and as text
samples() {
	for f in "$TOP"/t/data/capture-*.txt; do
		ctparse "$f" 2>/dev/null
	done >"$TMP/log.csv"
	[ "$(wc -c <"$TMP/log.csv")" -gt 100000 ] || fail "few samples"
	cat "$TOP"/t/data/capture-*.txt >"$TMP/log.txt"
}

@test "the gzip of nothing, a short text and fixed-Huffman blocks" {
	: | gzip -n >"$TMP/empty.gz"
	same "$TMP/empty.gz"
	expect_eq "empty: output" "$("$IT" "$TMP/empty.gz" | wc -c)" 0
	printf 'abcabcabc' | gzip -n >"$TMP/abc.gz"
	expect_eq "abc: block type" "$(btype "$TMP/abc.gz")" 1
	same "$TMP/abc.gz"
	printf 'hello, world\n' | gzip -n -9 >"$TMP/hello.gz"
	expect_eq "hello: block type" "$(btype "$TMP/hello.gz")" 1
	same "$TMP/hello.gz"
}

@test "the log's CSV and text at levels 1, 5 and 9 (dynamic blocks)" {
	samples
	for l in 1 5 9; do
		for f in log.csv log.txt; do
			gzip -n -$l <"$TMP/$f" >"$TMP/$f.$l.gz"
			expect_eq "$f -$l: block type" "$(btype "$TMP/$f.$l.gz")" 2
			same "$TMP/$f.$l.gz"
		done
	done
	cmp "$TMP/got" "$TMP/log.txt"
}

@test "random bytes (stored blocks), and a file over 2 MiB" {
	head -c 200000 /dev/urandom >"$TMP/rand"
	gzip -n <"$TMP/rand" >"$TMP/rand.gz"
	expect_eq "random: block type" "$(btype "$TMP/rand.gz")" 0
	same "$TMP/rand.gz"
	gen 0 14000 >"$TMP/big"
	[ "$(wc -c <"$TMP/big")" -gt 2200000 ] || fail "big: too small"
	gzip -n <"$TMP/big" >"$TMP/big.gz"
	same "$TMP/big.gz"
	cmp "$TMP/got" "$TMP/big"
}

@test "runs of one byte (distance 1) and of periods 2 to 9 (overlapping copies)" {
	head -c 300000 /dev/zero | tr '\0' x | gzip -n >"$TMP/run.gz"
	same "$TMP/run.gz"
	for k in 2 3 4 5 6 7 8 9; do
		# the period, then the same with a byte changed now and then,
		# so that matches of every length start at every phase
		perl -e '$p = substr("0123456789", 0, $ARGV[0]); srand(1);
		    for (1 .. 3000) { $s = $p x (1 + int rand 40);
		    substr($s, rand length $s, 1) = "z" if rand() < 0.5;
		    print $s }' $k | gzip -n >"$TMP/p$k.gz"
		same "$TMP/p$k.gz"
	done
}

@test "a multi-member file: stored, fixed and dynamic members one after the other" {
	samples
	gzip -n <"$TMP/log.csv" >"$TMP/a.gz"
	printf 'abcabcabc' | gzip -n >"$TMP/b.gz"
	head -c 70000 /dev/urandom | gzip -n >"$TMP/c.gz"
	: | gzip -n >"$TMP/d.gz"
	cat "$TMP/a.gz" "$TMP/b.gz" "$TMP/c.gz" "$TMP/d.gz" "$TMP/a.gz" >"$TMP/m.gz"
	same "$TMP/m.gz"
	# a corrupt third member is named by its offset
	n=$(( $(wc -c <"$TMP/a.gz") + $(wc -c <"$TMP/b.gz") ))
	printf 'hello\n' | gzip -n >"$TMP/h.gz"
	cat "$TMP/a.gz" "$TMP/b.gz" >"$TMP/bad.gz"
	head -c 12 "$TMP/h.gz" >>"$TMP/bad.gz"
	refused "$TMP/bad.gz" "$n" "truncated member"
}

@test "optional header fields: FTEXT, FEXTRA, FNAME, FCOMMENT, FHCRC" {
	samples
	gzip -n <"$TMP/log.csv" >"$TMP/plain.gz"
	i=0
	for o in -t "-x AB${RANDOM}xy" "-n name.csv" "-c a_comment" -H \
	    "-t -x XY -n n -c c -H" "-x '' -n '' -c '' -H"; do
		i=$((i + 1))
		eval "$CRAFT $o -g \"\$TMP/plain.gz\"" >"$TMP/h$i.gz"
		[ "$(wc -c <"$TMP/h$i.gz")" -gt "$(wc -c <"$TMP/plain.gz")" ] ||
		    [ "$o" = -t ] || fail "$o: no field added"
		same "$TMP/h$i.gz"
		cmp "$TMP/got" "$TMP/log.csv"
	done
	# FHCRC wrong: the byte before the deflate data
	$CRAFT -n name -H -g "$TMP/plain.gz" >"$TMP/hcrc.gz"
	printf '\125' | dd of="$TMP/hcrc.gz" bs=1 seek=16 conv=notrunc 2>/dev/null
	refused "$TMP/hcrc.gz" 0 "corrupt data"
}

@test "members made bit by bit: valid ones are decoded" {
	# fixed: 'a', then length 3 at distance 1
	$CRAFT -p aaaa b:1:1 b:1:2 h:0x91:8 h:1:7 h:0:5 h:0:7 >"$TMP/f.gz"
	same "$TMP/f.gz"
	expect_eq "fixed" "$("$IT" "$TMP/f.gz")" aaaa
	# stored "ab", then a final empty stored block
	$CRAFT -p ab b:0:1 b:0:2 a y:0200fdff y:6162 b:1:1 b:0:2 a y:0000ffff \
	    >"$TMP/s.gz"
	same "$TMP/s.gz"
	# dynamic: lit/len codes 'a' and end of block (1 bit each), no
	# distance code
	$CRAFT -p aa $(dyn1) h:0:1 b:86:7 h:3:2 h:0:1 b:127:7 h:0:1 b:9:7 \
	    h:3:2 h:2:2 h:0:1 h:0:1 h:1:1 >"$TMP/d.gz"
	same "$TMP/d.gz"
	expect_eq "dynamic" "$("$IT" "$TMP/d.gz")" aa
	# a distance set of one 1-bit code (zlib lets it through): lit/len
	# 'a' (1 bit), 256 and 257 (2 bits), distance 1 (1 bit)
	$CRAFT -p aaaa $(dyn2 1 0) h:3:2 b:86:7 h:1:2 h:3:2 b:127:7 h:3:2 b:9:7 \
	    h:2:2 h:2:2 h:1:2 h:0:1 h:3:2 h:0:1 h:2:2 >"$TMP/d1.gz"
	same "$TMP/d1.gz"
	expect_eq "one distance code" "$("$IT" "$TMP/d1.gz")" aaaa
}

@test "members made bit by bit: each broken rule is corrupt data" {
	n=0
	# PLAIN: the trailer's text, what a decoder that let the fault pass
	# would most likely give (inflatetest puts 'a's before the output)
	while IFS='|' read -r what plain tokens; do
		[ -n "$tokens" ] || fail "$what: no tokens"
		$CRAFT -p "$plain" $tokens >"$TMP/x.gz"
		run --separate-stderr "$IT" "$TMP/x.gz"
		expect_eq "$what: status" "$status" 2
		expect_eq "$what" "$stderr" "inflatetest: $TMP/x.gz: member at offset 0: corrupt data"
		run gzip -t "$TMP/x.gz"
		[ "$status" -ne 0 ] || fail "$what: gzip takes it"
		n=$((n + 1))
	done <<-END
	a match before any output|aaa|b:1:1 b:1:2 h:1:7 h:0:5 h:0:7
	a distance past the output|aaaa|b:1:1 b:1:2 h:0x91:8 h:1:7 h:1:5 h:0:7
	lit/len symbol 286|a|b:1:1 b:1:2 h:0x91:8 h:0xc6:8 h:0:7
	lit/len symbol 287|a|b:1:1 b:1:2 h:0x91:8 h:0xc7:8 h:0:7
	distance symbol 30|a|b:1:1 b:1:2 h:0x91:8 h:1:7 h:30:5 h:0:7
	distance symbol 31|a|b:1:1 b:1:2 h:0x91:8 h:1:7 h:31:5 h:0:7
	block type 3||b:1:1 b:3:2 h:0:7
	stored LEN and NLEN disagree|aaaa|b:1:1 b:0:2 a y:0400fcff y:61616161
	HLIT over 286||b:1:1 b:2:2 b:30:5 b:0:5 b:0:4 b:2:3 b:2:3 b:2:3 b:2:3
	HDIST over 30||b:1:1 b:2:2 b:0:5 b:30:5 b:0:4 b:2:3 b:2:3 b:2:3 b:2:3
	code length code oversubscribed||b:1:1 b:2:2 b:0:5 b:0:5 b:0:4 b:1:3 b:1:3 b:1:3 b:0:3
	code length code incomplete||b:1:1 b:2:2 b:0:5 b:0:5 b:0:4 b:1:3 b:0:3 b:0:3 b:0:3
	repeat (16) with no length before||b:1:1 b:2:2 b:0:5 b:0:5 b:0:4 b:1:3 b:0:3 b:0:3 b:1:3 h:1:1 b:0:2
	lengths past HLIT + HDIST|aa|$(dyn1) h:0:1 b:86:7 h:3:2 h:0:1 b:127:7 h:0:1 b:9:7 h:3:2 h:0:1 b:0:7 h:0:1 h:0:1 h:1:1
	no code for end of block|ab|$(dyn1) h:0:1 b:86:7 h:3:2 h:3:2 h:0:1 b:127:7 h:0:1 b:9:7 h:2:2 h:0:1 h:1:1
	lit/len code oversubscribed|a|$(dyn1) h:0:1 b:86:7 h:3:2 h:0:1 b:127:7 h:0:1 b:8:7 h:3:2 h:3:2 h:2:2 h:0:1
	lit/len code incomplete|aa|$(dyn2 0 0) h:3:2 b:86:7 h:1:2 h:3:2 b:127:7 h:3:2 b:9:7 h:2:2 h:0:2 h:0:1 h:0:1 h:2:2
	distance code incomplete|aa|$(dyn2 0 1) h:3:2 b:86:7 h:1:2 h:3:2 b:127:7 h:3:2 b:9:7 h:1:2 h:1:2 h:2:2 h:0:1 h:0:1 h:1:1
	END
	expect_eq "cases" "$n" 18
}

@test "bad trailers, flipped bytes, bad magic, reserved flags: refused" {
	samples
	gzip -n <"$TMP/log.csv" >"$TMP/ok.gz"
	size=$(wc -c <"$TMP/ok.gz")
	flip() {	# flip FROM TO OFFSET: FROM with the byte at OFFSET inverted
		cp "$1" "$2"
		b=$(od -An -tu1 -j"$3" -N1 "$1")
		printf "\\$(printf %03o $((b ^ 255)))" |
		    dd of="$2" bs=1 seek="$3" conv=notrunc 2>/dev/null
	}
	flip "$TMP/ok.gz" "$TMP/crc.gz" $((size - 8))
	refused "$TMP/crc.gz" 0 "corrupt data"
	flip "$TMP/ok.gz" "$TMP/isize.gz" $((size - 2))
	refused "$TMP/isize.gz" 0 "corrupt data"
	for at in 20 100 1000 3000 $((size / 2)) $((size - 30)); do
		flip "$TMP/ok.gz" "$TMP/mid.gz" "$at"
		run --separate-stderr "$IT" "$TMP/mid.gz"
		expect_eq "flip at $at: status" "$status" 2
		[[ "$stderr" == "inflatetest: $TMP/mid.gz: member at offset 0: corrupt data" ]] ||
		    [[ "$stderr" == "inflatetest: $TMP/mid.gz: member at offset 0: truncated member" ]] ||
		    fail "flip at $at: $stderr"
	done
	{ printf 'xx'; tail -c +3 "$TMP/ok.gz"; } >"$TMP/magic.gz"
	refused "$TMP/magic.gz" 0 "corrupt data"
	for r in 0x20 0x40 0x80; do
		$CRAFT -r $r -g "$TMP/ok.gz" >"$TMP/res.gz"
		refused "$TMP/res.gz" 0 "corrupt data"
	done
	{ head -c 2 "$TMP/ok.gz"; printf '\007'; tail -c +4 "$TMP/ok.gz"; } >"$TMP/cm.gz"
	refused "$TMP/cm.gz" 0 "corrupt data"
}

@test "a member cut anywhere is a truncated member" {
	printf 'hello\n' | gzip -n >"$TMP/h.gz"
	samples
	head -c 20000 "$TMP/log.csv" | gzip -n >"$TMP/l.gz"
	$CRAFT -n name -c comment -x extra -H -g "$TMP/h.gz" >"$TMP/hh.gz"
	head -c 5000 /dev/urandom | gzip -n >"$TMP/r.gz"
	for f in h hh l r; do
		size=$(wc -c <"$TMP/$f.gz")
		step=$(( size / 60 + 1 ))
		for n in $(seq 1 "$step" $((size - 1))) $((size - 1)) $((size - 4)); do
			head -c "$n" "$TMP/$f.gz" >"$TMP/cut.gz"
			refused "$TMP/cut.gz" 0 "truncated member"
		done
	done
}
