#!/bin/sh
# pairsame.sh - what pairing decides, as files to compare between two
# builds (issue 16: one pairing engine for cttime's ranking and ctzip's
# index must change neither).  Not a test: run it with the tools of one
# build, then of the other, and compare the two output directories:
#
#	sh t/bench/pairsame.sh OLDCMD DATA /tmp/old
#	sh t/bench/pairsame.sh cmd DATA /tmp/new
#	diff -r /tmp/old /tmp/new	(empty: the same)
#
# DATA (made on the first run, kept): generated days of log, with the
# cases pairing meets: gen.pl days split by ctparse -o (a day's open
# records and snapshot, flows across midnight); the flows of
# t/ctzip-filter.bats (lost stops, reused ids, stops alone); and days
# from keys of a small pool, so that they collide, with open records
# and snapshots that leave some open flows out, starts near an open
# record, restarts, lost records, kernel from/to on stops.
# OUT: the .idx of ctzip at several block sizes and L, and the answers of
# cttime (-f batches: -a, -a -P, -a -P -R 0, -1, plain, -G) and cttrace.
# About 8 minutes on 2 shared cores, most of it ctzip (IDX=0: without).
set -eu
[ $# -eq 3 ] || { echo "usage: pairsame.sh CMDDIR DATA OUT" >&2; exit 2; }
top=$(cd "$(dirname "$0")/../.." && pwd)
CMD=$(cd "$1" && pwd)
DATA=$2 OUT=$3
export LC_ALL=C TZ=UTC
PATH=$CMD:$PATH
mkdir -p "$DATA" "$OUT"

# collide SEED DAY: half a day of flows from a pool of 30 keys, DAY
# (0, 1, ..) days after 2026-11-27
collide() {
	awk -v seed="$1" -v day="$2" 'BEGIN {
		srand(seed); t = 1795737600 + day * 86400
		for (i = 0; i < 40000; i++) {
			t += rand() * 2
			k = int(rand() * 30)
			key = (k % 2 ? "tcp" : "udp") ";10.0.0." (1 + k % 7) \
			    ";" (2000 + k % 5) ";198.51.100." (1 + k % 3) \
			    ";443;192.0.2.1;" (1000 + k % 11)
			id = 100 + k % 13
			r = rand()
			if (r < 0.35)
				line(t, "start", key, id, "", "")
			else if (r < 0.70) {
				from = ""; to = ""
				if (rand() < 0.3) from = t - 30 - rand() * 100
				if (rand() < 0.3) to = t - rand() * 20
				if (rand() < 0.05) to = t + 5	# contradicts
				line(t, "stop", key, id, from, to)
			} else if (r < 0.80) {
				from = rand() < 0.5 ? t - rand() * 300 : ""
				line(t, "open", key, id, from, "")
			} else if (r < 0.88) {	# open records, a snapshot
				m = int(rand() * 6)
				for (j = 0; j < m; j++) {
					k = int(rand() * 30)
					key = (k % 2 ? "tcp" : "udp") ";10.0.0." \
					    (1 + k % 7) ";" (2000 + k % 5) \
					    ";198.51.100." (1 + k % 3) \
					    ";443;192.0.2.1;" (1000 + k % 11)
					line(t, "open", key, 100 + k % 13,
					    rand() < 0.5 ? t - rand() * 50 : "",
					    "")
				}
				if (rand() < 0.3)
					rec(t, "alive", 60, t - 100)
				rec(t, "snapshot", m, t - 100)
			} else if (r < 0.90)
				rec(t, "restart", "", t - 3)
			else if (r < 0.92)
				rec(t, "lost", 5, "")
			else if (r < 0.94)
				rec(t, "alive", 60, t - 1000)
			else if (r < 0.95)
				rec(t, "begin", 60, t)
			else
				line(t, "update", key, id, "", "")
		}
	}
	function ts(t,   s) {
		s = int(t)
		return sprintf("@%d.%06d", s, int((t - s) * 1000000))
	}
	function line(t, ev, key, id, from, to) {	# kernel: seconds
		printf "%s;%s;%s;%d;%s;%s;%s;%s;%s;%s\n", ts(t), ev, key, id,
		    ev == "stop" ? 3 : "", ev == "stop" ? 300 : "",
		    ev == "stop" ? 2 : "", ev == "stop" ? 200 : "",
		    from == "" ? "" : sprintf("@%d", from),
		    to == "" ? "" : sprintf("@%d", to)
	}
	function rec(t, ev, id, from) {
		printf "%s;%s;;;;;;;;%s;;;;;%s;\n", ts(t), ev, id,
		    from == "" ? "" : ts(from)
	}' | perl -MPOSIX=strftime -pe '
		# times in ISO 8601 (POSIX awk has no strftime)
		s/\@(\d+)(\.\d+)?/strftime("%Y-%m-%dT%H:%M:%S", gmtime($1)) .
		    ($2 \/\/ "") . "Z"/ge'
}

