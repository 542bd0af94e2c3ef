#!/usr/bin/env bats
# ctzip's long-flow filter (the index's key table) and cttime -n: which keys go
# into which block, no false negatives (the same flows with the index, the
# whole file and the plain file), blocks really skipped, cttrace's answers
# unchanged, old, corrupt and stale indexes.
load helper
bats_require_minimum_version 1.5.0

# fp KEY: the fingerprint of a NAT key "nat;natport" (zidx_fp)
fp() {
	perl -e 'use integer; my $h = 0xcbf29ce484222325;
	    for (unpack "C*", $ARGV[0]) { $h ^= $_; $h *= 0x100000001b3 }
	    no integer; printf "%08x\n", ($h ^ ($h >> 32)) & 0xffffffff' "$1"
}

# keys N: the keys that name block N (from 0) in $TMP/f.csv.gz.idx, as
# the sorted list of fingerprints, one a line
keys() {
	perl "$TOP/t/zidxtool.pl" keys "$TMP/f.csv.gz.idx" "$1" | cut -d' ' -f1
}

# untils N: the same, each with its UNTIL in steps after the block's TMAX
# (2 hex digits, ff: never ends)
untils() {
	perl "$TOP/t/zidxtool.pl" keys "$TMP/f.csv.gz.idx" "$1"
}

# nblocks IDX: the blocks of an index
nblocks() {
	awk 'NR == 1 { print $5 }' "$1"
}

# flows DAYS SEED: a synthetic log of DAYS days from 2026-11-27 in day
# files $TMP/plain/YYYY-MM-DD.csv, 1400 flows a day, lines stamped early
# now and then (t/flowgen.sh: lost stops, reuses, lost starts)
flows() {
	mkdir -p "$TMP/plain"
	sh "$TOP/t/flowgen.sh" "$TMP/plain" "$1" "$2" 1400 0
}

# zipped: copies of the plain day files in $TMP/idx (ctzip -b 1k -L 60)
# and $TMP/gz (one gzip stream, no index)
zipped() {
	mkdir -p "$TMP/idx" "$TMP/gz"
	for f in "$TMP"/plain/*.csv; do
		b=${f##*/}
		cp "$f" "$TMP/idx/$b"
		ctzip -f -b 1k -L 60 "$TMP/idx/$b"
		gzip -c "$f" >"$TMP/gz/$b.gz"
	done
}

# reads FILE: "N of M blocks" that cttime reported (CTTIME_DEBUG)
blocks() {
	printf '%s\n' "$stderr" | sed -n "s|^[a-z]*: debug: $1: \([0-9]* of [0-9]*\) blocks\$|\1|p" | tail -n 1
}

@test "the filter: long and doubtful flows, both ends; short ones not; the closure" {
	mkdir -p "$TMP"
	# one line a block (-b 1), L = 60 s; times in seconds after 10:00
	k1='192.0.2.1;1001' k2='192.0.2.1;1002' k3='192.0.2.1;1003'
	k4='192.0.2.1;1004' k5='192.0.2.1;1005'
	while read -r s ev port id; do
		printf '2026-11-27T10:%02d:%02d.000000Z;%s;udp;10.0.0.1;5;198.51.100.1;53;192.0.2.1;%s;%s;;;;\n' \
		    $((s / 60)) $((s % 60)) "$ev" "$port" "$id"
	done >"$TMP/f.csv" <<-'END'
	0 start 1001 1
	1 stop 1002 2
	2 start 1003 3
	3 start 1004 4
	4 start 1004 4
	5 stop 1003 3
	10 stop 1004 4
	20 start 1005 5
	30 start 1005 6
	40 stop 1005 6
	100 stop 1005 5
	110 start 1005 7
	120 stop 1005 7
	END
	touch -d '1 hour ago' "$TMP/f.csv"
	size=$(wc -c <"$TMP/f.csv")
	ctzip -k -b 1 -L 60 "$TMP/f.csv"
	expect_eq header "$(head -n 1 "$TMP/f.csv.gz.idx" | cut -d' ' -f1-6)" "ctzip-index 6 $size $(wc -c <"$TMP/f.csv.gz") 13 60"
	# block by block: what it names, and why
	want() { for k in "$@"; do fp "$k"; done | sort; }
	expect_eq "0: never stops" "$(keys 0)" "$(want "$k1")"
	expect_eq "1: a stop without start" "$(keys 1)" "$(want "$k2")"
	expect_eq "2: short (3 s)" "$(keys 2)" ""
	expect_eq "3: start ended by a reuse" "$(keys 3)" "$(want "$k4")"
	expect_eq "4: the reuse" "$(keys 4)" "$(want "$k4")"
	expect_eq "5: stop of a short flow" "$(keys 5)" ""
	expect_eq "6: short, but starts in a named block: closure" "$(keys 6)" "$(want "$k4")"
	expect_eq "7: long (80 s)" "$(keys 7)" "$(want "$k5")"
	expect_eq "8: short, while a long one of the key that began in" "$(keys 8)" ""
	expect_eq "9: another block is open" "$(keys 9)" ""
	expect_eq "10: end of the long one" "$(keys 10)" "$(want "$k5")"
	expect_eq "11, 12: short, not named" "$(keys 11)$(keys 12)" ""
	# UNTIL (version 6): steps of UNIT seconds (1 here: the file spans
	# 2 minutes) after the block's TMAX, up
	expect_eq unit "$(head -n 1 "$TMP/f.csv.gz.idx" | cut -d' ' -f12)" 1
	u() { untils "$1" | cut -d' ' -f2; }
	expect_eq "0: never stops: never ends" "$(u 0)" ff
	expect_eq "1: a stop without start (it may end a flow of the day before)" "$(u 1)" ff
	expect_eq "3: ended by the reuse at 10:00:04" "$(u 3)" 01
	expect_eq "4: the reuse" "$(u 4)" 00
	expect_eq "6: tied to 4 (10:00:04, before its TMAX)" "$(u 6)" 00
	expect_eq "7: the long one ends at 10:01:40" "$(u 7)" 50
	expect_eq "10: its end" "$(u 10)" 00
	# -L 0: every flow that lasts at all is long
	rm "$TMP/f.csv.gz"*
	ctzip -k -f -b 1 -L 0 "$TMP/f.csv"
	expect_eq "-L 0: 2" "$(keys 2)" "$(want "$k3")"
	expect_eq "-L 0: 5" "$(keys 5)" "$(want "$k3")"
	run perl "$TOP/t/zidxcheck.pl" "$TMP/f.csv" "$TMP/f.csv.gz" "$TMP/f.csv.gz.idx"
	[ "$status" -eq 0 ] || fail "$output"
}

