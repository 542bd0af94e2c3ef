#!/usr/bin/env bats
# ctcat: which files make up a log directory, in which order; the lines a
# question about a time reads, across files, plain, .gz and .zst, indexed
# or not; the records it adds (nolog, unread, eof) and those of the blocks
# an index lets it skip; -l.
load helper
bats_require_minimum_version 1.5.0

# day TAG FROM TO STEP: log lines (16 fields) from epoch FROM to TO every
# STEP seconds: a begin record first, then flows of 192.0.2.1 ports
# 1000-1003 (a start, its stop STEP/2 later), an alive record every 10
# flows.  Ids are TAG * 100000 + n, so a line tells its file.
day() {
	perl -MPOSIX=strftime -e '
		my ($tag, $from, $to, $step) = @ARGV;
		sub ts { strftime("%Y-%m-%dT%H:%M:%S", gmtime($_[0])) . ".000000Z" }
		my $b = ts($from);
		print "$b;begin;;;;;;;;60;;;;;$b;\n";
		my $n = 0;
		for (my $t = $from + 1; $t < $to; $t += $step, $n++) {
			my $id = $tag * 100000 + $n;
			my $k = "udp;10.0.0." . (1 + $n % 7) . ";5000;198.51.100.1;53;192.0.2.1;" . (1000 + $n % 4);
			print ts($t), ";start;$k;$id;;;;;;\n";
			print ts($t + $step / 2), ";stop;$k;$id;1;60;1;90;;\n";
			print ts($t + $step / 2), ";alive;;;;;;;;60;;;;;$b;\n" if $n % 10 == 9;
		}' "$@"
}

# epoch DATE: seconds since the Epoch of a UTC date or time
epoch() {
	date -u -d "$1" +%s
}

# mixed: $TMP/log, a log of 2026-11-20 to 2026-11-27 in every form:
# daily plain, gzip, ctzip'd gzip and zstd with their indexes, and
# logrotate names (dateext both ways, a number, the current file)
mixed() {
	local d=$TMP/log i=0 name
	mkdir -p "$d"
	for name in 2026-11-20.csv 2026-11-21.csv 2026-11-22.csv 2026-11-23.csv \
	    cur.csv-2026-11-24 cur.csv-20261125 cur.csv.1 cur.csv; do
		i=$((i + 1))
		day $i $(epoch "2026-11-$((19 + i))") $(epoch "2026-11-$((20 + i))") 600 >"$d/$name"
	done
	gzip "$d/2026-11-21.csv" "$d/cur.csv-20261125"
	touch -d '1 hour ago' "$d/2026-11-22.csv" "$d/2026-11-23.csv"
	ctzip -b 2k "$d/2026-11-22.csv"
	if command -v zstd >/dev/null; then
		ctzip -z zstd -b 2k "$d/2026-11-23.csv"
	else
		ctzip -b 2k "$d/2026-11-23.csv"
	fi
}

# tags: the files (tags) of the flow lines of standard input, one a line
tags() {
	awk -F';' 'NF >= 16 && $3 != "" { print int($10 / 100000) }' | sort -un
}

