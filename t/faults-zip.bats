#!/usr/bin/env bats
# Compression under faults: many ctzip and ctcompress runs at once on one
# day (gzip and zstd, ctcompress with and without ctzip), ctzip killed by
# SIGKILL at random points and the states a kill between its renames
# leaves, compressors that fail.  After every round the day is whole: as
# the .csv, or as a .gz or .zst that decompresses to exactly it (with a
# valid index when ctzip made it), never neither, and nothing else is
# left once the runs are over; while they run, a watcher checks the same
# every 10 ms.  Delays are random, from FAULTS_SEED (printed).
load helper
bats_require_minimum_version 1.5.0

CTC=$TOP/examples/cron/ctcompress
NOW=1795780800	# 2026-11-27T12:00:00Z: 2026-11-24 is old enough

setup() {
	TMP=$(mktemp -d "${BATS_TMPDIR:-/tmp}/ct.XXXXXX")
	RANDOM=${FAULTS_SEED:-14}
	echo "FAULTS_SEED=${FAULTS_SEED:-14}"
	# the day: 20000 events (about 2 MB), 0640, an hour old
	D=$BATS_FILE_TMPDIR/day.csv
	if [ ! -s "$D" ]; then
		perl "$TOP/t/bench/gen.pl" -n 20000 >"$D.raw"
		ctparse "$D.raw" >"$D" 2>/dev/null
		chmod 640 "$D"
		touch -d '1 hour ago' "$D"
	fi
	d=$TMP/d
	mkdir "$d"
	# compressors that wait 0 to 40 ms a block (pid-random), so that
	# runs overlap and kills land anywhere; decompression is not slowed
	mkdir "$TMP/bin"
	real_gzip=$(command -v gzip) real_zstd=$(command -v zstd)
	for z in gzip zstd; do
		cat >"$TMP/bin/$z" <<-END
		#!/bin/sh
		case " \$* " in
		*" -dc "*) ;;
		*) sleep 0.0\$((\$\$ % 4))\$((\$\$ % 10)) ;;
		esac
		exec $(real $z) "\$@"
		END
		chmod +x "$TMP/bin/$z"
	done
	PATH=$TMP/bin:$PATH
}

# real Z: the path of the real gzip or zstd
real() {
	case $1 in
	gzip) echo "$real_gzip" ;;
	zstd) echo "$real_zstd" ;;
	esac
}

# fresh NAME: the day as $d/NAME (2026-11-24.csv for ctcompress)
fresh() {
	rm -rf "$d"
	mkdir "$d"
	cp -p "$D" "$d/$1"
}

# delay N: in $t, a random delay under N (at most 99) hundredths of a
# second ($RANDOM read here: bash reseeds it in a subshell)
delay() {
	t=$(printf '0.%02d' $((RANDOM % $1)))
}

# failing Z TICKET HOW: Z (gzip or zstd) on PATH, whose compressing call
# number TICKET (from 0, counted atomically) fails (exit 1) or kills itself
failing() {
	local act='exit 1'
	[ "$3" = kill ] && act='kill -KILL $$'
	rm -rf "$TMP/calls"
	mkdir "$TMP/calls"
	cat >"$TMP/bin/$1" <<-END
	#!/bin/sh
	case " \$* " in
	*" -dc "*) ;;
	*)
		i=0
		while ! mkdir "$TMP/calls/\$i" 2>/dev/null; do i=\$((i + 1)); done
		[ \$i -ne $2 ] || $act ;;
	esac
	exec $(real $1) "\$@"
	END
}

# whole LABEL NAME [strict]: $d holds the day NAME whole (see above); with
# strict, no other file (the runs are over): no .tmp, no index alone
whole() {
	local f=$d/$2 z x
	if [ -e "$f" ]; then
		cmp -s "$f" "$D" || fail "$1: $2 changed"
		z=
	elif [ -e "$f.gz" ]; then
		z=$f.gz x=gzip
	elif [ -e "$f.zst" ]; then
		z=$f.zst x=zstd
	else
		fail "$1: neither $2 nor its .gz or .zst: $(ls "$d" | tr '\n' ' ')"
	fi
	if [ -n "$z" ]; then
		$x -q -dc "$z" | cmp -s - "$D" || fail "$1: $z differs"
		# an index beside it is valid, as readers judge it (hash,
		# blocks that tile both files, sizes; ctzip.bats checks more)
		if [ -e "$z.idx" ]; then
			case $(ctcat -l "$z") in
			*" $x+idx "*) ;;
			*) fail "$1: $z.idx: not valid: $(ctcat -l "$z" 2>&1)" ;;
			esac
		fi
	fi
	[ "${3:-}" = strict ] || return 0
	case $(cd "$d" && ls | tr '\n' ' ') in
	"$2 " | "$2.gz $2.gz.idx " | "$2.zst $2.zst.idx ") ;;
	"$2.gz ") [ "${4:-}" = noidx ] || fail "$1: $2.gz without its index" ;;
	*) fail "$1: left: $(cd "$d" && ls | tr '\n' ' ')" ;;
	esac
}

