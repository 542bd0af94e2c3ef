#!/usr/bin/env bats
# ctretain: the days older than -k are deleted, in every form, safely;
# the marker it leaves makes a trace of a deleted time say so (ctcat's
# nolog record with from, ctverdict's "deleted by retention before").
load helper

# day N: the UTC day N days ago (ctretain reads the clock: so do we)
day() {
	date -u -d "@$(($(date +%s) - $1 * 86400))" +%F
}

# mkday DAY [MTIME]: a day's plain file, one flow at 12:00, modified at
# MTIME (default: that day's evening: a file's time must not matter)
mkday() {
	printf '%sT12:00:00Z;start;tcp;10.0.0.7;40000;198.51.100.2;443;192.76.8.23;5000;1;;;;\n' "$1" >"$TMP/log/$1.csv"
	chmod 0640 "$TMP/log/$1.csv"
	touch -d "${2:-$1 23:00:00Z}" "$TMP/log/$1.csv"
}

files() {
	(cd "$TMP/log" && ls | tr '\n' ' ')
}

# marker: the day the marker names (its first line not a comment)
marker() {
	grep -v '^#' "$TMP/log/RETENTION" | head -n 1
}

@test "-k is required: no default; a bad -k, a bad option are refused" {
	mkdir "$TMP/log"
	mkday "$(day 400)"
	for args in "" "-k 0" "-k x" "-k -3" "-k 100001" "-q -k 5" "-k 5 extra"; do
		run ctretain $args -d "$TMP/log"
		expect_eq "[$args] status" "$status" 2
	done
	run ctretain -d "$TMP/log"
	[[ "$output" == *"-k: how many days to keep must be said"* ]] || fail "$output"
	expect_eq untouched "$(files)" "$(day 400).csv "
	run ctretain -h
	[ "$status" -eq 0 ] && [[ "$output" == usage:* ]]
}

@test "days older than -k go in every form, together; newer days, other files stay" {
	mkdir "$TMP/log"
	old=$(day 95) older=$(day 120) oldest=$(day 300) kept=$(day 89)
	mkday "$old" "$(date -u -d '-1 hour' +%FT%TZ)"	# mtime: not a key
	mkday "$older"
	gzip "$TMP/log/$older.csv"
	: >"$TMP/log/$older.csv.gz.idx"
	mkday "$oldest"
	zstd -q --rm "$TMP/log/$oldest.csv"
	: >"$TMP/log/$oldest.csv.zst.idx"
	: >"$TMP/log/$oldest.csv.gz.tmp"	# a compression's leftover
	mkday "$kept" "2001-01-01 00:00Z"	# an old mtime keeps it not
	mkday "$(day 1)"
	mkday "$(day 0)"
	echo x >"$TMP/log/conntrack.csv-20010101"	# logrotate's: not a day
	echo x >"$TMP/log/$old.csv.bak"		# not a day's file
	echo x >"$TMP/log/notes"
	run ctretain -v -k 90 -d "$TMP/log"
	[ "$status" -eq 0 ] || fail "$output"
	expect_eq left "$(files)" "$old.csv.bak $kept.csv $(day 1).csv $(day 0).csv RETENTION conntrack.csv-20010101 notes "
	# -v: the files deleted, each day's plain file last
	[[ "$output" == *"$TMP/log/$oldest.csv.gz.tmp"* && "$output" == *"$TMP/log/$older.csv.gz.idx"* ]] || fail "$output"
	expect_eq "plain last" "$(printf '%s\n' "$output" | grep "$older")" "$TMP/log/$older.csv.gz
$TMP/log/$older.csv.gz.idx"
	# the marker: the day after the last deleted, 0640
	expect_eq marker "$(marker)" "$(date -u -d "$old + 1 day" +%F)"
	expect_eq mode "$(stat -c %a "$TMP/log/RETENTION")" 640
	# a second run: nothing to do, nothing changes
	before=$(cd "$TMP/log" && ls -l --time-style=+%s%N)
	run ctretain -k 90 -d "$TMP/log"
	[ "$status" -eq 0 ] && [ -z "$output" ] || fail "$output"
	expect_eq again "$(cd "$TMP/log" && ls -l --time-style=+%s%N)" "$before"
}

