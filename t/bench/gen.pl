#!/usr/bin/perl
# gen.pl - seeded, deterministic generator of realistic conntrack event text,
# as printed by
#	conntrack -E -eNEW,DESTROY --src-nat -otimestamp,extended,id
# on a campus NAT gateway with accounting and timestamps on
# (nf_conntrack_acct=1, nf_conntrack_timestamp=1).
#
# usage: perl t/bench/gen.pl [-n EVENTS] [-s SEED] [-t START_EPOCH]
#	[-d SECONDS] [-i INSIDE_HOSTS] > data.txt
#
#   -n  total lines (default 1000000); exactly this many are printed
#   -s  seed (default 1): same seed and options, same bytes (perl >= 5.20,
#       whose rand() is drand48 on every platform)
#   -t  first second (default 1795737600 = 2026-11-27T00:00:00Z)
#   -d  seconds the flow starts are spread over (default 86400), with a
#       campus day/night profile; the output ends when -n lines are out,
#       which is about START+SECONDS when SECONDS is much longer than the
#       flows (a few minutes typically)
#   -i  inside hosts (default 5000)
#
# Profile: 62% tcp, 37% udp, 1% icmp; 5% IPv6 (NAT66 to one address).
# Line formats as in examples/sample/conntrack.txt (a real capture): a TCP
# DESTROY sometimes carries the timer left ("6 120 CLOSE", "6 118
# TIME_WAIT"), the NAT maps ICMP echo ids like ports.
# Every flow is a NEW line and, later, a DESTROY line with counters and
# delta-time; flows still open at the end have only their NEW.  Timestamps
# increase, except that now and then a line is stamped up to a few ms
# before the line above it (as conntrack's are: events from different
# CPUs).  NAT: inside hosts 10.A.B.C / fd00::/64 behind 192.76.8.20-27 and
# 2001:db8:ffff::1 (a host always gets the same address: SNAT --persistent),
# NAT ports random in 1024-65535 and reused over time, never by two open
# flows with the same protocol, NAT address:port and destination
# address:port.  Conntrack ids are unique 32-bit numbers.
#
# Speed: flows are made a time bucket at a time (a few thousand lines);
# each line starts with its fixed-width timestamp, so a plain string sort
# puts a bucket in time order.  DESTROY lines wait in the bucket they fall
# in.  About 100,000 lines/s (CPU) on a 2-vCPU VM: Perl spends ~1 us
# building each line alone, so this is as fast as a clear generator goes.
use strict;
use warnings;
use Getopt::Std;

my %o;
getopts('n:s:t:d:i:h', \%o) or usage();
usage() if $o{h} || @ARGV;
my $N = $o{n} // 1_000_000;
my $SEED = $o{s} // 1;
my $T0 = $o{t} // 1795737600;
my $DUR = $o{d} // 86400;
my $NHOST = $o{i} // 5000;
for ([n => $N], [s => $SEED], [t => $T0], [d => $DUR], [i => $NHOST]) {
	usage() unless $_->[1] =~ /^\d+$/;
}
usage() if $DUR < 1 || $NHOST < 1 || $NHOST > 1_000_000
    || $T0 < 1_000_000_000 || $T0 + $DUR + 864000 > 9_999_999_999;

sub usage {
	print STDERR "usage: gen.pl [-n events] [-s seed] [-t start_epoch] "
	    . "[-d seconds] [-i inside_hosts]\n";
	exit 2;
}

srand($SEED);
my $U = 1_000_000;	# microseconds
my $T0U = $T0 * $U;	# lines carry $T0U + t: 16 digits

# ---- addresses ----------------------------------------------------------