@test "-l: every name form, in log order, the days named; indexes, .tmp, other names left out; plain before compressed" {
	command -v zstd >/dev/null || skip "no zstd"
	mixed
	d=$TMP/log
	# left out: a compression under way, an index alone, other names
	touch "$d/2026-11-26.csv.gz.tmp" "$d/notes.txt" "$d/x.csv.bak" "$d/x.csv-old"
	cp "$d/2026-11-22.csv.gz.idx" "$d/2026-11-28.csv.gz.idx"
	# a compression stopped between rename and remove: the plain one
	cp "$d/cur.csv.1" "$d/old.csv.3"
	gzip -c "$d/cur.csv.1" >"$d/old.csv.3.gz"
	# NAME.csv.N.gz and a zstd'd logrotate file
	day 9 $(epoch 2026-11-19) $(epoch 2026-11-19T12:00) 3600 | gzip >"$d/cur.csv.9.gz"
	day 10 $(epoch 2026-11-19T12:00) $(epoch 2026-11-19T18:00) 3600 | zstd -q >"$d/cur.csv-20261119.zst"
	: >"$d/empty.csv"
	# not days: a date that does not exist, a day's name with more to it
	: >"$d/2026-02-31.csv"
	: >"$d/2026-11-28.csv.1"
	run --separate-stderr ctcat -l -d "$d"
	expect_eq status "$status" 0
	expect_eq stderr "$stderr" ""
	expect_eq list "$output" "2026-11-19T00:00:00.000000Z gzip - $d/cur.csv.9.gz
2026-11-19T12:00:00.000000Z zstd - $d/cur.csv-20261119.zst
2026-11-20T00:00:00.000000Z plain 2026-11-20 $d/2026-11-20.csv
2026-11-21T00:00:00.000000Z gzip 2026-11-21 $d/2026-11-21.csv.gz
2026-11-22T00:00:00.000000Z gzip+idx 2026-11-22 $d/2026-11-22.csv.gz
2026-11-23T00:00:00.000000Z zstd+idx 2026-11-23 $d/2026-11-23.csv.zst
2026-11-24T00:00:00.000000Z plain - $d/cur.csv-2026-11-24
2026-11-25T00:00:00.000000Z gzip - $d/cur.csv-20261125.gz
2026-11-26T00:00:00.000000Z plain - $d/cur.csv.1
2026-11-26T00:00:00.000000Z plain - $d/old.csv.3
2026-11-27T00:00:00.000000Z plain - $d/cur.csv
- plain - $d/2026-02-31.csv
- plain - $d/2026-11-28.csv.1
- plain - $d/empty.csv"
	# what sh reads of it: the day, and a path with blanks whole
	cp "$d/2026-11-20.csv" "$TMP/a b  c.csv"
	ctcat -l "$TMP/a b  c.csv" "$d/2026-11-20.csv" | {
		read -r first form day path && expect_eq "read 1" "$form|$day|$path" "plain|-|$TMP/a b  c.csv" &&
		read -r first form day path && expect_eq "read 2" "$form|$day|$path" "plain|2026-11-20|$d/2026-11-20.csv"
	}
	# files given: taken whatever their names, in log order; a day by
	# the last component of its path
	run ctcat -l "$d/cur.csv" "$d/notes.txt" "$d/2026-11-20.csv" "$d/2026-11-21.csv.gz"
	expect_eq given "$output" "2026-11-20T00:00:00.000000Z plain 2026-11-20 $d/2026-11-20.csv
2026-11-21T00:00:00.000000Z gzip 2026-11-21 $d/2026-11-21.csv.gz
2026-11-27T00:00:00.000000Z plain - $d/cur.csv
- plain - $d/notes.txt"
	run ctcat -l -d "$TMP/none"
	expect_eq "no dir: status" "$status" 2
	expect_eq "no dir" "$output" "ctcat: $TMP/none: No such file or directory"
	mkdir "$TMP/empty"
	run ctcat -l -d "$TMP/empty"
	expect_eq "empty: status" "$status" 1
	expect_eq "empty" "$output" ""
}

@test "a file name with a newline is left out with a warning" {
	d=$TMP/log
	mkdir -p "$d"
	day 1 $(epoch 2026-11-27) $(epoch 2026-11-28) 3600 >"$d/2026-11-27.csv"
	day 2 $(epoch 2026-11-27) $(epoch 2026-11-28) 3600 >"$d/2026-11-27.csv
x.csv"
	run --separate-stderr ctcat -l -d "$d"
	expect_eq list "$output" "2026-11-27T00:00:00.000000Z plain 2026-11-27 $d/2026-11-27.csv"
	expect_eq warning "$stderr" "ctcat: $d/2026-11-27.csv?x.csv: a file name with control characters, left out"
	run --separate-stderr ctcat -d "$d" -t 2026-11-27T12:00:00Z
	expect_eq status "$status" 0
	expect_eq files "$(printf '%s\n' "$output" | tags)" 1
	expect_eq warning "$stderr" "ctcat: $d/2026-11-27.csv?x.csv: a file name with control characters, left out"
}