# watch NAME: a watcher of $d's day every 10 ms, until unwatch; what it
# saw wrong in $TMP/seen
watch() {
	: >"$TMP/watching"
	(
		while [ -e "$TMP/watching" ]; do
			f=$d/$1
			if [ -e "$f" ]; then
				:
			elif [ -e "$f.gz" ]; then
				gzip -dc "$f.gz" | cmp -s - "$D" || echo "$f.gz differs" >>"$TMP/seen"
			elif [ -e "$f.zst" ]; then
				zstd -q -dc "$f.zst" | cmp -s - "$D" || echo "$f.zst differs" >>"$TMP/seen"
			else
				echo "neither $1 nor .gz nor .zst" >>"$TMP/seen"
			fi
			sleep 0.01
		done
	) &
	watcher=$!
}

unwatch() {
	rm -f "$TMP/watching"
	wait $watcher
	[ ! -s "$TMP/seen" ] || fail "$1: the watcher saw: $(sort -u "$TMP/seen")"
}

@test "ctzip: many runs at once on one day, gzip and zstd: one compresses, the others leave it alone" {
	for round in 1 2 3 4 5 6; do
		fresh day.csv
		watch day.csv
		pids=
		for k in 1 2 3 4; do
			z=gzip
			[ $((RANDOM % 2)) -eq 0 ] && z=zstd
			delay 40
			(sleep $t; exec ctzip -z $z -j 2 -b 64k "$d/day.csv") 2>>"$TMP/err" &
			pids="$pids $!"
		done
		ok=0
		for p in $pids; do
			wait $p && ok=$((ok + 1))
		done
		unwatch "round $round"
		whole "round $round" day.csv strict
		[ ! -e "$d/day.csv" ] || fail "round $round: not compressed: $(cat "$TMP/err")"
		# one compressed; the others were locked out or found it gone
		expect_eq "round $round: runs that compressed" "$ok" 1
		grep -v -e 'being compressed by another run (locked): left alone$' \
		    -e 'day.csv: No such file or directory$' \
		    -e 'day.csv: removed or replaced by another run: left alone$' \
		    -e 'day.csv.gz: exists already$' -e 'day.csv.zst: exists already$' \
		    "$TMP/err" && fail "round $round: another message"
		rm "$TMP/err"
	done
}

@test "ctcompress: many runs at once on one day, with ctzip, with gzip, and ctzip beside them" {
	for round in 1 2 3 4 5 6; do
		fresh 2026-11-24.csv
		watch 2026-11-24.csv
		pids=
		for k in 1 2 3; do
			c=ctzip
			[ $((RANDOM % 2)) -eq 0 ] && c=no-such-ctzip
			delay 40
			(sleep $t; CTZIP=$c CTCOMPRESS_NOW=$NOW exec "$CTC" -d "$d") 2>>"$TMP/err" &
			pids="$pids $!"
		done
		delay 40
		(sleep $t; exec ctzip -j 2 -b 64k "$d/2026-11-24.csv") 2>>"$TMP/err" &
		pids="$pids $!"
		for p in $pids; do
			wait $p || true
		done
		unwatch "round $round"
		# gzip alone makes no index
		whole "round $round" 2026-11-24.csv strict noidx
		[ ! -e "$d/2026-11-24.csv" ] || fail "round $round: not compressed: $(cat "$TMP/err")"
		rm -f "$TMP/err"
	done
}

