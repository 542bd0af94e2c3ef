#!/usr/bin/env bats
# ctparse under faults: a full disk (across a midnight too), a removed or
# unwritable file, kill -9 and SIGTERM at random points of a stream.  The
# disk-full cases mount a small tmpfs, so they need root: outside CI they
# skip without it; under CI=true they must run.  The random cases print
# their seed; CT_SEED=N repeats one.
load helper
load ctlines


needroot() {
	if [ "$(id -u)" -ne 0 ]; then
		[ "${CI:-}" != true ] || fail "CI must run this as root"
		skip "needs root to mount a small tmpfs"
	fi
}

mountsmall() {	# mountsmall SIZE: $TMP/mnt, nearly full
	mkdir "$TMP/mnt"
	mount -t tmpfs -o size="$1",mode=0755 ctlogtest "$TMP/mnt" || fail "mount"
	head -c "$1" /dev/zero >"$TMP/mnt/filler" 2>/dev/null || true
	rm -f "$TMP/mnt/filler"
	head -c $(( $(stat -f -c '%a*%S' "$TMP/mnt") - 8192 )) /dev/zero >"$TMP/mnt/filler"
}

teardown() {
	mountpoint -q "$TMP/mnt" 2>/dev/null && umount "$TMP/mnt"
	[ -n "${TMP:-}" ] && rm -rf "$TMP"
}

whole='^2026-11-2[78]T[0-9:.]+Z;start;udp;10\.0\.[0-9]+\.[0-9]+;[0-9]+;192\.0\.2\.1;53;198\.51\.100\.1;[0-9]+;[0-9]+;;;;;;$'

@test "disk full: one warning, no half line, nothing lost once space returns" {
	needroot
	mountsmall 1M
	streaming -o "$TMP/mnt/log"
	gen 0 5000 >&7		# ~500 KB: far more than the 8 KiB left
	sleep 0.5
	gen 5000 5000 >&7
	sleep 0.5
	expect_eq warnings "$(grep -c 'write error on' "$TMP/err")" 1
	# never a half line, even while full
	[ -z "$(tail -c 1 "$TMP/mnt/log" | tr -d '\n')" ] || fail "half line on disk"
	rm "$TMP/mnt/filler"
	sleep 1.5		# retried once a second while waiting for input
	exec 7>&-
	wait $pid || fail "status $?: $(cat "$TMP/err")"
	expect_eq lines "$(flowlines "$TMP/mnt/log" | wc -l)" 10000
	expect_eq whole "$(grep -c -E "$whole" "$TMP/mnt/log")" 10000
	expect_eq ids "$(flowlines "$TMP/mnt/log" | cut -d';' -f10 | sort -un | wc -l)" 10000
	grep -q 'writing .*/mnt/log again' "$TMP/err" || fail "$(cat "$TMP/err")"
}

@test "disk full for long: memory stays bounded, dropped events are counted in a lost record" {
	needroot
	mountsmall 1M
	streaming -o "$TMP/mnt/log"
	gen 0 300000 >&7	# ~30 MB of CSV: more than the 16 MiB kept
	sleep 0.5
	rss=$(awk '/VmRSS/ { print $2 }' /proc/$pid/status)
	[ "$rss" -lt 40000 ] || fail "RSS $rss kB"
	rm "$TMP/mnt/filler"
	umount "$TMP/mnt" 2>/dev/null && fail "unmounted while open"
	mount -o remount,size=64M "$TMP/mnt"
	sleep 1.5
	exec 7>&-
	wait $pid || fail "status $?: $(cat "$TMP/err")"
	events=$(grep -c -E "$whole" "$TMP/mnt/log")
	lost=$(grep ';lost;' "$TMP/mnt/log" | cut -d';' -f10)
	[ -n "$lost" ] && [ "$lost" -gt 0 ] || fail "no lost record: $(grep -c . "$TMP/mnt/log") lines"
	expect_eq total "$((events + lost))" 300000
	grep -q "^ctparse: $events events written, $lost dropped," "$TMP/err" || fail "$(cat "$TMP/err")"
	expect_eq other "$(grep -v -c -E "$whole|;(lost|begin|end|alive);" "$TMP/mnt/log")" 0
	# the lost record spans the events dropped: from the first to the last
	from=$(grep ';lost;' "$TMP/mnt/log" | cut -d';' -f15)
	at=$(grep ';lost;' "$TMP/mnt/log" | cut -d';' -f1)
	[ -n "$from" ] && [ "$(epoch "$from")" -le "$(epoch "$at")" ] ||
		fail "lost from [$from] at [$at]"
}