@test "ranges before, inside and after the log: nolog, lines, eof" {
	mixed
	d=$TMP/log
	# -t, -A, -R: first line | last line | status (the first and last
	# lines of the output; nolog and eof are the records ctcat adds).
	# The lines written are those from T-w-A to T+w+R+2k, whatever the
	# form of the files (an index's blocks, a bisection's margin).
	# Before the log: nolog alone, no line of the log (1).  At its start:
	# nolog, then lines up to the window's end (-R 0: 00:32:10).
	# Inside: from the first line after 10:59:50 to the last before
	# 12:02:10.  At its end: a line past it (no eof: ctcat did not know
	# it was the last), or not (-R 600: eof, the log ends there).
	# After: no line of the log (1), and eof.
	while IFS='|' read -r args first last st; do
		run --separate-stderr ctcat -d "$d" -k 60 -w 10 $args
		expect_eq "$args: status" "$status" "$st"
		expect_eq "$args: stderr" "$stderr" ""
		expect_eq "$args: first" "${lines[0]}" "$first"
		expect_eq "$args: last" "${lines[${#lines[@]} - 1]}" "$last"
	done <<-'END'
	-t 2026-11-10T12:00:00Z -A 3600 -R 0|2026-11-10T10:58:50.000000Z;nolog;;;;;;;;;;;;;;2026-11-19T10:00:00.000000Z|2026-11-10T10:58:50.000000Z;nolog;;;;;;;;;;;;;;2026-11-19T10:00:00.000000Z|1
	-t 2026-11-20T00:30:00Z -A 3600 -R 0|2026-11-19T23:28:50.000000Z;nolog;;;;;;;;;;;;;;2026-11-20T00:00:00.000000Z|2026-11-20T00:30:01.000000Z;start;udp;10.0.0.4;5000;198.51.100.1;53;192.0.2.1;1003;100003;;;;;;|0
	-t 2026-11-22T12:00:00Z -A 3600 -R 0|2026-11-22T11:00:01.000000Z;start;udp;10.0.0.4;5000;198.51.100.1;53;192.0.2.1;1002;300066;;;;;;|2026-11-22T12:00:01.000000Z;start;udp;10.0.0.3;5000;198.51.100.1;53;192.0.2.1;1000;300072;;;;;;|0
	-t 2026-11-27T23:50:00Z -A 3600 -R 0|2026-11-27T22:50:01.000000Z;start;udp;10.0.0.5;5000;198.51.100.1;53;192.0.2.1;1001;800137;;;;;;|2026-11-27T23:50:01.000000Z;start;udp;10.0.0.4;5000;198.51.100.1;53;192.0.2.1;1003;800143;;;;;;|0
	-t 2026-11-27T23:50:00Z -A 3600 -R 600|2026-11-27T22:50:01.000000Z;start;udp;10.0.0.5;5000;198.51.100.1;53;192.0.2.1;1001;800137;;;;;;|2026-11-27T23:55:01.000000Z;eof;;;;;;;;;;;;;;|0
	-t 2026-12-05T00:00:00Z -A 3600 -R 0|2026-11-27T23:55:01.000000Z;eof;;;;;;;;;;;;;;|2026-11-27T23:55:01.000000Z;eof;;;;;;;;;;;;;;|1
	END
	# within the log: neither record; across a file boundary, both files
	run ctcat -d "$d" -t 2026-11-24T00:00:30Z -A 3600
	expect_eq across "$(printf '%s\n' "$output" | tags | tr '\n' ' ')" "4 5 "
	[[ "$output" != *";nolog;"* && "$output" != *";eof;"* ]] || fail "$output"
}