@test "open records (snapshots): a start when no flow of the key is open; seen again in another block, long" {
	# one line a block (-b 1), L = 60 s; seconds after 10:00
	k1='192.0.2.1;1001' k2='192.0.2.1;1002' k3='192.0.2.1;1003'
	while read -r s ev port id; do
		printf '2026-11-27T10:%02d:%02d.000000Z;%s;udp;10.0.0.1;5;198.51.100.1;53;192.0.2.1;%s;%s;;;;;2026-11-27T09:00:00Z;\n' \
		    $((s / 60)) $((s % 60)) "$ev" "$port" "$id"
	done >"$TMP/f.csv" <<-'END'
	0 open 1001 1
	1 start 1002 2
	2 open 1002 2
	5 stop 1002 2
	6 open 1003 3
	9 stop 1003 3
	100 stop 1001 1
	END
	touch -d '1 hour ago' "$TMP/f.csv"
	ctzip -k -b 1 -L 60 "$TMP/f.csv"
	want() { for k in "$@"; do fp "$k"; done | sort; }
	expect_eq "0: an open record that starts a long flow" "$(keys 0)" "$(want "$k1")"
	expect_eq "1: start of a short flow" "$(keys 1)" "$(want "$k2")"
	expect_eq "2: seen again by a snapshot, in another block" "$(keys 2)" "$(want "$k2")"
	expect_eq "3: its stop" "$(keys 3)" "$(want "$k2")"
	expect_eq "4, 5: an open record that starts a short flow, its stop" "$(keys 4)$(keys 5)" ""
	expect_eq "6: the long flow's stop" "$(keys 6)" "$(want "$k1")"
	# the same flow seen again in the block of its start: nothing more
	printf '%s\n' '2026-11-27T10:00:00.000000Z;start;udp;10.0.0.1;5;198.51.100.1;53;192.0.2.1;1004;4;;;;;;' \
	    '2026-11-27T10:00:01.000000Z;open;udp;10.0.0.1;5;198.51.100.1;53;192.0.2.1;1004;4;;;;;2026-11-27T10:00:00Z;' \
	    '2026-11-27T10:00:05.000000Z;stop;udp;10.0.0.1;5;198.51.100.1;53;192.0.2.1;1004;4;1;1;1;1;;' >"$TMP/g.csv"
	touch -d '1 hour ago' "$TMP/g.csv"
	ctzip -k -L 60 "$TMP/g.csv"
	expect_eq "same block" "$(perl "$TOP/t/zidxtool.pl" keys "$TMP/g.csv.gz.idx" 0)" ""
}

@test "closure: a short flow that starts in a block named only later (a long flow still open)" {
	# long flow A of port 1001 starts in block 0 and stops 30 min later
	# (block 2); short flow B of the same port, to another destination,
	# starts in block 0 too and stops in block 1 while A is still open:
	# when B stops, nothing names block 0 yet
	cat >"$TMP/f.csv" <<-'END'
	2026-11-27T10:00:00.000000Z;start;udp;10.0.0.1;5;198.51.100.1;53;192.0.2.1;1001;1;;;;
	2026-11-27T10:00:01.000000Z;start;udp;10.0.0.2;5;198.51.100.2;53;192.0.2.1;1001;2;;;;
	2026-11-27T10:00:09.000000Z;stop;udp;10.0.0.2;5;198.51.100.2;53;192.0.2.1;1001;2;1;1;1;1
	2026-11-27T10:30:00.000000Z;stop;udp;10.0.0.1;5;198.51.100.1;53;192.0.2.1;1001;1;1;1;1;1
	END
	touch -d '1 hour ago' "$TMP/f.csv"
	ctzip -b $(($(head -n 1 "$TMP/f.csv" | wc -c) + 1)) -L 60 "$TMP/f.csv"
	expect_eq blocks "$(nblocks "$TMP/f.csv.gz.idx")" 3
	k=$(fp '192.0.2.1;1001')
	expect_eq "block 0" "$(keys 0)" "$k"
	expect_eq "block 1" "$(keys 1)" "$k"
	expect_eq "block 2" "$(keys 2)" "$k"
}

@test "no false negatives: cttime -a -P -n on the index, the whole .gz, the plain file, ctgrep -N" {
	flows 1 7
	zipped
	f=2026-11-27.csv
	nb=$(nblocks "$TMP/idx/$f.gz.idx")
	[ "$nb" -gt 200 ] || fail "$nb blocks"
	# queries: 60 times spread over the day and the edges of flows (a
	# start, a stop), each with one key, from lines of the log
	awk -F';' 'NR % 47 == 3 { print $8 ":" $9, $1 }' "$TMP/plain/$f" | head -n 60 >"$TMP/q"
	n=0 some=0 skipped=0
	while read -r key t; do
		for args in "-w 10" "-w 0.5 -A 300" "-w 30 -k 5 -R 0"; do
			run --separate-stderr sh -c "ctgrep -N $key '$TMP/plain/$f' | cttime -a -P $args -t $t"
			st=$status want=$output
			run --separate-stderr cttime -a -P $args -n "$key" -t "$t" "$TMP/plain/$f"
			expect_eq "$key $t $args: plain -n status" "$status" "$st"
			[ "$output" = "$want" ] || fail "$key $t $args: plain -n differs"
			# 1, 2 or 3 decompressors at once (joined in order)
			CTTIME_ZPARTS=$((n % 3 + 1)) CTTIME_DEBUG=1 run --separate-stderr "$HOOKS/cttime" -a -P $args -n "$key" -t "$t" "$TMP/idx/$f.gz"
			expect_eq "$key $t $args: index status" "$status" "$st"
			[ "$output" = "$want" ] || fail "$key $t $args: index differs: [$output] want [$want]"
			b=$(blocks "$TMP/idx/$f.gz")
			[ "${b% of *}" -lt $((nb / 2)) ] && skipped=$((skipped + 1))
			run --separate-stderr cttime -a -P $args -n "$key" -t "$t" "$TMP/gz/$f.gz"
			expect_eq "$key $t $args: stream status" "$status" "$st"
			[ "$output" = "$want" ] || fail "$key $t $args: stream differs"
			# cttrace's way: ctcat selects the blocks, ctgrep and cttime pair
			run --separate-stderr sh -c "ctcat $args -n $key -t $t '$TMP/idx/$f.gz' | ctgrep -N $key | cttime -a -P $args -t $t"
			[ "$output" = "$want" ] || fail "$key $t $args: ctcat differs"
			n=$((n + 1))
			[ "$st" -eq 0 ] && some=$((some + 1))
		done
	done <"$TMP/q"
	echo "$n queries, $some with flows, $skipped read under half the blocks"
	[ "$some" -gt 100 ] && [ "$skipped" -gt 100 ]
}