my (@h4, @h6, @hnat, @hplo, @hpspan, @hport);
{
	my %seen;
	for my $i (0 .. $NHOST - 1) {
		my $a;
		do {
			$a = sprintf "10.%d.%d.%d", 1 + int(rand 48),
			    int(rand 256), 1 + int(rand 254);
		} while $seen{$a}++;
		push @h4, $a;
		push @h6, sprintf "fd00::%x:%x:%x:%x", 1 + int(rand 0xffff),
		    1 + int(rand 0xffff), 1 + int(rand 0xffff),
		    1 + int(rand 0xffff);
		push @hnat, "192.76.8." . (20 + $i % 8);
		# Linux 32768-60999, others 49152-65535
		if (rand() < 0.6) {
			push @hplo, 32768; push @hpspan, 28232;
		} else {
			push @hplo, 49152; push @hpspan, 16384;
		}
		push @hport, int(rand $hpspan[-1]);
	}
}
my $NAT6 = '2001:db8:ffff::1';

sub pubv4 {
	for (;;) {
		my ($a, $b) = (1 + int(rand 223), int(rand 256));
		next if $a == 10 || $a == 127 || $a == 0
		    || ($a == 100 && $b >= 64 && $b < 128)
		    || ($a == 169 && $b == 254) || ($a == 172 && $b >= 16 && $b < 32)
		    || ($a == 192 && $b == 168) || ($a == 192 && $b == 76);
		return sprintf "%d.%d.%d.%d", $a, $b, int(rand 256),
		    1 + int(rand 254);
	}
}
sub pubv6 {
	return sprintf "2001:db8:%x:%x::%x", 1 + int(rand 0xfffe),
	    1 + int(rand 0xffff), 1 + int(rand 0xffff);
}
# destinations: popularity is skewed (a few big services, a long tail)
my @d4 = map { pubv4() } 1 .. 40000;
my @d6 = map { pubv6() } 1 .. 4000;
my @dns4 = map { pubv4() } 1 .. 4;
my @dns6 = map { pubv6() } 1 .. 2;
my @ntp4 = map { pubv4() } 1 .. 8;
my @ntp6 = map { pubv6() } 1 .. 4;

# ---- ports ---------------------------------------------------------------

sub table {	# [weight, value] ... -> 1024 slots, for int(rand 1024)
	my @t;
	for (@_) {
		push @t, ($_->[1]) x int($_->[0] * 1024 + 0.5);
	}
	push @t, $t[-1] while @t < 1024;
	return [ @t[0 .. 1023] ];
}
# 0 means a random high port
my $TCPWEB = table([.80, 443], [.16, 80], [.02, 8080], [.02, 8443]);
my $TCPLONG = table([.45, 443], [.25, 993], [.12, 22], [.08, 5228],
    [.05, 5222], [.05, 3389]);
my $TCPOTHER = table([.30, 443], [.20, 80], [.10, 22], [.08, 587],
    [.05, 465], [.05, 993], [.05, 21], [.17, 0]);
my $UDPAS = table([.30, 3478], [.20, 19302], [.20, 4500], [.15, 51820],
    [.10, 1194], [.05, 0]);
my $UDPUN = table([.30, 443], [.20, 1900], [.15, 3478], [.10, 500],
    [.10, 161], [.15, 0]);

# ---- the day's profile ---------------------------------------------------

my @HOURW = (0.25, 0.20, 0.15, 0.15, 0.15, 0.20, 0.35, 0.60, 1.00, 1.40,
    1.60, 1.60, 1.50, 1.60, 1.60, 1.50, 1.40, 1.20, 1.00, 0.90, 0.80, 0.70,
    0.50, 0.35);
sub hourw { $HOURW[int(($_[0] % 86400) / 3600)] }
my $wsum = 0;
my $wn = 0;
for (my $s = 0; $s < $DUR; $s += 60) {
	$wsum += hourw($T0 + $s);
	$wn++;
}
my $wavg = $wsum / $wn;
# flows per microsecond at weight 1: N/2 flows over DUR on average
my $RATE = $N / 2 / ($DUR * $U) / $wavg;
# buckets of about 4096 lines
my $W = int($DUR * $U * 4096 / ($N || 1));
$W = 1000 if $W < 1000;
$W = 60 * $U if $W > 60 * $U;

# ---- conntrack ids: a bijection of a counter onto 32 bits ----------------