@test "the lines cttime -a -P needs: the same answers as from the whole log, every form, every key" {
	command -v zstd >/dev/null || skip "no zstd"
	mixed
	for f in 2026-11-20.csv 2026-11-21.csv.gz 2026-11-22.csv.gz 2026-11-23.csv.zst cur.csv-2026-11-24 cur.csv-20261125.gz cur.csv.1 cur.csv; do
		case $f in
		*.gz) gzip -dc "$TMP/log/$f" ;;
		*.zst) zstd -q -dc "$TMP/log/$f" ;;
		*) cat "$TMP/log/$f" ;;
		esac
	done >"$TMP/all.csv"
	n=0
	for t in 2026-11-20T00:03:00Z 2026-11-21T23:58:01Z 2026-11-22T07:05:02Z 2026-11-23T00:00:30Z 2026-11-23T13:35:01Z 2026-11-26T00:00:02Z 2026-11-27T23:59:00Z; do
		for port in 1000 1003; do
			for args in "-w 10 -A 86400 -R 0" "-w 400 -A 600" "-w 1 -A 86400 -k 5 -R 30"; do
				want=$(ctgrep -N 192.0.2.1:$port "$TMP/all.csv" | cttime -a -P $args -t $t || true)
				run --separate-stderr sh -c "ctcat -d '$TMP/log' $args -n 192.0.2.1:$port -t $t | ctgrep -N 192.0.2.1:$port | cttime -a -P $args -t $t"
				expect_eq "$t $port $args: stderr" "$stderr" ""
				[ "$output" = "$want" ] || fail "$t $port $args: [$output] want [$want]"
				run sh -c "ctcat -d '$TMP/log' $args -t $t | ctgrep -N 192.0.2.1:$port | cttime -a -P $args -t $t"
				[ "$output" = "$want" ] || fail "$t $port $args (no -n): [$output] want [$want]"
				[ -n "$want" ] && n=$((n + 1))
			done
		done
	done
	[ "$n" -gt 10 ] || fail "only $n answers"
	# -f: the union of the ranges, the same answers as each alone
	printf '192.0.2.1 1000 2026-11-20T06:00:00Z\n192.0.2.1 1001 2026-11-24T12:00:00Z\n' >"$TMP/q"
	want=$(ctgrep --nat-file <(printf '192.0.2.1:1000\n192.0.2.1:1001\n') "$TMP/all.csv" | cttime -a -P -f "$TMP/q" || true)
	run bash -c "ctcat -d '$TMP/log' -f '$TMP/q' | ctgrep --nat-file <(printf '192.0.2.1:1000\n192.0.2.1:1001\n') | cttime -a -P -f '$TMP/q'"
	expect_eq "-f" "$output" "$want"
	# and the day between the two ranges (a day's read-on and age: the
	# 22nd) is not read
	run sh -c "ctcat -d '$TMP/log' -f '$TMP/q' | awk -F';' '\$3 != \"\" { print int(\$10 / 100000) }' | sort -un | tr '\n' ' '"
	expect_eq "-f files" "$output" "1 2 4 5 6 "
}