@test "cttrace: the same answers with the index, without it, and on the plain days" {
	flows 2 11
	zipped
	[ -f "$TMP/idx/2026-11-28.csv.gz.idx" ] && [ ! -e "$TMP/idx/2026-11-28.csv" ]
	awk -F';' 'NR % 97 == 5 { print $8, $9, $1 }' "$TMP"/plain/*.csv | head -n 40 >"$TMP/q"
	echo "192.0.2.1 999 2026-11-28T12:00:00Z" >>"$TMP/q"
	n=0
	while read -r ip port t; do
		traces_agree "$ip" "$port" "$t" "$TMP/plain" "$TMP/idx" "$TMP/gz"
		[ "$st" -eq 0 ] && n=$((n + 1))
	done <"$TMP/q"
	[ "$n" -ge 20 ] || fail "only $n answers"
}

@test "blocks skipped: ctcat -n reads a few blocks, without -n from START on to the end" {
	flows 1 5
	zipped
	f=$TMP/idx/2026-11-27.csv.gz
	nb=$(nblocks "$f.idx")
	t=2026-11-27T18:00:00Z
	CTTIME_DEBUG=1 run --separate-stderr "$HOOKS/ctcat" -A 86400 -n 192.0.2.1:1007 -t $t "$f"
	[ "$status" -eq 0 ] || fail "$stderr"
	b=$(blocks "$f")
	echo "-n: $b blocks"
	[ "${b% of *}" -lt $((nb / 3)) ] && [ "${b#* of }" -eq "$nb" ]
	CTTIME_DEBUG=1 run --separate-stderr "$HOOKS/ctcat" -A 86400 -t $t "$f"
	expect_eq "no -n" "$(blocks "$f")" "$nb of $nb"
	all=$output
	# -R 0: the reader stops at T+w+skew, so no block from the first
	# that begins after T+w+2 skews (18:02:20 here) on; the lines are the
	# same up to there
	CTTIME_DEBUG=1 run --separate-stderr "$HOOKS/ctcat" -A 86400 -R 0 -t $t "$f"
	b=$(blocks "$f")
	echo "-R 0: $b blocks"
	[ "${b% of *}" -lt $((nb * 4 / 5)) ] && [ "${b% of *}" -gt $((nb * 7 / 10)) ] || fail "-R 0: $b"
	[ "${#lines[@]}" -gt 100 ] && [ "$all" != "$output" ] || fail "-R 0: nothing cut"
	expect_eq "-R 0: a prefix" "$(printf '%s\n' "$all" | head -n ${#lines[@]})" "$output"
	last=$(printf '%s\n' "$output" | tail -n 1 | cut -c1-26)
	next=$(printf '%s\n' "$all" | sed -n "$((${#lines[@]} + 1))p" | cut -c1-26)
	[[ "$last" > 2026-11-27T18:00:10 ]] && [[ "$next" > 2026-11-27T18:02:20 ]] || fail "-R 0: ends at $last, next $next"
	# the key of a v6 address, in any spelling, is the same key
	CTTIME_DEBUG=1 run --separate-stderr "$HOOKS/ctcat" -n '[2001:DB8:0::1]:1007' -t $t "$f"
	[ "$status" -eq 1 ] || [ "$status" -eq 0 ]
	[ -n "$(blocks "$f")" ] || fail "v6: $stderr"
	# -n without -c: only the lines of the key
	run cttime -w 3600 -n 192.0.2.1:1007 -t $t "$f"
	[ "$status" -eq 0 ]
	expect_eq "-n lines" "$(printf '%s\n' "$output" | cut -d';' -f8,9 | sort -u)" "192.0.2.1;1007"
	# a time after the day, with a short -A: no block can matter
	CTTIME_DEBUG=1 run --separate-stderr "$HOOKS/ctcat" -A 60 -n 192.0.2.1:1007 -t 2026-11-29T12:00:00Z "$f"
	expect_eq "none: blocks" "$(blocks "$f")" "0 of $nb"
	[[ "$stderr" == *"$f: 0 bytes read"* ]] || fail "$stderr"
}

@test "an early stop inside a big block ends the decompressor (no hang), with 1 or 2 of them" {
	# 4 MiB blocks of one line every 0.4 s; the query stops reading a
	# few minutes into the first block, megabytes before its end
	mkdir -p "$TMP"
	perl -MPOSIX=strftime -e 'for $i (0 .. 149999) {
		$s = 1795737600 + $i * 0.4; $p = 1000 + $i % 40;
		printf "%s.%06dZ;start;udp;10.0.0.1;5;198.51.100.1;53;192.0.2.1;%d;%d;;;;\n", strftime("%Y-%m-%dT%H:%M:%S", gmtime(int($s))), ($s - int($s)) * 1000000 + 0.5, $p, $i }' >"$TMP/f.csv"
	touch -d '1 hour ago' "$TMP/f.csv"
	ctzip -k "$TMP/f.csv"
	[ "$(nblocks "$TMP/f.csv.gz.idx")" -ge 3 ]
	want=$(ctgrep -N 192.0.2.1:1007 "$TMP/f.csv" | cttime -a -P -R 0 -t 2026-11-27T00:05:00Z)
	[ -n "$want" ]
	for z in 1 2; do
		CTTIME_ZPARTS=$z run timeout 20 "$HOOKS/cttime" -a -P -R 0 -n 192.0.2.1:1007 -t 2026-11-27T00:05:00Z "$TMP/f.csv.gz"
		expect_eq "$z: status" "$status" 0
		expect_eq "$z: flows" "$output" "$want"
		CTTIME_ZPARTS=$z run timeout 20 "$HOOKS/cttime" -n 192.0.2.1:1007 -t 2026-11-27T00:05:00Z "$TMP/f.csv.gz"
		expect_eq "$z: lines status" "$status" 0
		# killed by SIGPIPE (cttrace's ctcat): nothing is left behind
		CTTIME_ZPARTS=$z timeout 20 "$HOOKS/ctcat" -R 0 -n 192.0.2.1:1007 -t 2026-11-27T00:05:00Z "$TMP/f.csv.gz" | head -n 1 >/dev/null
		sleep 0.5
		run pgrep -f "ct(time|cat) .*$TMP/f.csv.gz"
		[ "$status" -eq 1 ] || fail "$z: left running: $(pgrep -af "ct(time|cat) .*$TMP/f.csv.gz")"
	done
}


@test "versions 1 and 2, corrupt and stale indexes: read as before, or warned about and ignored" {
	flows 1 3
	zipped
	f=2026-11-27.csv
	x=$TMP/idx/$f.gz.idx
	cp "$TMP/idx/$f.gz" "$TMP/d.csv.gz"
	t=2026-11-27T15:00:00Z key=192.0.2.1:1011
	run --separate-stderr cttime -a -P -n $key -t $t "$TMP/plain/$f"
	want=$output
	run perl "$TOP/t/zidxtool.pl" check "$x"
	[ "$status" -eq 0 ] || fail "$output"
	# version 1: the same index without LONG and the key table
	perl "$TOP/t/zidxtool.pl" old 1 <"$x" >"$TMP/d.csv.gz.idx"
	expect_eq v1 "$(head -c 14 "$TMP/d.csv.gz.idx")" "ctzip-index 1 "
	CTTIME_DEBUG=1 run --separate-stderr "$HOOKS/cttime" -a -P -n $key -t $t "$TMP/d.csv.gz"
	[ "$output" = "$want" ] || fail "v1: output differs: $stderr"
	b1=$(blocks "$TMP/d.csv.gz")
	[ "${b1% of *}" -gt 10 ] || fail "v1: $b1"
	[[ "$stderr" != *stale* ]] || fail "$stderr"
	# version 2: a filter on each block line; the same blocks as version 3
	CTTIME_DEBUG=1 run --separate-stderr "$HOOKS/cttime" -a -P -n $key -t $t "$TMP/d.csv.gz"
	perl "$TOP/t/zidxtool.pl" old 2 <"$x" >"$TMP/v2.idx"
	cp "$TMP/v2.idx" "$TMP/d.csv.gz.idx"
	CTTIME_DEBUG=1 run --separate-stderr "$HOOKS/cttime" -a -P -n $key -t $t "$TMP/d.csv.gz"
	[ "$output" = "$want" ] || fail "v2: output differs: $stderr"
	b2=$(blocks "$TMP/d.csv.gz")
	perl "$TOP/t/zidxtool.pl" old 3 <"$x" >"$TMP/d.csv.gz.idx"
	CTTIME_DEBUG=1 run --separate-stderr "$HOOKS/cttime" -a -P -n $key -t $t "$TMP/d.csv.gz"
	[ "$output" = "$want" ] || fail "v3: output differs: $stderr"
	expect_eq "v2 and v3 blocks" "$b2" "$(blocks "$TMP/d.csv.gz")"
	[ "${b2% of *}" -lt "${b1% of *}" ] || fail "v2 $b2, v1 $b1"
	# version 6: no more than those (the long flows that ended before)
	cp "$x" "$TMP/d.csv.gz.idx"
	CTTIME_DEBUG=1 run --separate-stderr "$HOOKS/cttime" -a -P -n $key -t $t "$TMP/d.csv.gz"
	[ "$output" = "$want" ] || fail "v6: output differs: $stderr"
	b6=$(blocks "$TMP/d.csv.gz")
	[ "${b6% of *}" -le "${b2% of *}" ] || fail "v6 $b6, v2 $b2"
	# ignored WHAT ORIG: $TMP/d.csv.gz.idx, a changed copy of ORIG, is
	# warned about and the whole file read: the same answer
	ignored() {
		cmp -s "$TMP/d.csv.gz.idx" "$2" && fail "$1: not changed"
		run --separate-stderr cttime -a -P -n $key -t $t "$TMP/d.csv.gz"
		[ "$output" = "$want" ] || fail "$1: output differs"
		expect_eq "$1: warning" "$stderr" "cttime: $TMP/d.csv.gz.idx: stale or corrupt index, reading the whole file"
	}
	# version 2, a block line with two keys or more: its keys changed, the
	# hash not
	i=$(awk 'NR > 1 && $10 >= 2 { print NR; exit }' "$TMP/v2.idx")
	for how in unsorted badhex count long; do
		cp "$TMP/v2.idx" "$TMP/d.csv.gz.idx"
		case $how in
		unsorted) sed -i "${i}s/ \([0-9a-f]\{8\}\)\([0-9a-f]\{8\}\)/ \2\1/" "$TMP/d.csv.gz.idx" ;;
		badhex) sed -i "${i}s/[0-9a-f]\$/G/" "$TMP/d.csv.gz.idx" ;;
		count) sed -i "${i}s/ \([0-9]*\) \([0-9a-f]*\)\$/ 9\1 \2/" "$TMP/d.csv.gz.idx" ;;
		long) sed -i '1s/ 60$/ 61/' "$TMP/d.csv.gz.idx" ;;
		esac
		ignored "v2 $how" "$TMP/v2.idx"
	done
	# version 3: the bucket of the key (its line in the file: j), and the
	# line of counts (c)
	nbkt=$(awk 'NR == 1 { print $8 }' "$x")
	[ "$nbkt" -ge 2 ] || fail "$nbkt buckets"
	c=$(($(nblocks "$x") + 2))
	j=$(perl -e 'my ($fp, $n) = (hex $ARGV[0], $ARGV[1]); my $s = 32; $s-- while ($n >>= 1); print $fp >> $s' "$(fp 192.0.2.1\;1011)" "$nbkt")
	j=$((c + 2 + j))
	[ "$(sed -n "${j}p" "$x" | wc -c)" -gt 60 ] || fail "bucket $j: too few keys"
	for how in entry unsorted count long truncated; do
		cp "$x" "$TMP/d.csv.gz.idx"
		case $how in
		entry)	# its last hex digit, one more (f: 0)
			perl -i -pe 's/(.)$/my $d = $1; $d =~ tr{0-9a-f}{1-9a-f0}; $d/e if $. == '"$j" "$TMP/d.csv.gz.idx" ;;
		unsorted)
			w=$(( $(sed -n "${j}p" "$x" | wc -c) - 17 ))
			w=$((w / $(sed -n "${c}p" "$x" | cut -d' ' -f$(( j - c - 1 )) )))
			sed -i "${j}s/^\(.\{16\}\)\(.\{$w\}\)\(.\{$w\}\)/\1\3\2/" "$TMP/d.csv.gz.idx"
			perl "$TOP/t/zidxtool.pl" rehash <"$TMP/d.csv.gz.idx" >"$TMP/r" && mv "$TMP/r" "$TMP/d.csv.gz.idx" ;;
		count)	# one entry moved from the key's bucket to another
			awk -v c=$c -v k=$((j - c - 1)) 'NR == c { $k--; $(k == 1 ? 2 : 1)++ } { print }' "$x" >"$TMP/r"
			perl "$TOP/t/zidxtool.pl" rehash <"$TMP/r" >"$TMP/d.csv.gz.idx" ;;
		long) sed -i '1s/ 60 / 61 /' "$TMP/d.csv.gz.idx" ;;
		truncated) sed -i '$d' "$TMP/d.csv.gz.idx" ;;
		esac
		ignored "v3 $how" "$x"
	done
}

# headhash: standard input, an index head without its hash line, with it
headhash() {
	perl -e 'my $h = do { local $/; <STDIN> }; my $x = 0xcbf29ce484222325;
	    { use integer; for (unpack "C*", $h) { $x ^= $_; $x *= 0x100000001b3 } }
	    printf "%sfnv1a64 %016x\n", $h, $x'
}

@test "an index of sizes that overflow, a huge bucket in a sparse file: refused, nothing big read" {
	flows 1 3
	zipped
	f=2026-11-27.csv
	x=$TMP/idx/$f.gz.idx
	cp "$TMP/idx/$f.gz" "$TMP/d.csv.gz"
	t=2026-11-27T15:00:00Z key=192.0.2.1:1011
	run --separate-stderr cttime -a -P -t $t "$TMP/plain/$f"
	want=$output
	run --separate-stderr cttime -a -P -n $key -t $t "$TMP/plain/$f"
	wantn=$output
	[ "$(nblocks "$x")" -ge 4 ] || fail "$(nblocks "$x") blocks"
	# blocks 0 and 1 of LLONG_MAX compressed bytes, block 2 at -2: the
	# offsets add up, modulo 2^64, to the file's size (the hash redone)
	awk -v m=9223372036854775807 -v c3="$(sed -n 5p "$x" | cut -d' ' -f1)" '
	    NR == 2 { $2 = m } NR == 3 { $1 = m; $2 = m } NR == 4 { $1 = -2; $2 = c3 + 2 }
	    { print }' "$x" | perl "$TOP/t/zidxtool.pl" rehash >"$TMP/d.csv.gz.idx"
	expect_eq "LLONG_MAX: block 1" "$(sed -n 3p "$TMP/d.csv.gz.idx" | cut -d' ' -f1,2)" "9223372036854775807 9223372036854775807"
	for n in "" "-n $key"; do
		run --separate-stderr cttime -a -P $n -t $t "$TMP/d.csv.gz"
		[ "$output" = "$(if [ -n "$n" ]; then echo "$wantn"; else echo "$want"; fi)" ] ||
		    fail "LLONG_MAX $n: output differs: $stderr"
		expect_eq "LLONG_MAX $n: warning" "$stderr" "cttime: $TMP/d.csv.gz.idx: stale or corrupt index, reading the whole file"
	done
	run --separate-stderr ctcat -l "$TMP/d.csv.gz"
	expect_eq "LLONG_MAX: ctcat -l" "$output" "$(head -c 27 "$TMP/plain/$f") gzip - $TMP/d.csv.gz"
	# the same with the plain offsets; a time past any date: refused too
	for how in ulen time; do
		case $how in
		ulen) awk -v m=9223372036854775807 -v u3="$(sed -n 5p "$x" | cut -d' ' -f3)" '
		    NR == 2 { $4 = m } NR == 3 { $3 = m; $4 = m } NR == 4 { $3 = -2; $4 = u3 + 2 }
		    { print }' "$x" ;;
		time) awk -v m=9223372036854775807 'NR == 2 { $9 = m } { print }' "$x" ;;
		esac | perl "$TOP/t/zidxtool.pl" rehash >"$TMP/d.csv.gz.idx"
		run --separate-stderr cttime -a -P -t $t "$TMP/d.csv.gz"
		[ "$output" = "$want" ] || fail "$how: output differs: $stderr"
		expect_eq "$how: warning" "$stderr" "cttime: $TMP/d.csv.gz.idx: stale or corrupt index, reading the whole file"
	done
	# a table of 2^25 entries in one bucket, its file sparse: its length
	# is right, but a lookup would read 300 MB (the limit: 65536 entries)
	nb=$(nblocks "$x")
	nr=$(awk 'NR == 1 { print $9 }' "$x")
	{
		awk 'NR == 1 { $7 = 33554432; $8 = 1; print }' "$x"
		sed -n "2,$((nb + nr + 1))p" "$x"
		echo 33554432
	} | headhash >"$TMP/d.csv.gz.idx"
	w=$(( $(printf '%x' $((nb - 1)) | wc -c) + 8 ))	# fingerprint, block
	truncate -s $(( $(wc -c <"$TMP/d.csv.gz.idx") + 17 + 33554432 * w )) "$TMP/d.csv.gz.idx"
	for n in "" "-n $key"; do
		run --separate-stderr /usr/bin/time -f 'rss %M' cttime -a -P $n -t $t "$TMP/d.csv.gz"
		rss=${stderr##*rss }
		[ "$rss" -lt 100000 ] || fail "sparse $n: $rss KB"
		[ "$output" = "$(if [ -n "$n" ]; then echo "$wantn"; else echo "$want"; fi)" ] ||
		    fail "sparse $n: output differs: $stderr"
		expect_eq "sparse $n: warning" "${stderr%%$'\n'*}" "cttime: $TMP/d.csv.gz.idx: stale or corrupt index, reading the whole file"
	done
}

@test "-n: bad keys are usage errors" {
	while IFS='|' read -r arg msg; do
		run cttime -t 2026-11-27T10:00:00Z -n "$arg" </dev/null
		expect_eq "$arg: status" "$status" 2
		expect_eq "$arg: message" "$output" "$msg"
	done <<-'END'
	192.0.2.1|cttime: -n 192.0.2.1: expected NATIP:PORT
	2001:db8::1:80|cttime: -n 2001:db8::1:80: write an IPv6 address in brackets: [2001:db8::1]:61234
	[2001:db8::1]80|cttime: -n [2001:db8::1]80: expected [IPV6]:PORT
	192.0.2.300:80|cttime: -n 192.0.2.300:80: bad IPv4 address
	192.0.2.1:0|cttime: -n 192.0.2.1:0: bad port (1-65535)
	192.0.2.1:65536|cttime: -n 192.0.2.1:65536: bad port (1-65535)
	192.0.2.1:x|cttime: -n 192.0.2.1:x: bad port (1-65535)
	END
	printf '2026-11-27T10:00:00.000000Z;start;udp;10.0.0.1;5;198.51.100.1;53;192.0.2.1;80;1;;;;\n' >"$TMP/f.csv"
	run cttime -t 2026-11-27T10:00:00Z -n 192.0.2.1:080 "$TMP/f.csv"
	[ "$status" -eq 0 ] && [ "${#lines[@]}" -eq 1 ]
}

@test "version 5: near blocks without the key are skipped, their records passed on; cttrace answers as with version 4 and the plain day" {
	# a dense quarter of an hour (gen.pl: many NAT keys), with coverage
	# records put in: a begin, alive every 20 s, a lost and a restart;
	# blocks of 4 KiB
	mkdir -p "$TMP/plain" "$TMP/v5" "$TMP/v4"
	# (ctparse's own records, at the wall clock's time, left out)
	perl "$TOP/t/bench/gen.pl" -n 20000 -d 900 -s 3 | ctparse 2>/dev/null |
	    awk -F';' '$9 != ""' |
	    awk -F';' 'NR == 1 { b = substr($1, 1, 19); print b ".000000Z;begin;;;;;;;;20;;;;;" b ".000000Z;" }
		{ s = substr($1, 12, 8); m = substr(s, 4, 2) * 60 + substr(s, 7, 2)
		  if (int(m / 20) != last && NR > 1)
			print substr($1, 1, 26) "Z;alive;;;;;;;;20;;;;;" b ".000000Z;"
		  if (NR == 9000) print $1 ";lost;;;;;;;;12;;;;;;"
		  if (NR == 15000) print $1 ";restart;;;;;;;;;;;;;" $1 ";"
		  last = int(m / 20); print }' >"$TMP/plain/2026-11-27.csv"
	[ "$(grep -c ';alive;' "$TMP/plain/2026-11-27.csv")" -gt 30 ] || fail "no alive records"
	cp "$TMP/plain/2026-11-27.csv" "$TMP/v5/"
	ctzip -f -b 4k "$TMP/v5/2026-11-27.csv"
	run perl "$TOP/t/zidxcheck.pl" "$TMP/plain/2026-11-27.csv" "$TMP/v5/2026-11-27.csv.gz" "$TMP/v5/2026-11-27.csv.gz.idx"
	[ "$status" -eq 0 ] || fail "$output"
	ln "$TMP/v5/2026-11-27.csv.gz" "$TMP/v4/"
	perl "$TOP/t/zidxtool.pl" old 4 <"$TMP/v5/2026-11-27.csv.gz.idx" >"$TMP/v4/2026-11-27.csv.gz.idx"
	# starts, stops and times around them, at every 300th line
	awk -F';' 'NR % 400 == 7 && $8 != "" { print $8, $9, $1 }' "$TMP/plain/2026-11-27.csv" >"$TMP/q"
	n=0 b4=0 b5=0
	while read -r ip port t; do
		[ $((n % 3)) -eq 1 ] && t=$(echo "$t" | sed 's/\(:[0-9][0-9]\)\..*/\1Z/')
		traces_agree "$ip" "$port" "$t" "$TMP/plain" "$TMP/v5" "$TMP/v4"
		for v in 4 5; do
			case $ip in *:*) k="[$ip]:$port" ;; *) k=$ip:$port ;; esac
			CTTIME_DEBUG=1 run --separate-stderr "$HOOKS/ctcat" -d "$TMP/v$v" -w 10 -k 60 -A 86400 -R 0 -n "$k" -t "$t"
			b=$(blocks "$TMP/v$v/2026-11-27.csv.gz")
			[ -n "$b" ] || fail "$ip $port $t: $stderr"
			eval "b$v=\$((b$v + ${b% of *}))"
		done
		n=$((n + 1))
	done <"$TMP/q"
	[ "$n" -ge 40 ] || fail "only $n queries"
	echo "blocks read: version 4 $b4, version 5 $b5"
	[ "$b5" -gt 0 ] && [ $((b5 * 4)) -lt "$b4" ] || fail "version 5 read $b5 blocks, version 4 $b4"
}