@test "the log file removed while running: SIGHUP makes a new one, nothing lost" {
	streaming -o "$TMP/log"
	gen 0 100 >&7
	sleep 0.3
	mv "$TMP/log" "$TMP/old"
	gen 100 100 >&7		# still written to the renamed file
	sleep 0.3
	kill -HUP $pid
	sleep 0.1
	gen 200 100 >&7
	exec 7>&-
	wait $pid
	expect_eq old "$(flowlines "$TMP/old" | wc -l)" 200
	expect_eq new "$(flowlines "$TMP/log" | wc -l)" 100
	expect_eq mode "$(stat -c %a "$TMP/log")" 640
}

@test "the log made unwritable: events wait and are written when it comes back" {
	needroot	# root ignores modes: use a directory that vanishes instead
	mkdir "$TMP/d"
	streaming -o "$TMP/d/log"
	gen 0 10 >&7
	sleep 0.3
	rm -rf "$TMP/d"
	kill -HUP $pid		# reopen fails: no such directory
	sleep 0.2
	gen 10 10 >&7
	sleep 0.3
	mkdir "$TMP/d"
	sleep 1.5		# retry reopens the path
	exec 7>&-
	wait $pid || fail "status $?: $(cat "$TMP/err")"
	expect_eq lines "$(flowlines "$TMP/d/log" | cut -d';' -f10 | tr '\n' ' ')" "10 11 12 13 14 15 16 17 18 19 "
	grep -q "cannot open $TMP/d/log: No such file or directory" "$TMP/err" || fail "$(cat "$TMP/err")"
}