@test "ctzip killed (SIGKILL) at random points: the day whole; the next run leaves nothing else" {
	for round in $(seq 1 10); do
		fresh 2026-11-24.csv
		z=gzip
		[ $((round % 3)) -eq 0 ] && z=zstd
		delay 80
		ctzip -z $z -j 2 -b 64k "$d/2026-11-24.csv" 2>/dev/null &
		p=$!
		sleep $t
		kill -KILL $p 2>/dev/null || true
		wait $p || true
		whole "round $round: killed at $t s" 2026-11-24.csv
		# its workers and pairing process end on their own (they do not
		# hold the lock, but one forked just before the kill may not
		# have run yet to let go of it)
		while pgrep -f "ctzip -z $z -j 2 -b 64k $d/" >/dev/null; do
			sleep 0.05
		done
		# the next run: ctcompress with ctzip
		CTZIP=ctzip CTCOMPRESS_NOW=$NOW run "$CTC" -d "$d"
		[ "$status" -eq 0 ] || fail "round $round: the next run: $output"
		whole "round $round: next" 2026-11-24.csv strict
		[ ! -e "$d/2026-11-24.csv" ] || fail "round $round: not compressed"
	done
}

@test "killed between the renames, or before the removal: the next run finishes" {
	# the index in place, FILE.gz.tmp not yet: an index of no file,
	# replaced by the next run (ctzip, or ctcompress), or removed (an
	# index of the other compressor)
	for z in gz zst; do
		for next in ctzip ctcompress; do
			fresh 2026-11-24.csv
			if [ $z = gz ]; then
				ctzip -k -b 1m "$d/2026-11-24.csv"
			else
				ctzip -z zstd -k -b 1m "$d/2026-11-24.csv"
			fi
			mv "$d/2026-11-24.csv.$z" "$d/2026-11-24.csv.$z.tmp"
			echo junk >>"$d/2026-11-24.csv.$z.tmp"
			whole "$z $next: killed" 2026-11-24.csv
			case $next in
			ctzip) run ctzip -z $([ $z = gz ] && echo gzip || echo zstd) "$d/2026-11-24.csv" ;;
			ctcompress) CTZIP=ctzip CTCOMPRESS_NOW=$NOW run "$CTC" -d "$d" ;;
			esac
			[ "$status" -eq 0 ] || fail "$z $next: $output"
			whole "$z $next: next" 2026-11-24.csv strict
		done
		# both in place, FILE not yet removed: ctcompress checks the
		# compressed file and removes FILE
		fresh 2026-11-24.csv
		if [ $z = gz ]; then
			ctzip -k -b 1m "$d/2026-11-24.csv"
		else
			ctzip -z zstd -k -b 1m "$d/2026-11-24.csv"
		fi
		CTZIP=ctzip CTCOMPRESS_NOW=$NOW run "$CTC" -d "$d"
		[ "$status" -eq 0 ] || fail "$z: $output"
		whole "$z: before the removal" 2026-11-24.csv strict
		[ -e "$d/2026-11-24.csv.$z" ] || fail "$z: compressed again"
	done
}

@test "a failing compressor, or one killed: the day left as it was, nothing else, exit 2 (ctcompress: 1)" {
	# gzip or zstd that fail on one block, or kill themselves
	for how in exit kill; do
		for z in gzip zstd; do
			failing $z 3 $how
			fresh 2026-11-24.csv
			run ctzip -z $z -j 2 -b 64k "$d/2026-11-24.csv"
			expect_eq "$how $z: status" "$status" 2
			[[ "$output" == *"$z failed"* ]] || fail "$how $z: $output"
			whole "$how $z" 2026-11-24.csv strict
			[ -e "$d/2026-11-24.csv" ] || fail "$how $z: compressed"
		done
		# ctcompress, with ctzip and with gzip alone (one call each:
		# ctzip's blocks are 4 MiB)
		for c in ctzip no-such-ctzip; do
			failing gzip 0 $how
			fresh 2026-11-24.csv
			CTZIP=$c CTCOMPRESS_NOW=$NOW run "$CTC" -d "$d"
			expect_eq "$how ctcompress $c: status" "$status" 1
			[[ "$output" == *"2026-11-24.csv: compression failed, left as it was"* ]] || fail "$how ctcompress $c: $output"
			whole "$how ctcompress $c" 2026-11-24.csv strict
			[ -e "$d/2026-11-24.csv" ] || fail "$how ctcompress $c: compressed"
		done
	done
}