@test "version 5: a bad key filter is a corrupt index; filters of crafted lengths refused" {
	mkdir -p "$TMP/d"
	perl "$TOP/t/bench/gen.pl" -n 3000 -d 300 -s 5 | ctparse 2>/dev/null |
	    awk -F';' '$9 != ""' >"$TMP/d/2026-11-27.csv"
	cp "$TMP/d/2026-11-27.csv" "$TMP/orig"
	ctzip -f -b 4k "$TMP/d/2026-11-27.csv"
	x=$TMP/d/2026-11-27.csv.gz.idx
	cp "$x" "$TMP/good"
	l=$(sed -n 1000p "$TMP/orig")
	ip=$(echo "$l" | cut -d';' -f8) port=$(echo "$l" | cut -d';' -f9) t=$(echo "$l" | cut -d';' -f1)
	run --separate-stderr cttrace -d "$TMP/d" "$ip" "$port" "$t"
	want=$output
	# a byte of the filters changed: the hash of a filter near T fails
	size=$(wc -c <"$x")
	fsize=$(head -n 1 "$x" | cut -d' ' -f11)
	n=0
	for off in $((size - fsize + 9)) $((size - fsize / 2)) $((size - 1)); do
		cp "$TMP/good" "$x"
		printf '\377' | dd of="$x" bs=1 seek="$off" conv=notrunc 2>/dev/null
		CTTIME_DEBUG=1 run --separate-stderr "$HOOKS/ctcat" -d "$TMP/d" -n "$ip:$port" -t "$t" -R 0
		case $stderr in
		*"stale or corrupt index, reading the whole file"*) n=$((n + 1)) ;;
		esac
		run --separate-stderr cttrace -d "$TMP/d" "$ip" "$port" "$t"
		expect_eq "byte $off changed" "$output" "$want"
	done
	# the garbled filters near the query are found (all of them, here:
	# the -A day back covers the whole file)
	[ "$n" -ge 1 ] || fail "no bad filter found"
	# lengths that do not add up, or beyond what NKF keys can take, a
	# filter for no key, FBITS out of range: refused, rehashed or not
	for e in 's/^\(ctzip-index .*\) \([0-9]*\) \([0-9]*\)$/\1 1\2 \3/' \
	    '2s/ [0-9]* \([0-9]*\)$/ 0 \1/' \
	    '2s/ \([0-9]*\) [0-9]*$/ \1 99999/' \
	    '1s/ 7 \([0-9]*\) \([0-9]*\)$/ 17 \1 \2/' \
	    '1s/ 7 \([0-9]*\) \([0-9]*\)$/ 0 \1 \2/' \
	    '1s/ [0-9]*$/ 0/' '1s/ [0-9]*$/ 1000000001/' \
	    '3s/ [0-9]* [0-9]*$/ - 5/'; do
		sed "$e" "$TMP/good" | perl "$TOP/t/zidxtool.pl" rehash >"$x" 2>/dev/null || sed "$e" "$TMP/good" >"$x"
		cmp -s "$x" "$TMP/good" && fail "$e: no change"
		run --separate-stderr ctcat -d "$TMP/d" -n "$ip:$port" -t "$t" -R 0
		[[ "$stderr" == *"stale or corrupt index, reading the whole file"* ]] || fail "$e: $stderr"
		run --separate-stderr cttrace -d "$TMP/d" "$ip" "$port" "$t"
		expect_eq "$e" "$output" "$want"
	done
}