@test "SIGHUP storm: 1 million lines, SIGHUP every 10 ms, file renamed each time" {
	mkdir "$TMP/old"
	streaming -o "$TMP/log"	# fd 7 lets ctparse's shell open the fifo
	for _ in $(seq 100); do [ -e "$TMP/log" ] && break; sleep 0.05; done
	[ -e "$TMP/log" ] || fail "ctparse did not start"
	(
		exec 7>&-	# not a writer of the fifo: ctparse must see its end
		i=0
		while kill -0 $pid 2>/dev/null; do
			mv "$TMP/log" "$TMP/old/$i" 2>/dev/null
			kill -HUP $pid 2>/dev/null
			i=$((i + 1))
			sleep 0.01
		done
	) &
	storm=$!
	gen 0 1000000 >&7
	exec 7>&-
	wait $pid || fail "status $?: $(tail -3 "$TMP/err")"
	wait $storm || true
	cat "$TMP"/old/* "$TMP"/log 2>/dev/null | flowlines /dev/stdin >"$TMP/all"
	expect_eq lines "$(wc -l <"$TMP/all")" 1000000
	expect_eq whole "$(grep -c -E "$whole" "$TMP/all")" 1000000
	expect_eq ids "$(cut -d';' -f10 "$TMP/all" | sort -un | wc -l)" 1000000
	n=$(ls "$TMP/old" | wc -l)
	[ "$n" -ge 20 ] || fail "only $n rotations"
	echo "# $n rotations" >&3
}

@test "a 10 MiB line among good ones: rejected alone, memory bounded" {
	ok=$(gen 0 1)
	{
		printf '%s\n' "$ok"
		head -c 10485760 /dev/zero | tr '\0' 'x'
		printf '\n%s\n' "$ok"
	} >"$TMP/in"
	/usr/bin/time -f '%M' -o "$TMP/rss" ctparse "$TMP/in" >"$TMP/out" 2>"$TMP/err" ||
		fail "status $?"
	expect_eq lines "$(flowlines "$TMP/out" | wc -l)" 2
	expect_eq whole "$(grep -c -E "$whole" "$TMP/out")" 2
	grep -q "^ctparse: $TMP/in:2: line too long: xxxx" "$TMP/err" || fail "$(cat "$TMP/err")"
	[ "$(cat "$TMP/rss")" -lt 30000 ] || fail "max RSS $(cat "$TMP/rss") kB"
}

@test "disk full at exit: the summary counts only the events that reached the file" {
	needroot
	mountsmall 1M
	streaming -o "$TMP/mnt/log"
	gen 0 5000 >&7		# ~500 KB: far more than the 8 KiB left
	sleep 0.5
	exec 7>&-		# the end, the disk still full
	st=0
	wait $pid || st=$?
	expect_eq status "$st" 2
	n=$(flowlines "$TMP/mnt/log" | wc -l)
	[ "$n" -lt 5000 ] || fail "all $n written"
	grep -q "^ctparse: $n events written, $((5000 - n)) dropped, 0 lines rejected" "$TMP/err" ||
		fail "$n in the file: $(cat "$TMP/err")"
	grep -q "events) and 0 dropped events could not be written to $TMP/mnt/log" "$TMP/err" ||
		fail "$(cat "$TMP/err")"
}

@test "more open flows than the table holds: a warning, the dump's snapshot, no daily snapshot" {
	mkdir "$TMP/log"
	n=2097153	# TABMAX + 1
	# live input: the dump on today's clock, then an event of tomorrow:
	# the first line of a new day, where a trusted table would be written
	tomorrow=$(( $(date +%s) + 86400 ))
	{
		ct_notice
		awk -v n=$n 'BEGIN { for (i = 0; i < n; i++)
			printf "tcp      6 1 src=10.%d.%d.%d dst=192.0.2.1 sport=%d dport=2 src=192.0.2.1 dst=198.51.100.1 sport=2 dport=%d id=%d\n",
			    i % 200, int(i / 200) % 250, int(i / 50000) + 1, 1024 + i % 60000, 1024 + i % 64000, i }'
		ct_dumped $n
		ct_new "$tomorrow.000001" 10.30.0.4 1003 20003 13
	} | /usr/bin/time -f '%M' -o "$TMP/rss" ctparse -o "$TMP/log/%Y-%m-%d.csv" 2>"$TMP/err" ||
		fail "status $?: $(cat "$TMP/err")"
	grep -q "^ctparse: more than 2097152 open flows: no snapshots until the next complete dump" "$TMP/err" ||
		fail "$(cat "$TMP/err")"
	# the dump's own snapshot holds: its open records are all there
	grep ';snapshot;' "$TMP"/log/*.csv | cut -d';' -f2,10 >"$TMP/snaps"
	expect_eq snapshots "$(cut -d: -f2- "$TMP/snaps")" "snapshot;$n"
	f=$TMP/log/$(date -u -d "@$tomorrow" +%Y-%m-%d).csv
	expect_eq "the next day" "$(grep -c ";" "$f"),$(grep -c ";open;" "$f")" 1,0	# the event
	# the table's memory was given back: what is left is the bound's worth
	[ "$(cat "$TMP/rss")" -lt 400000 ] || fail "max RSS $(cat "$TMP/rss") kB"
	rm -rf "$TMP/log"
}

# flows T0 SPAN N ID0 KEEP: N tcp flows (ids ID0..) in the SPAN seconds
# from T0, each a NEW and then its DESTROY, but the last KEEP stay open
flows() {
	awk -v t0="$1" -v span="$2" -v n="$3" -v id0="$4" -v keep="$5" '
	function at(k,  us) {
		us = int(k * span * 1000000 / (2 * n))
		return sprintf("%d.%06d", t0 + int(us / 1000000), us % 1000000)
	}
	BEGIN { for (i = 0; i < n; i++) {
		id = id0 + i
		src = sprintf("10.30.%d.%d", int(id / 250) % 250, id % 250 + 1)
		printf "[%s]\t    [NEW] ipv4     2 tcp      6 120 SYN_SENT src=%s dst=198.51.100.2 sport=%d dport=7001 [UNREPLIED] src=198.51.100.2 dst=198.51.100.1 sport=7001 dport=%d id=%d\n", at(2 * i), src, 1024 + id % 60000, 2000 + id % 60000, id
		if (i < n - keep)
			printf "[%s]\t[DESTROY] ipv4     2 tcp      6 src=%s dst=198.51.100.2 sport=%d dport=7001 packets=6 bytes=342 src=198.51.100.2 dst=198.51.100.1 sport=7001 dport=%d packets=4 bytes=238 [ASSURED] delta-time=2 id=%d\n", at(2 * i + 1), src, 1024 + id % 60000, 2000 + id % 60000, id
	} }'
}

# midnight: $M, the midnight after tomorrow (UTC), and $D0 and $D1, the
# days before and after it.  The events cross it on their own clock; the
# records of live input take the wall clock, today, in another file.
midnight() {
	M=$(( ($(date +%s) / 86400 + 2) * 86400 ))
	D0=$(date -u -d "@$((M - 1))" +%Y-%m-%d)
	D1=$(date -u -d "@$M" +%Y-%m-%d)
}

# dated DIR: every line of each DIR/DAY.csv is of that day
dated() {
	local f
	for f in "$1"/*.csv; do
		awk -v d="$(basename "$f" .csv)" 'substr($0, 1, 10) != d {
			if (n++ < 3) print FILENAME ":" FNR ": " substr($0, 1, 60)
		} END { exit n > 0 }' "$f" >&2 || fail "lines of another day in ${f##*/}"
	done
}