my $idc = int(rand 0x7fffffff);
my $ida = 2 * int(rand 0x3fffffff) + 1;
my $idb = 2 * int(rand 0x3fffffff) + 1;
sub ctid {
	my $x = ($idc++ * $ida) & 0xffffffff;
	$x ^= $x >> 15;
	$x = ($x * $idb) & 0xffffffff;
	return $x ^ ($x >> 13);
}

# ---- lines ---------------------------------------------------------------

my %L3 = (4 => 'ipv4     2 ', 6 => 'ipv6     10 ');

# open flows by reply tuple (and original tuple): the time the slot is free
# again.  Entries are dropped lazily: a stale one simply counts as free.
my %busy;
my $nbusy = 0;
my $busymax = 65536;

my @pend;	# DESTROY lines by bucket
my $out = '';
my $left = $N;
my $acc = 0;

for (my $b = 0; $left > 0; $b++) {
	my $bt = $b * $W;	# bucket start, us after T0
	$acc += $RATE * $W * hourw($T0 + int($bt / $U));
	my $nf = int($acc);
	$acc -= $nf;
	my @l;
	if ($nbusy > $busymax) {	# drop stale slots: a small hash is fast
		while (my ($k, $v) = each %busy) {
			delete $busy{$k} if $v <= $bt;
		}
		$nbusy = keys %busy;
		$busymax = 4 * $nbusy > 65536 ? 4 * $nbusy : 65536;
	}
	for (1 .. $nf) {
		my $t = $bt + int(rand $W);
		my $h = int($NHOST * rand() ** 3);
		my $v6 = rand() < 0.05;
		my ($src, $nat, $dst, $l3) = $v6 ?
		    ($h6[$h], $NAT6, undef, $L3{6}) :
		    ($h4[$h], $hnat[$h], undef, $L3{4});
		my $r = rand();
		my $ob = $v6 ? 60 : 40;	# IP + TCP header
		my ($dport, $l4n, $l4d, $dur, $un, $as, $op, $obytes, $rp,
		    $rbytes);
		if ($r < 0.62) {		# tcp
			$l4n = 'tcp      6 120 SYN_SENT';
			my $c = rand();
			my $state;
			my $port;
			if ($c < 0.70) {	# web: close, TIME_WAIT
				$port = $TCPWEB->[rand 1024];
				my $act = rand() < 0.9 ? 0.05 * exp(rand() * 7)
				    : exp(rand() * 9);
				$dur = $act + 120;
				$state = 'TIME_WAIT';
				if (rand() < 0.03) {	# ended early (port reuse):
					my $rem = 100 + int(rand 20);	# timer left
					$dur = $act + 120 - $rem;
					$state = "$rem TIME_WAIT";
				}
				$as = '[ASSURED] ';
			} elsif ($c < 0.80) {	# reset
				$port = $TCPOTHER->[rand 1024];
				$dur = 0.01 * exp(rand() * 8) + 10;
				$state = 'CLOSE';
				$as = '[ASSURED] ';
			} elsif ($c < 0.86) {	# refused: RST to the SYN
				$port = $TCPOTHER->[rand 1024];
				$dur = 0.01 + rand() * rand() * 0.5;
				# seen both ways in real captures
				$state = rand() < 0.5 ? '120 CLOSE' : 'CLOSE';
				$un = '[UNREPLIED] ';
				($op, $obytes, $rp, $rbytes) =
				    (1, $ob + 20, 1, $ob);
			} elsif ($c < 0.94) {	# no answer
				$port = $TCPOTHER->[rand 1024];
				$dur = 120 + rand 64;
				$state = 'SYN_SENT';
				$un = '[UNREPLIED] ';
				$op = 1 + int(rand 6);
				($obytes, $rp, $rbytes) =
				    ($op * ($ob + 20), 0, 0);
			} else {		# long: ssh, imap, push ...
				$port = $TCPLONG->[rand 1024];
				my $act = exp(rand() * 10.5);
				if (rand() < 0.8) {
					$dur = $act + 120;
					$state = 'TIME_WAIT';
				} else {
					$dur = $act + 10;
					$state = 'CLOSE';
				}
				$as = '[ASSURED] ';
			}
			$dport = $port || 1024 + int(rand 64512);
			$l4d = "tcp      6 $state";
			unless (defined $op) {
				$op = 4 + int(exp(rand() * rand() * 12));
				$rp = 2 + int($op * (0.5 + rand()));
				$obytes = $op * $ob + int($op * rand() * 200);
				$rbytes = $rp * $ob
				    + int($rp * rand() * ($v6 ? 1220 : 1440));
			}
		} elsif ($r < 0.99) {	# udp
			$l4n = 'udp      17 30';
			$l4d = 'udp      17';
			my $c = rand();
			$ob = $v6 ? 48 : 28;	# IP + UDP header
			if ($c < 0.35) {	# dns: one query, one answer
				$dst = $v6 ? $dns6[rand @dns6] : $dns4[rand @dns4];
				$dport = 53;
				$dur = 30 + rand() * rand() * 0.2;
				($op, $obytes, $rp, $rbytes) = (1,
				    $ob + 20 + int(rand 60), 1,
				    $ob + 40 + int(rand() * rand() * 1200));
			} elsif ($c < 0.70) {	# quic
				$dport = 443;
				$dur = 0.05 * exp(rand() * 8) + 120;
				$as = '[ASSURED] ';
			} elsif ($c < 0.75) {	# ntp
				$dst = $v6 ? $ntp6[rand @ntp6] : $ntp4[rand @ntp4];
				$dport = 123;
				$dur = 30 + rand() * 0.1;
				($op, $obytes, $rp, $rbytes) =
				    (1, $ob + 48, 1, $ob + 48);
			} elsif ($c < 0.85) {	# stun, ipsec, vpn ...
				$dport = $UDPAS->[rand 1024]
				    || 1024 + int(rand 64512);
				$dur = exp(rand() * 9.5) + 120;
				$as = '[ASSURED] ';
			} else {		# no answer
				$dport = $UDPUN->[rand 1024]
				    || 1024 + int(rand 64512);
				$dur = 30 + rand 3;
				$un = '[UNREPLIED] ';
				$op = 1 + int(rand() * rand() * 4);
				($obytes, $rp, $rbytes) =
				    ($op * ($ob + int(rand 100)), 0, 0);
			}
			unless (defined $op) {
				$op = 2 + int(exp(rand() * rand() * 12));
				$rp = 1 + int($op * (0.3 + 1.5 * rand()));
				$obytes = $op * $ob + int($op * rand() * 400);
				$rbytes = $rp * $ob
				    + int($rp * rand() * ($v6 ? 1232 : 1252));
			}
		} else {		# icmp / icmpv6 echo
			$dst = $v6 ? $d6[@d6 * rand() ** 2]
			    : $d4[@d4 * rand() ** 2];
			my $iid = int(rand 65536);
			my $nid = int(rand 65536);	# NAT maps the echo id too
			my $k = "i $nat $nid $dst";
			if (($busy{$k} // 0) > $t) {
				$nid = int(rand 65536), $k = "i $nat $nid $dst"
				    while ($busy{$k} // 0) > $t;
			}
			my $n = 1 + int(rand() * rand() * 20);
			my $len = ($v6 ? 104 : 84);	# ping's 56 bytes
			$dur = $n + 30;
			($op, $obytes) = ($n, $n * $len);
			if (rand() < 0.15) {
				$un = '[UNREPLIED] ';
				($rp, $rbytes) = (0, 0);
			} else {
				($rp, $rbytes) = ($n, $n * $len);
			}
			my $te = $t + int($dur * $U);
			$busy{$k} = $te + 10000;
			$nbusy++;
			my $id = ctid();
			my ($l4, $rq, $rr) = $v6 ? ('icmpv6   58', 128, 129)
			    : ('icmp     1', 8, 0);
			my $ts = $T0U + $t;
			my $tes = $T0U + $te;
			push @l, '[' . substr($ts, 0, 10) . '.' . substr($ts, 10)
			    . "]\t    [NEW] $l3$l4 30 src=$src dst=$dst type=$rq code=0 "
			    . "id=$iid [UNREPLIED] src=$dst dst=$nat type=$rr code=0 "
			    . "id=$nid id=$id";
			push @{ $pend[int($te / $W)] }, '[' . substr($tes, 0, 10) . '.'
			    . substr($tes, 10) . "]\t[DESTROY] $l3$l4 src=$src dst=$dst "
			    . "type=$rq code=0 id=$iid packets=$op bytes=$obytes "
			    . ($un // '') . "src=$dst dst=$nat type=$rr code=0 id=$nid "
			    . "packets=$rp bytes=$rbytes delta-time="
			    . int(($te - $t) / $U) . " id=$id";
			next;
		}
		$dst //= $v6 ? $d6[@d6 * rand() ** 3] : $d4[@d4 * rand() ** 3];
		my $p = $l4d eq 'udp      17' ? 'u' : 't';
		my $te = $t + int($dur * $U);
		# source port: the host's next ephemeral port, unless in use
		my ($sport, $k);
		do {
			$hport[$h] = ($hport[$h] + 1 + int(rand 8)) % $hpspan[$h];
			$sport = $hplo[$h] + $hport[$h];
			$k = "$p $src $sport $dst $dport";
		} while (($busy{$k} // 0) > $t);
		$busy{$k} = $te + 10000;
		# NAT port: random, unless in use towards this destination
		my ($np, $kn);
		do {
			$np = 1024 + int(rand 64512);
			$kn = "$p $nat $np $dst $dport";
		} while (($busy{$kn} // 0) > $t);
		$busy{$kn} = $te + 10000;
		$nbusy += 2;
		my $id = ctid();
		my $ts = $T0U + $t;
		my $tes = $T0U + $te;
		push @l, '[' . substr($ts, 0, 10) . '.' . substr($ts, 10)
		    . "]\t    [NEW] $l3$l4n src=$src dst=$dst sport=$sport "
		    . "dport=$dport [UNREPLIED] src=$dst dst=$nat sport=$dport "
		    . "dport=$np id=$id";
		push @{ $pend[int($te / $W)] }, '[' . substr($tes, 0, 10) . '.'
		    . substr($tes, 10) . "]\t[DESTROY] $l3$l4d src=$src dst=$dst "
		    . "sport=$sport dport=$dport packets=$op bytes=$obytes "
		    . ($un // '') . "src=$dst dst=$nat sport=$dport dport=$np "
		    . "packets=$rp bytes=$rbytes " . ($as // '') . 'delta-time='
		    . int(($te - $t) / $U) . " id=$id";
	}
	push @l, @{ $pend[$b] } if $pend[$b];
	$pend[$b] = undef;
	@l = sort @l;
	# conntrack's stamps step back now and then: a line stamped up to
	# 3 ms before the one above it (moved back 5 ms at most, less than
	# any flow lasts, so a DESTROY never comes before its NEW)
	for (1 .. int(@l / 1000 + rand())) {
		my $i = 1 + int(rand(@l - 1));
		next if $i >= @l;
		my $p = substr($l[$i - 1], 1, 17);
		my $c = substr($l[$i], 1, 17);
		$p =~ tr/.//d;
		$c =~ tr/.//d;
		my $n = $p - 1 - int(rand 3000);
		next if $c - $n > 5000;
		substr($l[$i], 1, 17) = sprintf "%u.%06u", int($n / $U), $n % $U;
	}
	if (@l >= $left) {
		$#l = $left - 1;
		$left = 0;
	} else {
		$left -= @l;
	}
	$out .= join("\n", @l) . "\n" if @l;
	if (length($out) > 1 << 20 || $left == 0) {
		print $out or die "gen.pl: write error: $!\n";
		$out = '';
	}
}
close STDOUT or die "gen.pl: write error: $!\n";