@test "the boundary: the UTC day of now - k days - 12 hours is kept, the day before goes" {
	mkdir "$TMP/log"
	now=$(date +%s)
	cut=$(date -u -d "@$((now - 30 * 86400 - 43200))" +%F)
	before=$(date -u -d "$cut - 1 day" +%F)
	after=$(date -u -d "$cut + 1 day" +%F)
	mkday "$before"; mkday "$cut"; mkday "$after"; mkday "$(day 0)"
	run ctretain -k 30 -d "$TMP/log"
	[ "$status" -eq 0 ] || fail "$output"
	expect_eq left "$(files)" "$cut.csv $after.csv $(day 0).csv RETENTION "
	expect_eq marker "$(marker)" "$cut"
}

@test "-n says what would go and deletes nothing, writes no marker" {
	mkdir "$TMP/log"
	mkday "$(day 50)"; mkday "$(day 3)"
	run ctretain -n -k 10 -d "$TMP/log"
	[ "$status" -eq 0 ]
	expect_eq said "$output" "$TMP/log/$(day 50).csv"
	expect_eq left "$(files)" "$(day 50).csv $(day 3).csv "
}

@test "a day being compressed (its lock held) is left alone; the next run deletes it" {
	mkdir "$TMP/log"
	d1=$(day 60) d2=$(day 50) d3=$(day 40)
	mkday "$d1"; mkday "$d2"; mkday "$d3"; mkday "$(day 0)"
	exec 8<"$TMP/log/$d2.csv"	# the lock ctzip takes, held here
	flock -n 8
	run ctretain -k 30 -d "$TMP/log"
	exec 8<&-
	expect_eq status "$status" 1
	[[ "$output" == *"$d2.csv: being compressed (locked): left alone"* ]] || fail "$output"
	# the days after it wait for the next run: the older go first
	expect_eq left "$(files)" "$d2.csv $d3.csv $(day 0).csv RETENTION "
	expect_eq marker "$(marker)" "$(date -u -d "$d1 + 1 day" +%F)"
	run ctretain -k 30 -d "$TMP/log"
	[ "$status" -eq 0 ] || fail "$output"
	expect_eq "next run" "$(files)" "$(day 0).csv RETENTION "
	expect_eq "marker moved" "$(marker)" "$(date -u -d "$d3 + 1 day" +%F)"
}

@test "the file being written is never deleted: modified in the last 10 minutes, the newest day" {
	mkdir "$TMP/log"
	mkday "$(day 80)"
	mkday "$(day 70)" "$(date -u -d '-2 minutes' +%FT%TZ)"
	mkday "$(day 0)"
	run ctretain -k 30 -d "$TMP/log"
	expect_eq status "$status" 1
	[[ "$output" == *"$(day 70).csv: modified in the last 10 minutes (being written?): left alone"* ]] || fail "$output"
	expect_eq left "$(files)" "$(day 70).csv $(day 0).csv RETENTION "
	expect_eq marker "$(marker)" "$(date -u -d "$(day 80) + 1 day" +%F)"
	# the log's newest day is kept whatever its age: logging stopped
	rm "$TMP/log/$(day 0).csv"
	touch -d "$(day 70) 23:00Z" "$TMP/log/$(day 70).csv"
	run ctretain -k 30 -d "$TMP/log"
	expect_eq status "$status" 1
	[[ "$output" == *"$(day 70) is older than 30 days but the log's newest day: kept"* ]] || fail "$output"
	expect_eq left "$(files)" "$(day 70).csv RETENTION "
}

