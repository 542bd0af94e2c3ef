#!/usr/bin/perl
# ctparse.pl - the classic way: conntrack -E text to the CSV log, in Perl.
#
#	conntrack -E -eNEW,DESTROY --src-nat -otimestamp,extended,id |
#	    perl ctparse.pl > conntrack.csv
#
# Same schema as ctparse (lib/csv.h):
#	time;event;proto;src;sport;dst;dport;nat;natport;id;opkts;obytes;rpkts;rbytes
# This is the baseline of the benchmark (t/bench/run.sh): what a sysadmin
# would write, with nothing done for speed beyond the obvious.
use strict;
use warnings;
use POSIX qw(strftime);

my %event = (NEW => 'start', DESTROY => 'stop', UPDATE => 'update');
my ($lastsec, $lastiso) = (-1, '');

while (my $line = <>) {
	chomp $line;
	my ($sec, $usec, $ev, $rest) =
	    $line =~ /^\[(\d+)\.(\d+)\s*\]\s+\[(NEW|DESTROY|UPDATE)\]\s+(.*)$/
	    or do { warn "skipped: $line\n"; next };

	# ipv4 2 tcp 6 ...: the protocol is the second name
	my @w = split ' ', $rest;
	my $proto = $w[2];
	$proto = $w[3] if $proto eq 'unknown';

	# key=value pairs; src= starts a tuple: 1 original, 2 reply
	my %kv;
	my $tuple = 0;
	for my $w (@w) {
		my ($k, $v) = split /=/, $w, 2;
		next unless defined $v;
		$tuple++ if $k eq 'src';
		if ($tuple <= 2) {
			$kv{"$k$tuple"} //= $v;
		}
	}
	my ($id) = $rest =~ /\bid=(\d+)\s*$/;

	my ($sport, $dport, $natport);
	if ($proto eq 'icmp' || $proto eq 'icmpv6') {
		($sport, $dport, $natport) = ($kv{id1}, '', $kv{id2});
	} else {
		($sport, $dport, $natport) = ($kv{sport1}, $kv{dport1}, $kv{dport2});
	}

	if ($sec != $lastsec) {
		$lastiso = strftime('%Y-%m-%dT%H:%M:%S', gmtime $sec);
		$lastsec = $sec;
	}
	my $stop = $ev eq 'DESTROY';
	print join(';', sprintf('%s.%06dZ', $lastiso, $usec), $event{$ev},
	    $proto, $kv{src1}, $sport, $kv{dst1}, $dport, $kv{dst2},
	    $natport, $id // '',
	    map { $stop ? $_ // '' : '' } @kv{qw(packets1 bytes1 packets2 bytes2)}),
	    "\n";
}