@test "unread: a truncated .gz, a corrupt block, a file that cannot be read; the others are still read" {
	mixed
	d=$TMP/log
	# a truncated .gz: what it held up to the cut, then unread
	gz=$d/2026-11-21.csv.gz
	head -c $(($(wc -c <"$gz") / 2)) "$gz" >"$TMP/cut" && mv "$TMP/cut" "$gz"
	run --separate-stderr ctcat -d "$d" -t 2026-11-21T23:59:00Z -A 86400 -R 0
	expect_eq "truncated: status" "$status" 2
	[[ "$stderr" == *"$gz"* ]] || fail "$stderr"
	u=$(printf '%s\n' "$output" | grep -n ';unread;')
	[ -n "$u" ] || fail "no unread: $output"
	# after the last line written (the cut one, if whole enough to have
	# a time), at its time; the next day still read
	before=$(printf '%s\n' "$output" | sed -n "1,$((${u%%:*} - 1))p" | grep '^[0-9-]*T[0-9:.]*Z;' | tail -n 1 | cut -d';' -f1)
	# up to the next file's first line
	expect_eq "unread time" "${u#*:}" "$before;unread;;;;;;;;;;;;;;2026-11-22T00:00:00.000000Z"
	# (the 20th, read from 23:50:01, has no line of the range)
	expect_eq files "$(printf '%s\n' "$output" | tags | tr '\n' ' ')" "2 3 "
	# a corrupt block of an indexed .gz (its member's last bytes: the CRC)
	x=$d/2026-11-22.csv.gz
	set -- $(sed -n 4p "$x.idx")	# block 2
	printf 'XXXX' | dd of="$x" bs=1 seek=$(($1 + $2 - 8)) conv=notrunc 2>/dev/null
	run --separate-stderr ctcat -d "$d" -t 2026-11-22T12:00:00Z -A 86400 -R 0
	expect_eq "corrupt: status" "$status" 2
	[[ "$stderr" == *"$x"* ]] || fail "$stderr"
	# (the truncated day before it too: two unread records)
	expect_eq "corrupt: unread" "$(printf '%s\n' "$output" | grep -c ';unread;')" 2
	# (what is left of the 21st ends before the range, 11:59:50 on)
	expect_eq "corrupt: files" "$(printf '%s\n' "$output" | tags | tr '\n' ' ')" "3 "
	# what was decompressed before the fault is written, nothing after
	expect_eq "corrupt: last" "$(printf '%s\n' "$output" | tail -n 1 | cut -d';' -f2)" unread
	n=$(printf '%s\n' "$output" | awk -F';' 'int($10 / 100000) == 3' | wc -l)
	most=$(sed -n '2,4p' "$x.idx" | awk '{ s += $5 } END { print s }')
	[ "$n" -gt 0 ] && [ "$n" -le "$most" ] || fail "$n lines of the day, blocks 0-2 hold $most"
	# a file whose head cannot be decompressed: unread at the start
	printf '\037\213junk' >"$d/cur.csv.7.gz"
	run --separate-stderr ctcat -d "$d" -t 2026-11-26T12:00:00Z -A 3600 -R 0
	expect_eq "bad: status" "$status" 2
	[[ "$stderr" == *"$d/cur.csv.7.gz"* ]] || fail "$stderr"
	expect_eq "bad: first" "${lines[0]}" "2026-11-26T10:58:50.000000Z;unread;;;;;;;;;;;;;;"
	expect_eq "bad: files" "$(printf '%s\n' "$output" | tags | tr '\n' ' ')" "7 "
	run ctcat -l -d "$d"
	expect_eq "bad -l: status" "$status" 2
	[[ "$output" == *"- gzip - $d/cur.csv.7.gz"* ]] || fail "$output"
}

# oneline: $TMP/f.csv, a file of these lines (seconds after 2026-11-27
# 00:00, event, port), compressed by ctzip one line a block, -L 60
oneline() {
	while read -r s ev port id; do
		ts=$(date -u -d "@$((1795737600 + s))" +%Y-%m-%dT%H:%M:%S.000000Z)
		case $ev in
		start | stop | open) printf '%s;%s;udp;10.0.0.1;5;198.51.100.1;53;192.0.2.1;%s;%s;;;;;;\n' "$ts" "$ev" "$port" "$id" ;;
		*) printf '%s;%s;;;;;;;;%s;;;;;2026-11-27T00:00:00.000000Z;\n' "$ts" "$ev" "$id" ;;
		esac
	done >"$TMP/f.csv"
	touch -d '1 hour ago' "$TMP/f.csv"
	ctzip -k -b 1 -L 60 "$TMP/f.csv"
}

