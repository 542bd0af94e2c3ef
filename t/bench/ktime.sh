#!/bin/sh
# ktime.sh - how far the log's start and stop times are from the kernel's,
# before and after the kernel's own times (-o ktimestamp) are used.
#
#   sh t/bench/ktime.sh [OUTDIR]          (root: a namespace lab)
#
# On the namespace NAT lab (t/e2e/natlab.sh), with the lab's short UDP and
# TCP timeouts, test clients make flows while two listeners run at once:
# the deployment's pipeline (conntrack -E ... -o ktimestamp | ctparse) and
# conntrack -E -o xml,ktimestamp, whose timestamps are the kernel's in
# nanoseconds: the reference.  For every flow both saw, by conntrack id
# and tuple:
#   start error   the log's start time (when conntrack read the NEW)
#                 minus the kernel's start;
#   stop error    before: the log's stop time (when conntrack read the
#                 DESTROY, which the garbage collector delays); after: the
#                 end the readers use (lib/flow.h), the earlier of that
#                 time and the end of the kernel's second in the stop
#                 line's "to"; each minus the kernel's stop.
# Prints the medians, 90th percentiles and maxima, in milliseconds.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${1:-$(mktemp -d "${TMPDIR:-/tmp}/ktime.XXXXXX")}
mkdir -p "$out"
P=ctK$$
E=$top/t/e2e
PATH=$top/cmd:$PATH

cleanup() {
	"$E/natlab.sh" down "$P" >/dev/null 2>&1
}
trap cleanup EXIT

NATLAB_RTR_SYSCTL="net.netfilter.nf_conntrack_udp_timeout=3 net.netfilter.nf_conntrack_udp_timeout_stream=5 net.netfilter.nf_conntrack_tcp_timeout_time_wait=2 net.netfilter.nf_conntrack_tcp_timeout_close=1" \
    "$E/natlab.sh" up "$P" >"$out/lab.out" 2>&1 || { cat "$out/lab.out"; exit 1; }
rm -f "$out/server.jsonl"
ip netns exec "$P-srv" timeout 200 python3 "$E/flows.py" server \
    --log "$out/server.jsonl" --duration 190 >"$out/server.out" 2>&1 &
sleep 1
ip netns exec "$P-rtr" timeout 190 conntrack -E -eNEW,DESTROY --src-nat \
    -otimestamp,extended,id,ktimestamp --buffer-size=104857600 2>&1 |
    ctparse -i 0 >"$out/log.csv" 2>"$out/ctparse.err" &
ip netns exec "$P-rtr" timeout 190 conntrack -E -eNEW,DESTROY --src-nat \
    -oxml,ktimestamp,id --buffer-size=104857600 >"$out/xml" 2>/dev/null &
sleep 1
ip netns exec "$P-cli" timeout 150 python3 "$E/flows.py" client \
    --log "$out/client.jsonl" --seed 9 --flows 300 --spread 60 \
    >/dev/null 2>&1
# every flow's end: the timeouts, and the garbage collector's delay
sleep 90
for pid in $(ip netns pids "$P-rtr"); do
	[ "$(cat /proc/$pid/comm 2>/dev/null)" = conntrack ] && kill -TERM $pid
done
sleep 2
perl -e '
use strict; use warnings;
use POSIX qw(floor);
use Time::Local qw(timegm);
my ($xml, $log) = @ARGV;
sub ep {	# an ISO time of the log, UTC, as seconds
	my ($s) = @_;
	$s =~ /^(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)(\.\d+)?Z$/ or return undef;
	return timegm($6, $5, $4, $3, $2 - 1, $1) + ($7 // 0);
}
my (%kstart, %kstop);
open(my $x, "<", $xml) or die "$xml: $!";
while (<$x>) {	# one <flow type="..."> element a line
	next unless /<flow type="(new|destroy)">/;
	my ($id) = /<id>(\d+)<\/id>/ or next;
	my ($src, $dst) = /<meta direction="original">.*?<src>([^<]*)<\/src><dst>([^<]*)<\/dst>/;
	my ($sp) = /<meta direction="original">.*?<sport>(\d+)<\/sport>/;
	my $k = join(";", $id, $src // "", $sp // "", $dst // "");
	$kstart{$k} = $1 / 1e9 if /<timestamp><start>(\d+)<\/start>/;
	$kstop{$k} = $1 / 1e9 if /<stop>(\d+)<\/stop>/;
}
my (@es, @eb, @ea);
open(my $l, "<", $log) or die "$log: $!";
while (<$l>) {
	chomp;
	my @f = split /;/, $_, -1;
	next unless @f >= 16 && ($f[1] eq "start" || $f[1] eq "stop");
	my $k = join(";", $f[9], $f[3], $f[4], $f[5]);
	my $t = ep($f[0]) // next;
	if ($f[1] eq "start" && defined $kstart{$k}) {
		push @es, ($t - $kstart{$k}) * 1000;
	} elsif ($f[1] eq "stop" && defined $kstop{$k}) {
		push @eb, ($t - $kstop{$k}) * 1000;
		my $end = $t;
		my $kto = $f[15] ne "" ? ep($f[15]) : undef;
		$end = $kto + 1 - 1e-6 if defined $kto && $kto + 1 - 1e-6 < $end;
		push @ea, ($end - $kstop{$k}) * 1000;
	}
}
sub pct { my ($p, @v) = @_; @v = sort { $a <=> $b } @v; return @v ? $v[floor($p * $#v + 0.5)] : 0 }
for ([ "start (line time)", \@es ], [ "stop before (line time)", \@eb ],
    [ "stop after (kernel end)", \@ea ]) {
	my ($name, $v) = @$_;
	printf "%-26s flows %4d  median %8.1f ms  p90 %8.1f ms  max %8.1f ms\n",
	    $name, scalar @$v, pct(0.5, @$v), pct(0.9, @$v), pct(1, @$v);
}
' "$out/xml" "$out/log.csv" | tee "$out/result"