# snapflows DAYS SEED: flows()'s flows, with a snapshot every 2 hours and
# at each midnight (t/flowgen.sh: an open record of every flow the kernel
# holds then, its from the flow's start, then the snapshot record);
# ctzip'd in $TMP/idx, and in $TMP/v5 the same .gz with the index as
# version 5
snapflows() {
	mkdir -p "$TMP/plain" "$TMP/v5"
	sh "$TOP/t/flowgen.sh" "$TMP/plain" "$1" "$2" 1400 1
	zipped
	for f in "$TMP"/idx/*.gz; do
		ln "$f" "$TMP/v5/"
		perl "$TOP/t/zidxtool.pl" old 5 <"$f.idx" >"$TMP/v5/${f##*/}.idx"
	done
}

@test "version 6: far blocks of flows that ended before the window skipped; lost stops, snapshots, midnight: cttrace answers as with version 5 and the plain days" {
	snapflows 2 13
	[ "$(grep -c ';open;' "$TMP/plain/2026-11-28.csv")" -gt 10 ] || fail "no open records"
	[ "$(head -n 1 "$TMP/plain/2026-11-28.csv" | cut -d';' -f2)" = open ] || fail "no snapshot at midnight"
	for f in "$TMP"/idx/*.gz; do
		run perl "$TOP/t/zidxcheck.pl" "$TMP/plain/$(basename "$f" .gz)" "$f" "$f.idx"
		[ "$status" -eq 0 ] || fail "$output"
		run perl "$TOP/t/zidxtool.pl" check "$TMP/v5/${f##*/}.idx"
		[ "$status" -eq 0 ] || fail "v5: $output"
	done
	# every key's UNTIL: some never end (no stop), most within the day
	u=$(for b in $(seq 0 7 "$(nblocks "$TMP/idx/2026-11-27.csv.gz.idx")"); do perl "$TOP/t/zidxtool.pl" keys "$TMP/idx/2026-11-27.csv.gz.idx" $b; done | cut -d' ' -f2 | sort -u | tr '\n' ' ')
	[[ "$u" == *ff* ]] && [[ "$u" == *0[0-9a-f]* ]] || fail "UNTILs: $u"
	# the later in the day, the more far blocks of ended flows: queries
	# from the afternoon of each day on, at starts, stops and around them
	awk -F';' 'NR % 29 == 7 && $1 > "2026-11-27T12" { print $8, $9, $1 }' "$TMP"/plain/*.csv | head -n 36 >"$TMP/q"
	n=0 b5=0 b6=0 less=0
	while read -r ip port t; do
		[ $((n % 3)) -eq 1 ] && t=$(echo "$t" | sed 's/\(:[0-9][0-9]\)\..*/\1Z/')
		traces_agree "$ip" "$port" "$t" "$TMP/plain" "$TMP/idx" "$TMP/v5"
		for v in 5 6; do
			d=$TMP/idx
			[ $v = 5 ] && d=$TMP/v5
			CTTIME_DEBUG=1 run --separate-stderr "$HOOKS/ctcat" -d "$d" -w 10 -k 60 -A 86400 -R 0 -n "$ip:$port" -t "$t"
			r=$(printf '%s\n' "$stderr" | awk '/ of [0-9]* blocks$/ { r += $(NF - 3) } END { print r + 0 }')
			eval "r$v=$r; b$v=\$((b$v + r))"
		done
		[ "$r6" -le "$r5" ] || fail "$ip $port $t: version 6 read $r6 blocks, version 5 $r5"
		[ "$r6" -lt "$r5" ] && less=$((less + 1))
		n=$((n + 1))
	done <"$TMP/q"
	echo "blocks read: version 5 $b5, version 6 $b6; fewer for $less of $n queries"
	[ "$n" -ge 30 ] && [ "$less" -ge $((n / 3)) ] || fail "$less of $n"
}