# dumpof3: a conntrack's NOTICE and a dump of flows 1, 2 and 3
dumpof3() {
	ct_notice
	ct_dump 10.30.0.2 40001 30001 1
	ct_dump 10.30.0.3 40002 30002 2
	ct_dump 10.30.0.4 40003 30003 3
	ct_dumped 3
}

@test "disk full across midnight: each day's lines wait for their own file, the new day starts with its snapshot" {
	needroot
	mountsmall 4M
	midnight
	streaming -o "$TMP/mnt/%Y-%m-%d.csv"
	{
		dumpof3
		flows $((M - 10)) 10 2500 1000 10	# 4990 events, 10 flows stay open
		flows $M 10 2500 5000 0			# 5000 events
	} >&7
	sleep 0.5
	[ ! -s "$TMP/mnt/$D1.csv" ] || fail "written while full"
	rm "$TMP/mnt/filler"
	sleep 1.5		# retried once a second
	exec 7>&-
	wait $pid || fail "status $?: $(cat "$TMP/err")"
	dated "$TMP/mnt"
	expect_eq "$D0 events" "$(grep -c -E ';(start|stop);' "$TMP/mnt/$D0.csv")" 4990
	expect_eq "$D1 events" "$(grep -c -E ';(start|stop);' "$TMP/mnt/$D1.csv")" 5000
	# the first day entered starts with the dump's flows, the next with
	# the flows open at its midnight: the dump's and the 10 left open
	expect_eq "$D0 top" "$(head -n 4 "$TMP/mnt/$D0.csv" | cut -d';' -f1,2,10 | sort | tr '\n' ' ')" \
	    "${D0}T00:00:00.000000Z;open;1 ${D0}T00:00:00.000000Z;open;2 ${D0}T00:00:00.000000Z;open;3 ${D0}T00:00:00.000000Z;snapshot;3 "
	expect_eq "$D1 open" "$(head -n 13 "$TMP/mnt/$D1.csv" | cut -d';' -f2,10 | sort -t';' -k2n | tr '\n' ' ')" \
	    "open;1 open;2 open;3 $(seq -f 'open;%g' 3490 3499 | tr '\n' ' ')"
	expect_eq "$D1 snapshot" "$(sed -n 14p "$TMP/mnt/$D1.csv" | cut -d';' -f1,2,10)" "${D1}T00:00:00.000000Z;snapshot;13"
	expect_eq "opens at $D1" "$(head -n 13 "$TMP/mnt/$D1.csv" | cut -d';' -f1 | sort -u)" "${D1}T00:00:00.000000Z"
	expect_eq lost "$(cat "$TMP"/mnt/*.csv | grep -c ';lost;')" 0
	grep -q "^ctparse: 9990 events written, 0 dropped, 0 lines rejected" "$TMP/err" || fail "$(cat "$TMP/err")"
}

