#!/usr/bin/env bats
# ctzip: blocks compressed alone make an ordinary gzip file; the index
# matches a re-reading; jobs do not change the output; refusals; signals.
load helper
bats_require_minimum_version 1.5.0

# blocks FILE: the blocks of the default size (512 KiB, each ending at
# the end of the line that reaches it) that FILE makes
blocks() {
	awk '{ n += length($0) + 1; if (n >= 524288) { b++; n = 0 } }
	    END { print b + (n > 0) }' "$1"
}

# day: a generated day of 200000 events (about 22 MB), two hours old,
# mode 0640 as ctparse makes it
day() {
	D="$BATS_FILE_TMPDIR/day.csv"
	if [ ! -s "$D" ]; then
		perl "$TOP/t/bench/gen.pl" -n 200000 >"$D.raw"
		ctparse "$D.raw" >"$D" 2>/dev/null
		chmod 640 "$D"
		touch -d '2 hours ago' "$D"
	fi
	cp -p "$D" "$TMP/day.csv"
}

@test "round trip: zcat and gzip -t read it, same bytes; index re-read" {
	day
	run ctzip -b 256k "$TMP/day.csv"
	[ "$status" -eq 0 ] || fail "$output"
	[ -z "$output" ]
	[ ! -e "$TMP/day.csv" ]
	gzip -t "$TMP/day.csv.gz"
	zcat "$TMP/day.csv.gz" | cmp - "$D"
	expect_eq mode "$(stat -c %a "$TMP/day.csv.gz") $(stat -c %a "$TMP/day.csv.gz.idx")" "640 640"
	run perl "$TOP/t/zidxcheck.pl" "$D" "$TMP/day.csv.gz" "$TMP/day.csv.gz.idx"
	[ "$status" -eq 0 ] || fail "$output"
	n=${output#ok }
	[ "$n" -gt 80 ] || fail "$n blocks"
	expect_eq files "$(cd "$TMP" && ls | tr '\n' ' ')" "day.csv.gz day.csv.gz.idx "
	# the default block size: about 512 KiB (each ends at a line's end)
	cp -p "$D" "$TMP/d2.csv"
	ctzip -k "$TMP/d2.csv"
	expect_eq blocks "$(awk 'NR == 1 { print $5 }' "$TMP/d2.csv.gz.idx")" "$(blocks "$D")"
	run perl "$TOP/t/zidxcheck.pl" "$D" "$TMP/d2.csv.gz" "$TMP/d2.csv.gz.idx"
	[ "$status" -eq 0 ] || fail "$output"
}

@test "-j 1 and -j 2 give the same bytes; -k keeps the original" {
	day
	mkdir "$TMP/a" "$TMP/b"
	cp -p "$D" "$TMP/a/day.csv"
	cp -p "$D" "$TMP/b/day.csv"
	ctzip -k -j 1 -b 100k "$TMP/a/day.csv"
	ctzip -k -j 2 -b 100k "$TMP/b/day.csv"
	cmp "$TMP/a/day.csv.gz" "$TMP/b/day.csv.gz"
	cmp "$TMP/a/day.csv.gz.idx" "$TMP/b/day.csv.gz.idx"
	cmp "$TMP/a/day.csv" "$D"
}

@test "-1 .. -9: the level given to gzip; the same blocks and index times" {
	day
	for l in 1 5 9; do
		mkdir "$TMP/$l"
		cp -p "$D" "$TMP/$l/day.csv"
		ctzip -k -$l -b 100k "$TMP/$l/day.csv"
		zcat "$TMP/$l/day.csv.gz" | cmp - "$D"
		# each block is what gzip -N makes of it
		blk=$(sed -n 2p "$TMP/$l/day.csv.gz.idx")
		set -- $blk
		expect_eq "-$l: block 0" "$(head -c "$4" "$D" | gzip -c -$l | wc -c)" "$2"
	done
	[ "$(wc -c <"$TMP/1/day.csv.gz")" -gt "$(wc -c <"$TMP/9/day.csv.gz")" ]
	# the default is -5
	cmp "$TMP/5/day.csv.gz" <(cd "$TMP" && mkdir d && cp -p "$D" d/day.csv && ctzip -k -b 100k d/day.csv && cat d/day.csv.gz)
	run ctzip -0 "$TMP/5/day.csv"
	[ "$status" -eq 2 ]
}

@test "small files: empty, no newline at the end, header only, no times" {
	: >"$TMP/empty.csv"
	printf 'time;event;proto;src;sport;dst;dport;nat;natport;id;opkts;obytes;rpkts;rbytes\n' >"$TMP/head.csv"
	printf '2026-11-27T10:00:00.000001Z;start;tcp;10.0.0.1;1;192.0.2.1;2;192.0.2.9;3;1;;;;\nno newline' >"$TMP/nonl.csv"
	printf 'junk\n' >"$TMP/junk.csv"
	for f in empty head nonl junk; do cp "$TMP/$f.csv" "$TMP/$f.orig"; done
	touch -d '1 hour ago' "$TMP"/*.csv
	ctzip -b 1 "$TMP/empty.csv" "$TMP/head.csv" "$TMP/nonl.csv" "$TMP/junk.csv"
	for f in empty head nonl junk; do
		zcat "$TMP/$f.csv.gz" | cmp - "$TMP/$f.orig"
		perl "$TOP/t/zidxcheck.pl" "$TMP/$f.orig" "$TMP/$f.csv.gz" "$TMP/$f.csv.gz.idx"
	done
	# -b 1: a block per line
	expect_eq nonl "$(sed -n '2,3p' "$TMP/nonl.csv.gz.idx" | cut -d' ' -f3-9 | tr '\n' '|')" \
	    "0 79 1 1795773600000001 1795773600000001 1795773600000001 1795773600000001|79 10 1 - - - -|"
	# the start without a stop names its block: one key, in one bucket,
	# until never (ff)
	expect_eq "nonl keys" "$(sed -n '1p' "$TMP/nonl.csv.gz.idx" | cut -d' ' -f7-9)" "1 1 0"
	expect_eq "nonl table" "$(sed -n '/^fnv1a64 /{n;p;q}' "$TMP/nonl.csv.gz.idx" | cut -c17-)" "68daf16d0ff"
	expect_eq junk "$(sed -n 2p "$TMP/junk.csv.gz.idx" | cut -d' ' -f5-)" "1 - - - - 0 0"
}

@test "index versions 4 and 5: the begin, end, snapshot, restart and lost records, verbatim, with their blocks; 5: the other lines with ;;;;;;;; too" {
	# 16 and 14 fields; alive left out of version 4; not records: too few
	# fields, an event that only resembles one (but it holds ;;;;;;;;)
	cat >"$TMP/f.csv" <<-'END'
	2026-11-27T10:00:00.000000Z;begin;;;;;;;;60;;;;;2026-11-27T10:00:00.000000Z;
	2026-11-27T10:00:01.000000Z;start;udp;10.0.0.1;5;198.51.100.1;53;192.0.2.1;1001;1;;;;;;
	2026-11-27T10:01:00.000000Z;alive;;;;;;;;60;;;;;2026-11-27T10:00:00.000000Z;
	2026-11-27T10:01:02.000000Z;lost;;;;;;;;7;;;;
	2026-11-27T10:01:03.000000Z;lost;;;;
	2026-11-27T10:01:04.000000Z;losted;;;;;;;;;;;;;;
	2026-11-27T10:02:00.000000Z;open;udp;10.0.0.1;5;198.51.100.1;53;192.0.2.1;1001;1;;;;;2026-11-27T10:00:01Z;
	2026-11-27T10:02:00.000000Z;snapshot;;;;;;;;1;;;;;2026-11-27T10:00:00.000000Z;
	2026-11-27T10:03:00.000000Z;restart;;;;;;;;;;;;;2026-11-27T10:02:50.000000Z;
	2026-11-27T10:04:00.000000Z;end;;;;;;;;;;;;;2026-11-27T10:00:00.000000Z;
	END
	cp "$TMP/f.csv" "$TMP/orig"
	touch -d '1 hour ago' "$TMP/f.csv"
	ctzip -b 200 "$TMP/f.csv"
	run perl "$TOP/t/zidxcheck.pl" "$TMP/orig" "$TMP/f.csv.gz" "$TMP/f.csv.gz.idx"
	[ "$status" -eq 0 ] || fail "$output"
	expect_eq head "$(head -n 1 "$TMP/f.csv.gz.idx" | cut -d' ' -f1,2,5,9)" "ctzip-index 6 3 7"
	expect_eq records "$(perl "$TOP/t/zidxtool.pl" records "$TMP/f.csv.gz.idx")" "0 $(sed -n 1p "$TMP/orig")
0 $(sed -n 3p "$TMP/orig")
1 $(sed -n 4p "$TMP/orig")
1 $(sed -n 6p "$TMP/orig")
2 $(sed -n 8p "$TMP/orig")
2 $(sed -n 9p "$TMP/orig")
2 $(sed -n 10p "$TMP/orig")"
	perl "$TOP/t/zidxtool.pl" old 4 <"$TMP/f.csv.gz.idx" >"$TMP/v4"
	expect_eq "v4 head" "$(head -n 1 "$TMP/v4" | cut -d' ' -f1,2,5,9)" "ctzip-index 4 3 5"
	expect_eq "v4 records" "$(perl "$TOP/t/zidxtool.pl" records "$TMP/v4")" "0 $(sed -n 1p "$TMP/orig")
1 $(sed -n 4p "$TMP/orig")
2 $(sed -n 8p "$TMP/orig")
2 $(sed -n 9p "$TMP/orig")
2 $(sed -n 10p "$TMP/orig")"
	# the records are in the hashed head: one changed, the index is not used
	sed -i 's/;restart;/;restart;x/' "$TMP/f.csv.gz.idx"
	run --separate-stderr cttime -t 2026-11-27T10:02:00Z "$TMP/f.csv.gz"
	expect_eq "changed" "$stderr" "cttime: $TMP/f.csv.gz.idx: stale or corrupt index, reading the whole file"
}

@test "zstd: -z zstd writes FILE.zst and its index" {
	command -v zstd >/dev/null || skip "no zstd"
	day
	ctzip -z zstd -b 1m "$TMP/day.csv"
	zstd -q -dc "$TMP/day.csv.zst" | cmp - "$D"
	run perl "$TOP/t/zidxcheck.pl" "$D" "$TMP/day.csv.zst" "$TMP/day.csv.zst.idx" 'zstd -q -dc'
	[ "$status" -eq 0 ] || fail "$output"
}

@test "refused: a file written in the last 10 minutes (-f forces), an existing .gz" {
	day
	touch "$TMP/day.csv"
	run ctzip "$TMP/day.csv"
	[ "$status" -eq 2 ]
	expect_eq msg "$output" "ctzip: $TMP/day.csv: modified in the last 10 minutes: still being written? (-f compresses it anyway)"
	expect_eq files "$(cd "$TMP" && ls | tr '\n' ' ')" "day.csv "
	echo old | gzip >"$TMP/day.csv.gz"
	run ctzip -f "$TMP/day.csv"
	[ "$status" -eq 2 ]
	expect_eq msg "$output" "ctzip: $TMP/day.csv.gz: exists already"
	expect_eq old "$(zcat "$TMP/day.csv.gz")" old
	cmp "$TMP/day.csv" "$D"
	rm "$TMP/day.csv.gz"
	run ctzip -f "$TMP/day.csv" "$TMP/none.csv"
	[ "$status" -eq 2 ]
	expect_eq msg "$output" "ctzip: $TMP/none.csv: No such file or directory"
	zcat "$TMP/day.csv.gz" | cmp - "$D"
}

# slowgzip: a gzip on PATH that takes 0.2 s per run, so a run can be hit
slowgzip() {
	mkdir -p "$TMP/bin"
	printf '#!/bin/sh\nsleep 0.2\nexec %s "$@"\n' "$(command -v gzip)" >"$TMP/bin/gzip"
	chmod +x "$TMP/bin/gzip"
}

@test "a compressor faster than the pairing: the pairing process is waited for, not stopped" {
	day
	# a "gzip" at its fastest level: the blocks are done long before the
	# pairing of the day's lines
	mkdir -p "$TMP/bin"
	printf '#!/bin/sh\nexec %s -c -1\n' "$(command -v gzip)" >"$TMP/bin/gzip"
	chmod +x "$TMP/bin/gzip"
	for i in 1 2 3; do
		rm -f "$TMP/day.csv.gz" "$TMP/day.csv.gz.idx"
		PATH=$TMP/bin:$PATH run ctzip -k -j 2 "$TMP/day.csv"
		expect_eq "$i: status" "$status" 0
		run perl "$TOP/t/zidxcheck.pl" "$D" "$TMP/day.csv.gz" "$TMP/day.csv.gz.idx" "gzip -dc"
		[ "$status" -eq 0 ] || fail "$i: $output"
	done
}

@test "interrupted: SIGTERM or SIGINT leaves the original and no other file; a rerun works" {
	day
	slowgzip
	for sig in TERM INT; do
		PATH=$TMP/bin:$PATH ctzip -j 2 -b 64k "$TMP/day.csv" &
		pid=$!
		sleep 1
		[ -e "$TMP/day.csv.gz.tmp" ] || fail "no temporary file"
		kill -$sig $pid
		wait $pid || true
		expect_eq "$sig: files" "$(cd "$TMP" && ls | tr '\n' ' ')" "bin day.csv "
		cmp "$TMP/day.csv" "$D"
		# its workers and its pairing process have ended too
		sleep 0.5
		run pgrep -f "ctzip -j 2 -b 64k $TMP/day.csv"
		[ "$status" -eq 1 ] || fail "$sig: left running: $(pgrep -af "ctzip -j 2 -b 64k $TMP/day.csv")"
	done
	ctzip "$TMP/day.csv"
	zcat "$TMP/day.csv.gz" | cmp - "$D"
	expect_eq files "$(cd "$TMP" && ls | tr '\n' ' ')" "bin day.csv.gz day.csv.gz.idx "
}

@test "killed: SIGKILL leaves the original and a .tmp that the next run replaces" {
	day
	slowgzip
	PATH=$TMP/bin:$PATH ctzip -j 2 -b 64k "$TMP/day.csv" &
	pid=$!
	sleep 1
	kill -KILL $pid
	wait $pid || true
	# its children let go of the lock once they run (ctzip(1)): on a
	# loaded machine that may take a while after the kill
	for _ in $(seq 100); do
		flock -n "$TMP/day.csv" true && break
		sleep 0.1
	done
	cmp "$TMP/day.csv" "$D"
	[ -e "$TMP/day.csv.gz.tmp" ] && [ ! -e "$TMP/day.csv.gz" ]
	echo junk >"$TMP/day.csv.gz.idx.tmp"
	ctzip "$TMP/day.csv"
	zcat "$TMP/day.csv.gz" | cmp - "$D"
	expect_eq files "$(cd "$TMP" && ls | tr '\n' ' ')" "bin day.csv.gz day.csv.gz.idx "
}

@test "a failing compressor: the file is left as it was, exit 2" {
	day
	mkdir "$TMP/bin"
	printf '#!/bin/sh\nexit 1\n' >"$TMP/bin/gzip"
	chmod +x "$TMP/bin/gzip"
	PATH=$TMP/bin:$PATH run ctzip -j 1 "$TMP/day.csv"
	[ "$status" -eq 2 ]
	[[ "$output" == "ctzip: $TMP/day.csv: gzip failed"* ]] || fail "$output"
	expect_eq files "$(cd "$TMP" && ls | tr '\n' ' ')" "bin day.csv "
	# a compressor whose output does not decompress to the block: a
	# member of more bytes, one of fewer, a member cut short, not gzip at
	# all (the check inflates each member in ctzip, CRC-32 and lengths
	# checked)
	for bad in '{ cat; echo x; } | %s -c' 'sed \$d | %s -c' '%s -c | head -c -4' 'cat'; do
		printf "#!/bin/sh\\n$bad\\n" "$(command -v gzip)" >"$TMP/bin/gzip"
		PATH=$TMP/bin:$PATH run ctzip -j 1 "$TMP/day.csv"
		[ "$status" -eq 2 ] || fail "$bad: $status $output"
		[[ "$output" == *"a block does not decompress to its bytes"* ]] || fail "$bad: $output"
		expect_eq "$bad: files" "$(cd "$TMP" && ls | tr '\n' ' ')" "bin day.csv "
	done
}

# needroot WHY: skip outside CI when not root
needroot() {
	if [ "$(id -u)" -ne 0 ]; then
		[ "${CI:-}" != true ] || fail "CI must run this as root"
		skip "needs root: $1"
	fi
}

@test "modes: the .gz and its index keep the original's mode and group (and owner, as root), whatever the umask" {
	day
	for m in 600 640 604; do
		mkdir "$TMP/$m"
		cp -p "$D" "$TMP/$m/day.csv"
		chmod $m "$TMP/$m/day.csv"
		(umask 077 && ctzip -b 1m "$TMP/$m/day.csv")
		expect_eq "$m" "$(stat -c %a "$TMP/$m/day.csv.gz") $(stat -c %a "$TMP/$m/day.csv.gz.idx")" "$m $m"
	done
	(umask 0 && cp -p "$D" "$TMP/day.csv" && chmod 600 "$TMP/day.csv" && ctzip -b 1m "$TMP/day.csv")
	expect_eq "umask 0" "$(stat -c %a "$TMP/day.csv.gz") $(stat -c %a "$TMP/day.csv.gz.idx")" "600 600"
	needroot "to own files as another user"
	# as root: the owner and group too
	mkdir "$TMP/own"
	cp -p "$D" "$TMP/own/day.csv"
	chown 4242:4243 "$TMP/own/day.csv"
	chmod 640 "$TMP/own/day.csv"
	ctzip -b 1m "$TMP/own/day.csv"
	expect_eq "root" "$(stat -c '%u:%g %a' "$TMP/own/day.csv.gz" "$TMP/own/day.csv.gz.idx" | tr '\n' ' ')" "4242:4243 640 4242:4243 640 "
	# as another user: its own group kept; a group it is not in is not
	# given (the group gets nothing rather than another group's access)
	chmod 711 "$TMP"
	mkdir "$TMP/u"
	cp -p "$D" "$TMP/u/a.csv"
	cp -p "$D" "$TMP/u/b.csv"
	chown 4242:4243 "$TMP/u" "$TMP/u/a.csv"
	chown 4242:4244 "$TMP/u/b.csv"
	chmod 640 "$TMP/u/a.csv" "$TMP/u/b.csv"
	setpriv --reuid=4242 --regid=4243 --clear-groups ctzip -b 1m "$TMP/u/a.csv" "$TMP/u/b.csv"
	expect_eq "user" "$(stat -c '%u:%g %a' "$TMP/u/a.csv.gz" "$TMP/u/a.csv.gz.idx" "$TMP/u/b.csv.gz" "$TMP/u/b.csv.gz.idx" | tr '\n' ' ')" \
	    "4242:4243 640 4242:4243 640 4242:4243 600 4242:4243 600 "
	zcat "$TMP/u/b.csv.gz" | cmp - "$D"
}

@test "a file still growing (-f): refused, kept whole, no .gz" {
	day
	slowgzip
	cp "$D" "$TMP/ref"
	# a writer appending to the day and to a copy, until told to stop
	perl -e '$| = 1; open(my $a, ">>", $ARGV[0]) or die; open(my $b, ">>", $ARGV[1]) or die;
	    $a->autoflush(1); $b->autoflush(1); my $stop = 0; $SIG{TERM} = sub { $stop = 1 };
	    for (my $i = 0; !$stop; $i++) {
		my $l = sprintf("2026-11-28T00:00:%02d.%06dZ;alive;;;;;;;;60;;;;;2026-11-27T00:00:00.000000Z;\n", $i / 1000000 % 60, $i % 1000000);
		print $a $l; print $b $l; select(undef, undef, undef, 0.002);
	    }' "$TMP/day.csv" "$TMP/ref" &
	w=$!
	sleep 0.3
	PATH=$TMP/bin:$PATH run ctzip -f -j 2 -b 1m "$TMP/day.csv"
	kill $w
	wait $w || true
	expect_eq status "$status" 2
	expect_eq msg "$output" "ctzip: $TMP/day.csv: changed while being compressed: left as it was"
	cmp "$TMP/day.csv" "$TMP/ref"
	[ "$(wc -c <"$TMP/ref")" -gt "$(wc -c <"$D")" ]
	expect_eq files "$(cd "$TMP" && ls | tr '\n' ' ')" "bin day.csv ref "
	# replaced by another file under its name: the same
	cp "$D" "$TMP/day.csv"
	(sleep 0.5 && cp "$D" "$TMP/new" && mv "$TMP/new" "$TMP/day.csv") &
	PATH=$TMP/bin:$PATH run ctzip -f -j 2 -b 1m "$TMP/day.csv"
	wait
	expect_eq "replaced: status" "$status" 2
	expect_eq "replaced: msg" "$output" "ctzip: $TMP/day.csv: changed while being compressed: left as it was"
	expect_eq "replaced: files" "$(cd "$TMP" && ls | tr '\n' ' ')" "bin day.csv ref "
}

@test "two overlapping runs: the second is refused (the lock), the day intact" {
	day
	slowgzip
	cp -p "$D" "$TMP/day.csv"
	PATH=$TMP/bin:$PATH ctzip -j 2 -b 1m "$TMP/day.csv" 2>"$TMP/err1" &
	pid=$!
	sleep 0.8
	PATH=$TMP/bin:$PATH run ctzip -j 2 -b 1m "$TMP/day.csv"
	expect_eq "second: status" "$status" 2
	expect_eq "second: msg" "$output" "ctzip: $TMP/day.csv: being compressed by another run (locked): left alone"
	wait $pid || fail "first: $(cat "$TMP/err1")"
	zcat "$TMP/day.csv.gz" | cmp - "$D"
	run perl "$TOP/t/zidxcheck.pl" "$D" "$TMP/day.csv.gz" "$TMP/day.csv.gz.idx"
	[ "$status" -eq 0 ] || fail "$output"
	rm "$TMP/err1"
	expect_eq files "$(cd "$TMP" && ls | tr '\n' ' ')" "bin day.csv.gz day.csv.gz.idx "
	# a run that opened the file before the first removed it finds the
	# .gz once it has the lock
	cp -p "$D" "$TMP/k.csv"
	PATH=$TMP/bin:$PATH ctzip -k -j 2 -b 1m "$TMP/k.csv" &
	pid=$!
	sleep 0.8
	PATH=$TMP/bin:$PATH run ctzip -j 2 -b 1m "$TMP/k.csv"
	expect_eq "-k: status" "$status" 2
	wait $pid
	PATH=$TMP/bin:$PATH run ctzip -j 2 -b 1m "$TMP/k.csv"
	expect_eq "-k again: status" "$status" 2
	expect_eq "-k again: msg" "$output" "ctzip: $TMP/k.csv.gz: exists already"
	cmp "$TMP/k.csv" "$D"
	zcat "$TMP/k.csv.gz" | cmp - "$D"
}

@test "links: a symbolic link is refused; temporary names planted as links are not followed" {
	day
	echo secret >"$TMP/secret"
	chmod 600 "$TMP/secret"
	ln -s "$TMP/secret" "$TMP/link.csv"
	touch -h -d '1 hour ago' "$TMP/link.csv"
	run ctzip -f "$TMP/link.csv"
	expect_eq status "$status" 2
	expect_eq msg "$output" "ctzip: $TMP/link.csv: a symbolic link: left alone"
	[ -L "$TMP/link.csv" ] && [ ! -e "$TMP/link.csv.gz" ]
	rm "$TMP/link.csv"
	# DAY.csv.gz.tmp and DAY.csv.gz.idx.tmp planted as links to files of
	# another: neither is written, both links are replaced
	echo victim >"$TMP/victim"
	ln -s "$TMP/victim" "$TMP/day.csv.gz.tmp"
	ln -s "$TMP/victim" "$TMP/day.csv.gz.idx.tmp"
	ln -s "$TMP/nowhere" "$TMP/day.csv.gz.idx"
	cp -p "$D" "$TMP/day.csv"
	ctzip "$TMP/day.csv"
	expect_eq victim "$(cat "$TMP/victim")" victim
	expect_eq "victim mode" "$(stat -c %a "$TMP/victim")" 644
	[ ! -e "$TMP/nowhere" ]
	zcat "$TMP/day.csv.gz" | cmp - "$D"
	[ -f "$TMP/day.csv.gz.idx" ] && [ ! -L "$TMP/day.csv.gz.idx" ]
	expect_eq files "$(cd "$TMP" && ls | tr '\n' ' ')" "day.csv.gz day.csv.gz.idx secret victim "
}

@test "usage errors" {
	while IFS='|' read -r args msg; do
		eval "run ctzip $args"
		expect_eq "$args: status" "$status" 2
		expect_eq "$args: message" "${lines[0]}" "$msg"
	done <<-'END'
	|usage: ctzip [-1..-9] [-fkq] [-z gzip|zstd] [-b blocksize] [-j jobs] [-L seconds] [-F bits] file ...
	-x f|usage: ctzip [-1..-9] [-fkq] [-z gzip|zstd] [-b blocksize] [-j jobs] [-L seconds] [-F bits] file ...
	-b|usage: ctzip [-1..-9] [-fkq] [-z gzip|zstd] [-b blocksize] [-j jobs] [-L seconds] [-F bits] file ...
	-b 0 f|ctzip: -b 0: not a block size (1 to 1G bytes, suffix k or m)
	-b 2g f|ctzip: -b 2g: not a block size (1 to 1G bytes, suffix k or m)
	-b -5 f|ctzip: -b -5: not a block size (1 to 1G bytes, suffix k or m)
	-j 0 f|ctzip: -j 0: not a number of jobs (1 to 256)
	-j x f|ctzip: -j x: not a number of jobs (1 to 256)
	-z xz f|ctzip: -z xz: gzip or zstd
	-L x f|ctzip: -L x: not a number of seconds (0 to 1000000000)
	-L -1 f|ctzip: -L -1: not a number of seconds (0 to 1000000000)
	-F -1 f|ctzip: -F -1: not a number of bits (0 to 16)
	-F 17 f|ctzip: -F 17: not a number of bits (0 to 16)
	-F x f|ctzip: -F x: not a number of bits (0 to 16)
	END
	run ctzip -h
	[ "$status" -eq 0 ] && [[ "$output" == "usage: ctzip "* ]]
	run ctzip -V
	[ "$status" -eq 0 ] && [ "$output" = "ctzip 1.0" ]
	run ctzip "$TMP"
	[ "$status" -eq 2 ] && [ "$output" = "ctzip: $TMP: not a regular file" ]
}

@test "man page EXAMPLES" {
	day
	# the commands, as the manual shows them (joined continuation lines),
	# with /var/log/conntrack/ left out
	awk '/^\.Bd -literal/ { lit = 1; next } /^\.Ed/ { lit = 0 }
	    lit && /^\$ / { if (cmd != "") print cmd; cmd = substr($0, 3); next }
	    lit && /^    / { sub(/^ +/, " "); cmd = cmd $0; next }
	    END { if (cmd != "") print cmd }' "$TOP/cmd/ctzip.1" |
	    sed 's|/var/log/conntrack/||' >"$TMP/cmds"
	expect_eq count "$(wc -l <"$TMP/cmds")" 4
	cd "$TMP"
	k=0
	while IFS= read -r cmd; do
		[ $k -eq 2 ] && rm 2026-11-27.csv.gz*	# -k: compress it again
		[ $k -ne 1 ] && [ $k -ne 3 ] && cp -p "$D" 2026-11-27.csv
		run sh -c "$cmd"
		echo "example $k: $cmd: $status"
		[ "$status" -eq 0 ] || fail "$output"
		case $k in
		0) [ ! -e 2026-11-27.csv ] && zcat 2026-11-27.csv.gz | cmp - "$D" ;;
		1) expect_eq blocks "$output" "$(blocks "$D")" ;;
		2) [ -f 2026-11-27.csv ] && expect_eq blocks "$(awk 'NR == 1 { print $5 }' 2026-11-27.csv.gz.idx)" 89 ;;
		3) expect_eq flows "$output" "$(cttime -a -t 2026-11-27T10:06:49Z "$D" | grep -F ';192.76.8.21;')"
		   [ "${#lines[@]}" -gt 10 ] ;;
		esac
		k=$((k + 1))
	done <"$TMP/cmds"
}