@test "version 6: a block tied to a long flow's start (its open record) is read; without its entry the answer changes" {
	# one line a block (-b 1), L = 60 s, one NAT key: A from 10:00 to
	# 13:00, listed by the snapshot at 10:00:20 (its open record: block
	# 2); C from 10:00:05 to 10:10 (long, ended long before 12:30); E a
	# short flow near 12:30
	mkdir -p "$TMP/d"
	while read -r tm ev sp id rest; do
		case $ev in
		snapshot) printf '2026-11-27T%sZ;snapshot;;;;;;;;1;;;;;2026-11-27T10:00:20.000000Z;\n' "$tm" ;;
		*) printf '2026-11-27T%sZ;%s;udp;10.0.0.1;%s;198.51.100.1;53;192.0.2.1;1001;%s;%s\n' \
		    "$tm" "$ev" "$sp" "$id" "$rest" ;;
		esac
	done >"$TMP/d/2026-11-27.csv" <<-'END'
	10:00:00.000000 start 1 1 ;;;;;
	10:00:05.000000 start 3 3 ;;;;;
	10:00:20.000000 open 1 1 ;;;;2026-11-27T10:00:00.000000Z;
	10:00:20.000001 snapshot
	10:10:00.000000 stop 3 3 1;1;1;1;;
	12:29:00.000000 start 5 5 ;;;;;
	12:29:30.000000 stop 5 5 1;1;1;1;;
	13:00:00.000000 stop 1 1 1;1;1;1;;
	END
	cp -r "$TMP/d" "$TMP/plain"
	ctzip -f -b 1 -L 60 "$TMP/d/2026-11-27.csv"
	x=$TMP/d/2026-11-27.csv.gz.idx
	k=$(fp '192.0.2.1;1001')
	# block 2 (the open record) is tied to block 0 (A's start): its UNTIL
	# reaches 13:00 too; C's blocks (1 and 4) end at 10:10
	unit=$(head -n 1 "$x" | cut -d' ' -f12)
	upto() {
		local d tmax
		d=$(perl "$TOP/t/zidxtool.pl" keys "$x" "$1" | cut -d' ' -f2)
		tmax=$(sed -n "$(($1 + 2))p" "$x" | cut -d' ' -f9)
		echo $((tmax / 1000000 + 0x$d * unit))
	}
	[ "$(upto 2)" -ge 1795780800 ] || fail "block 2 until $(upto 2)"
	[ "$(upto 1)" -lt 1795780800 ] && [ "$(upto 4)" -lt $((1795774200 + unit)) ] || fail "C: $(upto 1) $(upto 4)"
	t=2026-11-27T12:30:00Z
	run cttrace -d "$TMP/plain" 192.0.2.1 1001 $t
	want=$output
	[[ "$want" == *10.0.0.1* ]] || fail "$want"
	traces_agree 192.0.2.1 1001 $t "$TMP/plain" "$TMP/d"
	# ctcat reads blocks 0 and 2 (A), and 5, 6 (near): not C's
	CTTIME_DEBUG=1 run --separate-stderr "$HOOKS/ctcat" -d "$TMP/d" -A 86400 -R 0 -n 192.0.2.1:1001 -t $t
	[[ "$stderr" == *" 4 of 8 blocks"* ]] || fail "$stderr"
	# version 5 reads C's blocks too, and answers the same
	mkdir -p "$TMP/v5"
	ln "$TMP/d/2026-11-27.csv.gz" "$TMP/v5/"
	perl "$TOP/t/zidxtool.pl" old 5 <"$x" >"$TMP/v5/2026-11-27.csv.gz.idx"
	CTTIME_DEBUG=1 run --separate-stderr "$HOOKS/ctcat" -d "$TMP/v5" -A 86400 -R 0 -n 192.0.2.1:1001 -t $t
	[[ "$stderr" == *" 6 of 8 blocks"* ]] || fail "v5: $stderr"
	traces_agree 192.0.2.1 1001 $t "$TMP/plain" "$TMP/v5"
	# the entry of block 2 dropped: the snapshot record, passed on, does
	# not see A listed, ends it at 10:00:20, and the answer changes
	perl "$TOP/t/zidxtool.pl" drop "$k" 2 <"$x" >"$TMP/x" && mv "$TMP/x" "$x"
	run perl "$TOP/t/zidxtool.pl" check "$x"
	[ "$status" -eq 0 ] || fail "$output"
	CTTIME_DEBUG=1 run --separate-stderr "$HOOKS/ctcat" -d "$TMP/d" -A 86400 -R 0 -n 192.0.2.1:1001 -t $t
	[[ "$stderr" == *" 3 of 8 blocks"* ]] || fail "dropped: $stderr"
	run cttrace -d "$TMP/d" 192.0.2.1 1001 $t
	[ "$output" != "$want" ] || fail "the same answer without block 2: $output"
}