@test "-n: blocks skipped, their records written where they were; eof from the index" {
	oneline <<-'END'
	0 begin - 60
	1 start 1001 1
	5 stop 1001 1
	3600 alive - 60
	7200 lost - 7
	10800 restart - -
	14400 snapshot - 0
	18000 start 1002 2
	18005 stop 1002 2
	21600 end - -
	23400 begin - 60
	25200 start 1001 3
	25205 stop 1001 3
	28800 end - -
	END
	recs=$(perl "$TOP/t/zidxtool.pl" records "$TMP/f.csv.gz.idx" | cut -d' ' -f1 | tr '\n' ' ')
	expect_eq "index records" "$recs" "0 3 4 5 6 9 10 13 "
	# blocks 11 and 12 are near 07:00:02; the others far, and not named
	f=$TMP/f.csv
	# (-A: a day before, before the log: nolog)
	nolog='2026-11-26T06:58:52.000000Z;nolog;;;;;;;;;;;;;;2026-11-27T00:00:00.000000Z'
	CTTIME_DEBUG=1 run --separate-stderr "$HOOKS/ctcat" -n 192.0.2.1:1001 -t 2026-11-27T07:00:02Z -R 0 "$f.gz"
	expect_eq status "$status" 0
	expect_eq lines "$output" "$nolog
$(sed -n '1p;5,7p;10,13p' "$f")"
	[[ "$stderr" == *"debug: $f.gz: 2 of 14 blocks"* ]] || fail "$stderr"
	# the index that placing the file read is the one its reader uses
	[[ "$stderr" == *"debug: $f.gz: index handed over"* ]] || fail "$stderr"
	# read on a day after the window (-R): the last end too, and eof at
	# the time of the last line, which the index gives
	run ctcat -n 192.0.2.1:1001 -t 2026-11-27T07:00:02Z "$f.gz"
	expect_eq "-R: lines" "$output" "$nolog
$(sed -n '1p;5,7p;10,14p' "$f")
2026-11-27T08:00:00.000000Z;eof;;;;;;;;;;;;;;"
	# without -n: every block from the first on, the same lines as plain
	run ctcat -t 2026-11-27T07:00:02Z "$f.gz"
	expect_eq "no -n" "$output" "$nolog
$(cat "$f")
2026-11-27T08:00:00.000000Z;eof;;;;;;;;;;;;;;"
	run ctcat -t 2026-11-27T07:00:02Z "$f"
	expect_eq "plain" "$output" "$nolog
$(cat "$f")
2026-11-27T08:00:00.000000Z;eof;;;;;;;;;;;;;;"
	# a version 3 index has no records: -n then skips no block by key
	perl "$TOP/t/zidxtool.pl" old 3 <"$f.gz.idx" >"$TMP/v3" && mv "$TMP/v3" "$f.gz.idx"
	CTTIME_DEBUG=1 run --separate-stderr "$HOOKS/ctcat" -n 192.0.2.1:1001 -t 2026-11-27T07:00:02Z -R 0 "$f.gz"
	expect_eq "v3: lines" "$output" "$nolog
$(sed -n '1,13p' "$f")"
	[[ "$stderr" == *"debug: $f.gz: 13 of 14 blocks"* ]] || fail "$stderr"
}


