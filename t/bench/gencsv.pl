#!/usr/bin/perl
# gencsv.pl - realistic ctparse CSV (schema in lib/csv.h) for benchmarks.
#
#	perl t/bench/gencsv.pl BYTES [SEED] > day.csv
#
# Times increase from 2026-11-27T00:00:00Z over one day; 62% tcp, 37% udp,
# 1% icmp; 5% IPv6; inside hosts 10.x.y.z; six public NAT addresses (and one
# IPv6 NAT66 prefix address); random ports; start and stop events in equal
# numbers, stop events with counters.  Used when t/bench/gen.pl (conntrack
# text through ctparse) is not available.
use strict;
use warnings;

my $want = shift // 1 << 30;
srand(shift // 1);
my @nat4 = map { "203.0.113.$_" } (5, 17, 33, 65, 129, 200);
my @nat6 = ('2001:db8::1', '2001:db8::2');
my @dport = (443, 443, 443, 443, 80, 80, 22, 993, 8080, 5222);
my @uport = (53, 53, 53, 123, 443, 443, 3478, 500, 4500, 1194);
my ($t, $len, $id, $buf) = (1795737600 * 1e6, 0, 3000000000, '');
my $step = 86400e6 / ($want / 125);	# about 125 bytes a line
while ($len < $want) {
	$t += rand(2 * $step);
	my $s = int($t / 1e6);
	my ($sec, $min, $hour, $mday) = gmtime($s);
	my $ts = sprintf("2026-11-%02dT%02d:%02d:%02d.%06dZ", $mday, $hour,
	    $min, $sec, $t % 1e6);
	my $r = rand(100);
	my $proto = $r < 62 ? 'tcp' : $r < 99 ? 'udp' : 'icmp';
	my ($src, $dst, $nat);
	if (rand(100) < 5) {
		$src = sprintf("2001:db8:1:%x::%x", rand(256), 1 + rand(65535));
		$dst = sprintf("2a00:1450:4001:%x::%x", rand(4096), rand(65536));
		$nat = $nat6[rand @nat6];
	} else {
		$src = sprintf("10.%d.%d.%d", rand(32), rand(256), 1 + rand(254));
		$dst = sprintf("%d.%d.%d.%d", 1 + rand(223), rand(256),
		    rand(256), 1 + rand(254));
		$nat = $nat4[rand @nat4];
	}
	my ($sport, $dp, $natport);
	if ($proto eq 'icmp') {
		($sport, $dp, $natport) = (int(rand(65536)), 0, int(rand(65536)));
	} else {
		$sport = 32768 + int(rand(28232));
		$dp = $proto eq 'tcp' ? $dport[rand @dport] : $uport[rand @uport];
		$natport = 1024 + int(rand(64512));
	}
	$id++;
	my $c = '';
	my $ev = rand() < 0.5 ? 'start' : 'stop';
	if ($ev eq 'stop') {
		my $op = 1 + int(rand(rand() < 0.9 ? 20 : 100000));
		my $rp = int(rand(2 * $op));
		$c = join(';', $op, $op * (40 + int(rand(1400))), $rp,
		    $rp * (40 + int(rand(1400))));
	} else {
		$c = ';;;';
	}
	my $l = "$ts;$ev;$proto;$src;$sport;$dst;$dp;$nat;$natport;$id;$c\n";
	$buf .= $l;
	$len += length $l;
	if (length $buf > 1 << 20) {
		print $buf;
		$buf = '';
	}
}
print $buf;