@test "near blocks are a run: a block stamped before the near zone just after a near block is read (times step back)" {
	# two lines a block (-b 150), L = 60 s, T = 12:30:00, -w 10: the
	# near zone is from 12:28:50.  Block 1 (E's start 12:28:40, Z's
	# 12:28:55) is near; block 2, stamped 12:28:45-46 (the log stepped
	# back 10 s), holds E's stop.  E is short: no entry names it.  Were
	# block 2 far, E would look open at T.
	mkdir -p "$TMP/d"
	while read -r tm ev port sp; do
		printf '2026-11-27T%sZ;%s;udp;10.0.0.%s;%s;198.51.100.1;53;192.0.2.1;%s;%s;%s\n' \
		    "$tm" "$ev" "$sp" "$sp" "$port" "$sp" \
		    "$([ "$ev" = stop ] && echo '1;1;1;1;;' || echo ';;;;;')"
	done >"$TMP/d/2026-11-27.csv" <<-'END'
	10:00:00.000000 start 1002 9
	10:00:01.000000 stop 1002 9
	12:28:40.000000 start 1001 5
	12:28:55.000000 start 1002 6
	12:28:45.000000 stop 1001 5
	12:28:46.000000 stop 1002 6
	12:29:58.000000 start 1002 7
	12:30:30.000000 stop 1002 7
	12:35:00.000000 start 1002 8
	12:35:01.000000 stop 1002 8
	END
	cp -r "$TMP/d" "$TMP/plain"
	ctzip -f -b 150 -L 60 "$TMP/d/2026-11-27.csv"
	x=$TMP/d/2026-11-27.csv.gz.idx
	[ "$(nblocks "$x")" -eq 5 ] || fail "$(cat "$x")"
	# block 2: TMAX 12:28:46, before the near zone by its times
	[ "$(sed -n 4p "$x" | cut -d' ' -f9)" -eq 1795782526000000 ] || fail "$(sed -n 4p "$x")"
	t=2026-11-27T12:30:00Z
	run cttrace -d "$TMP/plain" 192.0.2.1 1001 $t
	[[ "$output" != *10.0.0.5* ]] || fail "plain: $output"
	traces_agree 192.0.2.1 1001 $t "$TMP/plain" "$TMP/d"
	CTTIME_DEBUG=1 run --separate-stderr "$HOOKS/ctcat" -d "$TMP/d" -A 86400 -R 0 -n 192.0.2.1:1001 -t $t
	[[ "$stderr" == *" 2 of 5 blocks"* ]] || fail "$stderr"
}

