#!/usr/bin/perl
# ctclaims.pl EVENTS LOG...: what a log claims against what it was given.
# EVENTS has a line "ID SEC.USEC" for every event the test wrote (its id=
# and its timestamp); the LOGs are ctparse's files, in order.  The rules
# are lib/cover.h's: an alive, end or snapshot record vouches for
# [from, t], a begin for its own instant; restart takes away (from, t],
# lost [from, t] (without from: the skew before t, here 1 s).
#
# Checks, each failure on stderr: every line is whole (a flow record or a
# coverage record of 16 fields); every event of EVENTS is in the log, or
# at a time the log does not cover; every alive and end record's from is
# its run's begin (the latest begin before it), so that a run never
# vouches for the time before it began.  Prints "N logged, M missing (not
# covered)" and exits 1 if a check failed.
use strict;
use warnings;
use Time::Local qw(timegm);

my $SKEW = 1_000_000;
my ($evfile, @logs) = @ARGV;
die "usage: ctclaims.pl EVENTS LOG...\n" unless defined $evfile && @logs;

sub usec {
	my ($s) = @_;
	$s =~ /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{6})Z$/ or return undef;
	return (timegm($6, $5, $4, $3, $2 - 1, $1) * 1_000_000) + $7;
}

my $bad = 0;
sub bad { print STDERR "ctclaims: @_\n"; $bad++ < 20 or exit 1; }

my (%logged, @vouch, @brk);
my $run;	# the time of the latest begin
for my $f (@logs) {
	open my $fh, '<', $f or die "$f: $!\n";
	while (my $l = <$fh>) {
		if ($l !~ /\n\z/) { bad("$f:$.: half a line: $l"); next }
		chomp $l;
		my @f = split /;/, $l, -1;
		if (@f != 16) { bad("$f:$.: not 16 fields: $l"); next }
		my $t = usec($f[0]);
		defined $t or do { bad("$f:$.: bad time: $l"); next };
		my $from = $f[14] eq '' ? undef : usec($f[14]);
		my $ev = $f[1];
		if ($ev =~ /^(start|stop|update|open)$/) {
			$f[2] ne '' && $f[9] =~ /^\d+$/ or bad("$f:$.: not a flow: $l");
			$logged{$f[9]}++ if $ev ne 'open';
			next;
		}
		join(';', @f[2 .. 8]) eq ';;;;;;' or bad("$f:$.: not a record: $l");
		if ($ev eq 'begin') {
			$run = $t;
			push @vouch, [$t, $t];
		} elsif ($ev =~ /^(alive|end|snapshot)$/) {
			defined $from or do { bad("$f:$.: no from: $l"); next };
			defined $run && $from == $run or
			    bad("$f:$.: from is not its run's begin: $l");
			push @vouch, [$from, $t];
		} elsif ($ev eq 'restart') {
			push @brk, [$from + 1, $t];
		} elsif ($ev eq 'lost') {
			push @brk, [defined $from ? $from : $t - $SKEW, $t];
		} else {
			bad("$f:$.: unknown record: $l");
		}
	}
	close $fh;
}

sub covered {
	my ($t) = @_;
	for (@brk) { return 0 if $t >= $_->[0] && $t <= $_->[1] }
	for (@vouch) { return 1 if $t >= $_->[0] && $t <= $_->[1] }
	return 0;
}

my ($n, $miss) = (0, 0);
open my $ev, '<', $evfile or die "$evfile: $!\n";
while (<$ev>) {
	my ($id, $ts) = split;
	$ts =~ /^(\d+)\.(\d{6})$/ or die "$evfile:$.: bad line\n";
	if ($logged{$id}) { $n++; next }
	$miss++;
	my $t = $1 * 1_000_000 + $2;
	bad("event $id at $ts is not in the log, but the log covers its time")
	    if covered($t);
}
print "$n logged, $miss missing (not covered)\n";
exit($bad ? 1 : 0);