# filterflows SEED DIR: the flows of t/ctzip-filter.bats (t/flowgen.sh),
# 6000 a day, two days
filterflows() {
	sh "$top/t/flowgen.sh" "$2" 2 "$1" 6000 0
}

if [ ! -e "$DATA/done" ]; then
	rm -rf "$DATA"/*
	mkdir -p "$DATA/gen" "$DATA/filt1" "$DATA/filt2" "$DATA/coll"
	perl "$top/t/bench/gen.pl" -n 150000 -d 172800 -s 11 -i 300 |
	    ctparse -o "$DATA/gen/%Y-%m-%d.csv" 2>/dev/null
	filterflows 1 "$DATA/filt1"
	filterflows 2 "$DATA/filt2"
	for s in 1 2 3; do
		collide $s $((s - 1)) >"$DATA/coll/2026-11-2$((6 + s)).csv"
	done
	touch "$DATA/done"
fi

# queries: NAT address, port and time of every Kth flow line (+ D s)
queries() {
	awk -F';' -v k="$2" -v d="$3" '$8 != "" && NR % k == 0 {
		printf "%s %s %s\n", $8, $9, $1 }' "$1" |
	    perl -MPOSIX=strftime -MTime::Local=timegm -lane '
		my ($y, $mo, $d, $h, $mi, $s) = $F[2] =~
		    /^(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)/;
		my $t = timegm($s, $mi, $h, $d, $mo - 1, $y) + '"$3"';
		print "$F[0] $F[1] ", strftime("%Y-%m-%dT%H:%M:%SZ", gmtime($t))'
}

for set in gen filt1 filt2 coll; do
	days=$(ls "$DATA/$set"/*.csv)
	o=$OUT/$set
	mkdir -p "$o/idx"
	bs="4k 64k"
	case $set in filt*) bs="1k 4k 64k" ;; esac
	# the index: block sizes, L (IDX=0: not)
	[ "${IDX:-1}" = 0 ] ||
	for f in $days; do
		d=${f##*/}
		for b in $bs; do
			for L in 0 60 300; do
				cp "$f" "$o/idx/x.csv"
				ctzip -f -k -j 1 -b $b -L $L "$o/idx/x.csv"
				mv "$o/idx/x.csv.gz.idx" \
				    "$o/idx/$d.b$b.L$L.idx"
				rm -f "$o/idx/x.csv" "$o/idx/x.csv.gz"
			done
		done
	done
	# the ranking: batches of queries (from the biggest day) over
	# every day of the set
	big=$(ls -S "$DATA/$set"/*.csv | head -n 1)
	n=$(wc -l <"$big")
	k=$((n / 300 + 1))
	{ queries "$big" $k 0; queries "$big" $((k + 7)) 3
	  queries "$big" $((k + 13)) -40; } >"$o/q"
	i=0
	for opts in "-a" "-a -P" "-a -P -R 0" "-a -w 60" "-a -P -w 2 -k 1" \
	    "-a -P -A 600" "-1" "" "-a -P -g -R 0"; do
		i=$((i + 1))
		set +e
		cttime $opts -f "$o/q" $days >"$o/cttime.$i" 2>&1
		echo "status $?" >>"$o/cttime.$i"
		set -e
	done
	# two gateways: the same days twice, ranked together
	set +e
	cttime -a -P -f "$o/q" -G a="$big" -G b="$big" >"$o/cttime.G" 2>&1
	echo "status $?" >>"$o/cttime.G"
	# cttrace on the zipped days (through their index)
	mkdir -p "$o/logdir"
	for f in $days; do
		cp "$f" "$o/logdir/"
		ctzip -f -j 1 -b 4k -L 60 "$o/logdir/${f##*/}"
	done
	head -n 40 "$o/q" | while read -r ip port t; do
		echo "== $ip $port $t"
		cttrace -d "$o/logdir" "$ip" "$port" "$t"
		echo "status $?"
		cttrace -d "$o/logdir" -w 120 "$ip" "$port" "$t"
		echo "status $?"
	done >"$o/cttrace" 2>&1
	set -e
	rm -rf "$o/logdir"
done