@test "as root among others' links: nothing outside the directory is touched" {
	mkdir "$TMP/log" "$TMP/outside"
	echo secret >"$TMP/outside/target"
	chmod 0600 "$TMP/outside/target"
	old=$(day 100)
	mkday "$(day 200)"; mkday "$(day 0)"
	ln -s "$TMP/outside/target" "$TMP/log/$old.csv"
	ln -s "$TMP/outside/target" "$TMP/log/$old.csv.gz"
	ln -s "$TMP/outside/target" "$TMP/log/RETENTION.tmp"
	ln -s "$TMP/outside/target" "$TMP/log/RETENTION"
	run ctretain -k 30 -d "$TMP/log"
	expect_eq status "$status" 1
	[[ "$output" == *"$old.csv: not a regular file (a link?): left alone"* ]] || fail "$output"
	[ -h "$TMP/log/$old.csv" ] && [ -h "$TMP/log/$old.csv.gz" ]
	expect_eq target "$(cat "$TMP/outside/target")" secret
	expect_eq "target mode" "$(stat -c %a "$TMP/outside/target")" 600
	# the marker replaced the link (rename: never written through it)
	[ -f "$TMP/log/RETENTION" ] && [ ! -h "$TMP/log/RETENTION" ]
	[ ! -e "$TMP/log/RETENTION.tmp" ] && [ ! -h "$TMP/log/RETENTION.tmp" ]
	expect_eq marker "$(marker)" "$(date -u -d "$(day 200) + 1 day" +%F)"
}

@test "as root: the marker is the directory's owner's and group's, 0640 whatever the umask" {
	if [ "$(id -u)" -ne 0 ]; then
		[ "${CI:-}" != true ] || fail "CI runs the tests as root"
		skip "needs root"
	fi
	mkdir "$TMP/log"
	mkday "$(day 100)"; mkday "$(day 0)"
	chown nobody:nogroup "$TMP/log"
	(umask 077 && ctretain -k 30 -d "$TMP/log")
	expect_eq owner "$(stat -c '%U:%G %a' "$TMP/log/RETENTION")" "nobody:nogroup 640"
}

@test "the marker never moves back; runs in one directory exclude each other" {
	mkdir "$TMP/log"
	mkday "$(day 100)"; mkday "$(day 50)"; mkday "$(day 0)"
	run ctretain -k 30 -d "$TMP/log"
	[ "$status" -eq 0 ]
	m=$(marker)
	# older days, restored from a backup, say: deleting the oldest
	# does not move the marker back
	mkday "$(day 200)"; mkday "$(day 120)"
	run ctretain -k 150 -d "$TMP/log"
	[ "$status" -eq 0 ]
	[ ! -e "$TMP/log/$(day 200).csv" ]
	expect_eq "not back" "$(marker)" "$m"
	exec 8<"$TMP/log"	# another run's lock on the directory
	flock -n 8
	run ctretain -k 30 -d "$TMP/log"
	exec 8<&-
	expect_eq status "$status" 1
	[[ "$output" == *"another ctretain is at work there: nothing done"* ]] || fail "$output"
	[ -f "$TMP/log/$(day 120).csv" ]
}

@test "a trace of a deleted time: no log, deleted by retention before the first day kept" {
	mkdir "$TMP/log"
	mkday "$(day 40)"; mkday "$(day 20)"; mkday "$(day 0)"
	run ctretain -k 30 -d "$TMP/log"
	[ "$status" -eq 0 ] || fail "$output"
	first=$(marker)
	expect_eq first "$first" "$(date -u -d "$(day 40) + 1 day" +%F)"
	# the deleted flow's time
	run cttrace -d "$TMP/log" 192.76.8.23 5000 "$(day 40)T12:00:00Z"
	expect_eq status "$status" 2
	[[ "$output" == *"gap: no log from "*": deleted by retention before $first"* ]] || fail "$output"
	[[ "$output" == *"verdict: unknown"* ]] || fail "$output"
	# a kept day's flow is found as before
	run cttrace -d "$TMP/log" 192.76.8.23 5000 "$(day 20)T12:00:00Z"
	[ "$status" -eq 0 ] || fail "$output"
	[[ "$output" == *"10.0.0.7:40000"* && "$output" != *retention* ]] || fail "$output"
	# without the marker: a bare no log
	rm "$TMP/log/RETENTION"
	run cttrace -d "$TMP/log" 192.76.8.23 5000 "$(day 40)T12:00:00Z"
	[[ "$output" == *"gap: no log file holds"* && "$output" != *retention* ]] || fail "$output"
}