@test "disk full across midnight for long: each day's dropped events in a lost record in its own file, no snapshot" {
	needroot
	mountsmall 1M
	midnight
	streaming -o "$TMP/mnt/%Y-%m-%d.csv"
	{
		dumpof3
		flows $((M - 60)) 60 120000 1000 0	# 240,000 events: 26 MB
		flows $M 10 20000 200000 0		# 40,000 more, all dropped
	} >&7
	sleep 0.5
	rm "$TMP/mnt/filler"
	mount -o remount,size=64M "$TMP/mnt"
	sleep 1.5
	flows $((M + 20)) 1 500 300000 0 >&7	# 1,000 after the disk came back
	exec 7>&-
	wait $pid || fail "status $?: $(cat "$TMP/err")"
	dated "$TMP/mnt"
	f0=$TMP/mnt/$D0.csv f1=$TMP/mnt/$D1.csv
	# the day before: what fitted in memory, then one lost record: from
	# the first event dropped to the last event of the day
	n0=$(grep -c -E ';(start|stop);' "$f0")
	l0=$(tail -n 1 "$f0")
	expect_eq "$D0 last" "$(cut -d';' -f1,2 <<<"$l0")" "${D0}T23:59:59.999750Z;lost"
	expect_eq "$D0 total" "$((n0 + $(cut -d';' -f10 <<<"$l0")))" 240000
	expect_eq "$D0 lost records" "$(grep -c ';lost;' "$f0")" 1
	last=$(grep -E ';(start|stop);' "$f0" | tail -n 1 | cut -d';' -f1)
	from=$(cut -d';' -f15 <<<"$l0")
	[[ "$last" < "$from" ]] || fail "lost from $from, not after the last line written, $last"
	# the day after: no snapshot (dropped), its own lost record first,
	# then the events after the disk came back
	expect_eq "$D1 first" "$(head -n 1 "$f1" | cut -d';' -f1,2,10,15)" \
	    "${D1}T00:00:09.999750Z;lost;40000;${D1}T00:00:00.000000Z"
	expect_eq "$D1 snapshot" "$(grep -c -E ';(open|snapshot);' "$f1")" 0
	expect_eq "$D1 events" "$(grep -c -E ';(start|stop);' "$f1")" 1000
	dropped=$((240000 - n0 + 40000))
	grep -q "^ctparse: $((n0 + 1000)) events written, $dropped dropped, 0 lines rejected" "$TMP/err" ||
		fail "$(cat "$TMP/err")"
}

@test "half a line at the end of the log (a write cut short by kill -9): cut back, warned, the new run's lines whole" {
	ok=$(gen 0 1)
	printf '%s\n' "$ok" | ctparse >"$TMP/log" 2>/dev/null
	printf '2026-11-27T00:00:01.000000Z;start;udp;10.0.0.1;10' >>"$TMP/log"
	printf '%s\n' "$ok" >"$TMP/in"
	ctparse -o "$TMP/log" "$TMP/in" 2>"$TMP/err" || fail "status $?: $(cat "$TMP/err")"
	expect_eq lines "$(cut -d';' -f2 "$TMP/log" | tr '\n' ' ')" "begin start end begin start end "
	expect_eq fields "$(awk -F';' 'NF != 16' "$TMP/log")" ""
	grep -q "^ctparse: $TMP/log: cut back 49 bytes of an unfinished last line" "$TMP/err" ||
		fail "$(cat "$TMP/err")"
}

# sleeprandom MS: sleep MS plus up to as many more milliseconds ($RANDOM)
sleeprandom() {
	local ms=$(($1 + RANDOM % ($1 + 1)))
	sleep "$((ms / 1000)).$(printf %03d $((ms % 1000)))"
}