@test "-F 0: no key filters, a smaller index; the same lines of each key, from more near blocks" {
	# dense: 30,000 flows a day, ~7 blocks of 1k in a query's near zone
	mkdir -p "$TMP/dense" "$TMP/f7" "$TMP/f0"
	sh "$TOP/t/flowgen.sh" "$TMP/dense" 1 5 30000 0
	f=2026-11-27.csv
	for F in 7 0; do
		cp "$TMP/dense/$f" "$TMP/f$F/$f"
		ctzip -f -F $F -b 1k -L 60 "$TMP/f$F/$f"
	done
	zcat "$TMP/f0/$f.gz" | cmp - "$TMP/dense/$f"
	cmp "$TMP/f0/$f.gz" "$TMP/f7/$f.gz"	# the same members
	# every block without a filter ("- -"), the index smaller
	nb=$(nblocks "$TMP/f0/$f.gz.idx")
	expect_eq "no filters" "$(sed -n "2,$((nb + 1))p" "$TMP/f0/$f.gz.idx" | grep -c ' - -$')" "$nb"
	[ "$(wc -c <"$TMP/f0/$f.gz.idx")" -lt "$(wc -c <"$TMP/f7/$f.gz.idx")" ] || fail "not smaller"
	awk -F';' 'NR % 4999 == 5 && $8 != "" { print $8 ":" $9, $1 }' "$TMP/dense/$f" | head -n 12 >"$TMP/q"
	more=0
	while read -r key t; do
		CTTIME_DEBUG=1 run --separate-stderr "$HOOKS/ctcat" -n "$key" -t "$t" -R 0 "$TMP/f7/$f.gz"
		want=$(printf '%s\n' "$output" | ctgrep --records -N "$key")
		b7=$(blocks "$TMP/f7/$f.gz")
		CTTIME_DEBUG=1 run --separate-stderr "$HOOKS/ctcat" -n "$key" -t "$t" -R 0 "$TMP/f0/$f.gz"
		expect_eq "$key $t: status" "$status" 0
		expect_eq "$key $t: lines" "$(printf '%s\n' "$output" | ctgrep --records -N "$key")" "$want"
		b0=$(blocks "$TMP/f0/$f.gz")
		[ "${b0% of *}" -ge "${b7% of *}" ] || fail "$key $t: $b0 against $b7"
		[ "${b0% of *}" -gt "${b7% of *}" ] && more=$((more + 1))
	done <"$TMP/q"
	[ "$more" -gt 8 ] || fail "only $more of 12 read more blocks"
	run ctzip -F 17 "$TMP/f0/$f"
	expect_eq "-F 17" "$status" 2
	[[ "$output" == *"-F 17: not a number of bits (0 to 16)"* ]] || fail "$output"
}