@test "ctcat: the nolog record carries the first day kept in from; the rest is plain nolog" {
	mkdir "$TMP/log"
	for d in 2026-11-25 2026-11-26; do mkday $d; done
	printf '# a comment\n2026-11-25\n' >"$TMP/log/RETENTION"
	# the first file is the first day kept: deleted up to its first line
	run ctcat -d "$TMP/log" -t 2026-11-25T00:30:00Z -A 3600 -R 0
	expect_eq "day kept first" "${lines[0]}" "2026-11-24T23:28:50.000000Z;nolog;;;;;;;;;;;;;2026-11-25T00:00:00.000000Z;2026-11-25T12:00:00.000000Z"
	# else deleted up to where that day can begin (UTC+14), then no log
	rm "$TMP/log/2026-11-25.csv"
	run ctcat -d "$TMP/log" -t 2026-11-25T00:30:00Z -A 3600 -R 0
	expect_eq "a day missing" "${lines[0]}" "2026-11-24T23:28:50.000000Z;nolog;;;;;;;;;;;;;;2026-11-26T12:00:00.000000Z"
	run ctcat -d "$TMP/log" -t 2026-11-24T10:00:00Z -A 3600 -R 0
	expect_eq "deleted" "${lines[0]}" "2026-11-24T08:58:50.000000Z;nolog;;;;;;;;;;;;;2026-11-25T00:00:00.000000Z;2026-11-24T10:00:00.000000Z"
	# (to where the 26th can begin: it is too far to be opened)
	expect_eq "then none" "${lines[1]}" "2026-11-24T10:00:00.000000Z;nolog;;;;;;;;;;;;;;2026-11-25T10:00:00.000000Z"
	# ctcat -l lists the log only
	run ctcat -l -d "$TMP/log"
	[[ "$output" != *RETENTION* ]] || fail "$output"
	# a marker that names no day: said, and no time is said deleted
	echo 'soon' >"$TMP/log/RETENTION"
	run ctcat -d "$TMP/log" -t 2026-11-24T10:00:00Z -A 3600 -R 0
	[[ "$output" == *"RETENTION: names no day (YYYY-MM-DD), ignored"* ]] || fail "$output"
	[[ "$output" == *"2026-11-24T08:58:50.000000Z;nolog;;;;;;;;;;;;;;2026-11-25T10:00:00.000000Z"* ]] || fail "$output"
	# nor one that is a link
	rm "$TMP/log/RETENTION"
	printf '2026-11-25\n' >"$TMP/day"
	ln -s "$TMP/day" "$TMP/log/RETENTION"
	run ctcat -d "$TMP/log" -t 2026-11-24T10:00:00Z -A 3600 -R 0
	[[ "$output" == *"RETENTION: a symbolic link, ignored"* && "$output" != *";2026-11-25T00:00:00.000000Z;"* ]] || fail "$output"
}

@test "man page EXAMPLES" {
	mkdir "$TMP/log"
	mkday "$(day 100)"; mkday "$(day 70)"; mkday "$(day 0)"
	# the commands as the manual shows them (the crontab's last field),
	# the log in $TMP/log
	grep -E '^(\.Dl |[^.].*	)ctretain -' "$TOP/cmd/ctretain.1" |
	    sed 's/^\.Dl //; s/^.*	//; s|/var/log/conntrack|'"$TMP/log"'|' >"$TMP/cmds"
	expect_eq count "$(wc -l <"$TMP/cmds")" 2
	expect_eq first "$(head -n 1 "$TMP/cmds")" "ctretain -k 90 -d $TMP/log"
	while IFS= read -r cmd; do
		run sh -c "$cmd"
		[ "$status" -eq 0 ] || fail "$cmd: $output"
		case $cmd in
		*-k\ 90*) expect_eq "$cmd" "$(files)" "$(day 70).csv $(day 0).csv RETENTION " ;;
		*-n*) expect_eq "$cmd" "$output" "$TMP/log/$(day 70).csv" ;;
		esac
	done <"$TMP/cmds"
}