@test "kill -9 at random points of a stream, the disk filling and freeing: no half line, a missing event only where the log claims nothing" {
	needroot
	seed=${CT_SEED:-$$}
	RANDOM=$seed
	echo "# seed $seed" >&3
	mountsmall 64M
	mkdir "$TMP/mnt/log"
	mkfifo "$TMP/fifo"
	exec 8<>"$TMP/fifo"	# as runsv's pipe: it outlives each ctparse
	perl "$TOP/t/ctfeed.pl" -r 40000 "$TMP/events" >"$TMP/fifo" 8>&- &
	feed=$!
	for k in 1 2 3 4 5 6 7 8; do
		ctparse -i 1 -o "$TMP/mnt/log/%Y-%m-%d.csv" <"$TMP/fifo" 2>>"$TMP/err" 8>&- &
		pid=$!
		sleeprandom 100
		# the disk fills (lines wait in memory) or frees (they are
		# written out, in one big write)
		if [ -e "$TMP/mnt/filler" ]; then
			rm "$TMP/mnt/filler"
		else
			head -c $(( $(stat -f -c '%a*%S' "$TMP/mnt") - 8192 )) /dev/zero \
			    >"$TMP/mnt/filler" 2>/dev/null || true
		fi
		sleeprandom 400
		kill -KILL $pid
		wait $pid 2>/dev/null || true
	done
	rm -f "$TMP/mnt/filler"
	ctparse -i 1 -o "$TMP/mnt/log/%Y-%m-%d.csv" <"$TMP/fifo" 2>>"$TMP/err" 8>&- &
	pid=$!
	sleep 1.5		# an alive record or two
	kill -TERM $feed	# maybe in the middle of a line
	wait $feed || true
	for _ in $(seq 100); do
		[ "$(readlink /proc/$pid/fd/0)" = "$TMP/fifo" ] && break
		sleep 0.05
	done
	exec 8>&-		# the last writer: ctparse reads to the end
	wait $pid || fail "status $?: $(cat "$TMP/err")"
	# each run that wrote anything began with its begin (a run killed
	# before its first write left nothing); the last one ended
	n=$(cat "$TMP"/mnt/log/*.csv | grep -c ';begin;')
	[ "$n" -ge 2 ] && [ "$n" -le 9 ] || fail "$n begin records"
	expect_eq last "$(cat "$TMP"/mnt/log/*.csv | tail -n 1 | cut -d';' -f2)" end
	perl "$TOP/t/ctclaims.pl" "$TMP/events" "$TMP"/mnt/log/*.csv >"$TMP/claims" ||
		fail "seed $seed: $(cat "$TMP/claims")"
	echo "# $(cat "$TMP/claims"); $(grep -c 'cut back' "$TMP/err") half lines cut back (a kill in a write)" >&3
	# lines waited for the disk when a kill came: some were lost
	grep -q ' [1-9][0-9]* missing' "$TMP/claims" || fail "seed $seed: nothing lost"
}

@test "the input ends in the middle of a line (its writer killed): the end record does not claim it" {
	{
		perl "$TOP/t/ctfeed.pl" -n 5 -g 0.05 "$TMP/events"
		# killed halfway through its line
		timeout 0.5 perl "$TOP/t/ctfeed.pl" -i 6 -n 1 -p 5 "$TMP/events"
		sleep 0.2
	} | ctparse -o "$TMP/log" 2>"$TMP/err" || fail "status $?: $(cat "$TMP/err")"
	grep -q '^ctparse: stdin:6: ' "$TMP/err" || fail "$(cat "$TMP/err")"
	expect_eq last "$(tail -n 1 "$TMP/log" | cut -d';' -f2)" end
	perl "$TOP/t/ctclaims.pl" "$TMP/events" "$TMP/log" >"$TMP/claims" ||
		fail "$(cat "$TMP/claims")"
	expect_eq claims "$(cat "$TMP/claims")" "5 logged, 1 missing (not covered)"
}

@test "SIGTERM at random points, a slow writer: the end record never claims more than was read" {
	seed=${CT_SEED:-$$}
	RANDOM=$seed
	echo "# seed $seed" >&3
	for k in 1 2 3 4 5 6 7 8; do
		rm -f "$TMP/fifo" "$TMP/log" "$TMP/events"
		mkfifo "$TMP/fifo"
		# each line stops halfway for 30 ms: a SIGTERM mostly finds
		# half a line read
		perl "$TOP/t/ctfeed.pl" -p 0.03 -g 0.002 "$TMP/events" >"$TMP/fifo" &
		feed=$!
		ctparse -o "$TMP/log" <"$TMP/fifo" 2>"$TMP/err" &
		pid=$!
		sleep "0.$(printf %03d $((100 + RANDOM % 400)))"
		kill -TERM $pid
		st=0
		wait $pid || st=$?
		kill $feed 2>/dev/null || true
		wait $feed || true
		expect_eq "run $k: status" "$st" 0
		expect_eq "run $k: last" "$(tail -n 1 "$TMP/log" | cut -d';' -f2)" end
		perl "$TOP/t/ctclaims.pl" "$TMP/events" "$TMP/log" >"$TMP/claims" ||
			fail "seed $seed, run $k: $(cat "$TMP/claims") $(cat "$TMP/err")"
	done
}