@test "-n: the blocks chosen are inflated in the process; a member that does not inflate is named, with the lines before it, status 2" {
	oneline <<-'END'
	0 begin - 60
	1 start 1001 1
	5 stop 1001 1
	25190 start 1001 3
	25200 start 1002 4
	25205 stop 1001 3
	25210 stop 1002 4
	28800 end - -
	END
	f=$TMP/f.csv
	# blocks 3 and 5 (block 4 holds another key): two runs, as zcat has them
	CTTIME_DEBUG=1 run --separate-stderr "$HOOKS/ctcat" -n 192.0.2.1:1001 -t 2026-11-27T07:00:02Z -R 0 "$f.gz"
	expect_eq status "$status" 0
	[[ "$stderr" == *"debug: $f.gz: 2 of 8 blocks"* ]] || fail "$stderr"
	expect_eq lines "$(printf '%s\n' "$output" | grep -v nolog)" "$(zcat "$f.gz" | sed -n '1p;4p;6p')"
	# the CRC of block 5's member (its trailer's first bytes) made wrong
	set -- $(sed -n 7p "$f.gz.idx")
	printf 'XXXX' | dd of="$f.gz" bs=1 seek=$(($1 + $2 - 8)) conv=notrunc 2>/dev/null
	run --separate-stderr ctcat -n 192.0.2.1:1001 -t 2026-11-27T07:00:02Z -R 0 "$f.gz"
	expect_eq "crc: status" "$status" 2
	expect_eq "crc: message" "$stderr" "ctcat: $f.gz: the member at offset $1: corrupt data"
	# block 3's lines written, then, at the last one's time, unread
	start=$(sed -n 4p "$f")
	expect_eq "crc: lines" "$(printf '%s\n' "$output" | grep -v nolog)" "$(sed -n 1p "$f")
$start
${start%%;*};unread;;;;;;;;;;;;;;"
}
@test "-n on a day: only the key's blocks are decompressed" {
	d=$TMP/log
	mkdir -p "$d"
	day 1 $(epoch 2026-11-27) $(epoch 2026-11-28) 30 >"$d/2026-11-27.csv"
	touch -d '1 hour ago' "$d/2026-11-27.csv"
	ctzip -b 4k -L 60 "$d/2026-11-27.csv"
	nb=$(awk 'NR == 1 { print $5 }' "$d/2026-11-27.csv.gz.idx")
	CTTIME_DEBUG=1 run --separate-stderr "$HOOKS/ctcat" -d "$d" -n 192.0.2.1:1001 -t 2026-11-27T12:00:00Z -R 0
	b=$(printf '%s\n' "$stderr" | sed -n 's/.* \([0-9]*\) of [0-9]* blocks$/\1/p')
	[ -n "$b" ] && [ "$b" -le 3 ] || fail "-n: $b of $nb: $stderr"
	CTTIME_DEBUG=1 run --separate-stderr "$HOOKS/ctcat" -d "$d" -t 2026-11-27T12:00:00Z -R 0
	b=$(printf '%s\n' "$stderr" | sed -n 's/.* \([0-9]*\) of [0-9]* blocks$/\1/p')
	[ "$b" -gt $((nb / 2)) ] || fail "no -n: $b of $nb"
}

@test "usage errors; -h, -V" {
	u1='usage: ctcat [-q] [-d logdir | -C table [-g gateway]] [-k skew] [-A maxage] [-w seconds] [-R readon] [-n natip:port] {-t time | -f queries} [file ...]'
	while IFS='|' read -r args msg; do
		eval "run ctcat $args"
		expect_eq "$args: status" "$status" 2
		expect_eq "$args: message" "${lines[0]}" "${msg:-$u1}"
	done <<-'END'
	|
	-x|
	-t 2026-11-27T10:00:00Z -f q|
	-l -t 2026-11-27T10:00:00Z|
	-f q -n 192.0.2.1:80|
	-d /tmp -t 2026-11-27T10:00:00Z f|
	-C db.t -d /tmp -t 2026-11-27T10:00:00Z|
	-C db.t -t 2026-11-27T10:00:00Z f|
	-g gw1 -t 2026-11-27T10:00:00Z|
	-C nodot -t 2026-11-27T10:00:00Z|ctcat: -C nodot: expected DATABASE.TABLE
	-C h:99999/db.t -t 2026-11-27T10:00:00Z|ctcat: -C h:99999/db.t: bad port (1-65535)
	-C 'db.t;x' -t 2026-11-27T10:00:00Z|ctcat: -C db.t;x: a database and a table are letters, digits and _
	-C db.t -g 'a b' -t 2026-11-27T10:00:00Z|ctcat: -g a b: a gateway's name is letters, digits, '.', '_' and '-'
	-t 2026-11-27T10:00:00Z -n 192.0.2.1|ctcat: -n 192.0.2.1: expected NATIP:PORT
	-t 2026-11-27T10:00:00Z -n 192.0.2.300:80|ctcat: -n 192.0.2.300:80: bad IPv4 address
	-t 2026-11-27T10:00:00Z -n [2001:db8::1]:0|ctcat: -n [2001:db8::1]:0: bad port (1-65535)
	-t 2026-11-27T10:00:00Z -w x|ctcat: -w x: not a number of seconds (0 to 1000000000)
	-t nonsense|ctcat: nonsense: bad time; use 2026-11-27T10:06:49Z, 2026-11-27T10:06:49+01:00, '2026-11-27 10:06:49' (local) or @EPOCH
	END
	run ctcat -h
	[ "$status" -eq 0 ] && [ "${lines[0]}" = "$u1" ] && [ "${lines[1]}" = "       ctcat -l [-d logdir | -C table [-g gateway]] [file ...]" ]
	run ctcat -V
	[ "$status" -eq 0 ] && [ "$output" = "ctcat 1.0" ]
	run sh -c "ctcat -d '$TMP' -t 2026-11-27T10:00:00Z >/dev/full"
	expect_eq "full: status" "$status" 2
	[[ "$output" == *"standard output"* ]] || fail "$output"
}

