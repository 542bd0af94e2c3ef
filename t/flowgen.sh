#!/bin/sh
# flowgen.sh DIR DAYS SEED PERDAY SNAP - a synthetic log for the index's
# tests and checks (t/ctzip-filter.bats, t/bench/pairsame.sh): DAYS days
# from 2026-11-27 (epoch 1795737600), in day files DIR/YYYY-MM-DD.csv
# (appended to): 40 NAT ports of 192.0.2.1, tcp and udp sharing them,
# PERDAY flows a day; 85 % last 0-55 s, 15 % 61-4000 s; 3 % lose their
# stop, and half of those have their id and tuple come back (a reuse);
# 1 % lose their start (a stop alone).  The same SEED and PERDAY give the
# same flows whatever SNAP is.
#   SNAP 0: every few thousand lines a line is stamped 1 ms early (the
#	skew);
#   SNAP 1: no skew, and a snapshot every 2 hours and at each midnight:
#	an open record of every flow the kernel holds then (its from: the
#	flow's start), then the snapshot record.
# POSIX awk (mawk); perl for the times (POSIX awk has no strftime).
[ $# -eq 5 ] || { echo "usage: flowgen.sh DIR DAYS SEED PERDAY SNAP" >&2; exit 2; }
awk -v days="$2" -v seed="$3" -v perday="$4" -v snap="$5" 'BEGIN {
	srand(seed); t0 = 1795737600; id = 1000
	n = perday * days
	for (i = 0; i < n; i++) {
		t = t0 + rand() * 86400 * days
		d = rand() < 0.85 ? rand() * 55 : 61 + rand() * 4000
		port = 1000 + int(rand() * 40)
		p = rand() < 0.5 ? "tcp" : "udp"
		src = "10.0.0." (1 + int(rand() * 20))
		sp = 2000 + int(rand() * 50)
		dst = "198.51.100." (1 + int(rand() * 3))
		k = p ";" src ";" sp ";" dst ";443;192.0.2.1;" port
		r = rand()
		if (r < 0.015) {	# stop lost, then the same again
			line(t, "start", k, id)
			line(t + d / 2, "start", k, id)
			line(t + d, "stop", k, id)
		} else if (r < 0.03) {	# stop lost, never ended
			line(t, "start", k, id)
		} else if (r < 0.04) {	# start lost
			line(t + d, "stop", k, id)
		} else {
			line(t, "start", k, id)
			line(t + d, "stop", k, id)
		}
		if (snap) {	# what a dump sees: the kernel held it over [t, t + d]
			ft[i] = t; fd[i] = d; fk[i] = k; fi[i] = id
		}
		id++
	}
	for (s = t0; snap && s < t0 + 86400 * days; s += 7200) {
		m = 0
		for (i = 0; i < n; i++)
			if (ft[i] < s && s < ft[i] + fd[i]) {
				printf "%d.000000;open;%s;%d;%.6f\n", s, fk[i], fi[i], ft[i]
				m++
			}
		printf "%d.000001;snapshot;;;;;;;;%d;%d.000000\n", s, m, s
	}
}
function line(t, ev, k, id,   s, us) {
	s = int(t); us = int((t - s) * 1000000)
	printf "%d.%06d;%s;%s;%d\n", s, us, ev, k, id
}' | sort -t';' -k1,1n | perl -MPOSIX=strftime -F';' -nle '
	BEGIN { $dir = shift; $skew = shift }
	sub ts { my ($s, $us) = split /\./, $_[0];
		strftime("%Y-%m-%dT%H:%M:%S", gmtime($s)) . "." .
		    substr($us . "000000", 0, 6) . "Z" }
	($s, $us) = split /\./, $F[0];
	$F[0] = sprintf("%d.%06d", $s, $us - 1000)
	    if $skew && $. % 3001 == 0 && $us >= 1000;
	$day = strftime("%Y-%m-%d", gmtime($s));
	$ctr = $F[1] eq "stop" ? "3;300;2;200" :
	    $F[1] =~ /^(open|snapshot)$/ ? ";;;;" . ts($F[10]) . ";" : ";;;";
	if ($day ne $open) {
		open(OUT, ">>", "$dir/$day.csv") or die "$day: $!";
		$open = $day;
	}
	print OUT join(";", ts($F[0]), @F[1 .. 9], $ctr);
' "$1" "$(($5 == 0))"