@test "man page EXAMPLES" {
	mixed
	# the commands, as the manual shows them (joined continuation lines)
	awk '/^\.Bd -literal/ { lit = 1; next } /^\.Ed/ { lit = 0 }
	    lit && /^\$ / { if (cmd != "") print cmd; cmd = substr($0, 3); next }
	    lit && /^    / { sub(/^ +/, " "); cmd = cmd $0; next }
	    END { if (cmd != "") print cmd }' "$TOP/cmd/ctcat.1" |
	    sed "s|/var/log/conntrack|$TMP/log|" >"$TMP/cmds"
	expect_eq count "$(wc -l <"$TMP/cmds")" 3
	k=0
	while IFS= read -r cmd; do
		run sh -c "$cmd"
		echo "example $k: $cmd: $status"
		[ "$status" -eq 0 ] || fail "$output"
		case $k in
		0) expect_eq flows "$output" "$(for f in "$TMP"/log/2026-11-2[012].csv*; do gzip -dcf "$f"; done | ctgrep -N 192.0.2.1:1001 | cttime -a -P -t 2026-11-22T10:12:00Z)"
		   [ "${#lines[@]}" -ge 2 ] ;;
		1) expect_eq files "${#lines[@]}" 8 ;;
		2) expect_eq records "$output" "2026-11-19T23:59:00.000000Z;nolog;;;;;;;;;;;;;;2026-11-20T00:00:00.000000Z" ;;
		esac
		k=$((k + 1))
	done <"$TMP/cmds"
}

@test "-f: a line that is not a question is named, the others are read, exit 2; no question: nothing" {
	d=$TMP/log
	mkdir -p "$d"
	day 1 $(epoch 2026-11-27) $(epoch 2026-11-28) 3600 >"$d/2026-11-27.csv"
	printf '192.0.2.1 1000 2026-11-27T12:00:00Z\nnonsense\n' >"$TMP/q"
	run --separate-stderr ctcat -d "$d" -A 3600 -f "$TMP/q"
	expect_eq status "$status" 2
	expect_eq stderr "$stderr" "ctcat: $TMP/q:2: expected NATIP PORT TIME"
	# (the lines of 10:59:50 to 13:02:10: 11:00 to 13:00, start and stop)
	expect_eq lines "${#lines[@]}" 5
	printf '# none\n' >"$TMP/q"
	run ctcat -d "$d" -f "$TMP/q"
	expect_eq "none: status" "$status" 1
	expect_eq "none" "$output" ""
}

@test "a symbolic link in a log directory is left out, with a warning (cttrace under sudo)" {
	mkdir "$TMP/log"
	echo '2026-11-27T10:00:00.000000Z;start;tcp;10.0.0.1;1;198.51.100.2;80;192.0.2.1;80;1;;;;' >"$TMP/secret"
	chmod 600 "$TMP/secret"
	ln -s "$TMP/secret" "$TMP/log/2026-11-27.csv"
	run --separate-stderr ctcat -d "$TMP/log" -t 2026-11-27T10:00:00Z
	[[ "$output" != *"10.0.0.1"* ]] || fail "$output"
	expect_eq warning "$stderr" "ctcat: $TMP/log/2026-11-27.csv: a symbolic link, left out"
	run --separate-stderr ctcat -l -d "$TMP/log"
	expect_eq "-l" "$output" ""
}
