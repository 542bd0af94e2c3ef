#!/usr/bin/perl
# ctfeed.pl [-n COUNT] [-r RATE] [-p PAUSE] [-g GAP] [-i FIRSTID] LOG:
# conntrack -E NEW lines on standard output, as conntrack writes them to
# a pipe, each stamped with the wall clock; LOG gets "ID SEC.USEC" for
# each (the id and the timestamp in the line), before its line is out.
#
# Each line is written in pieces: its '[' first, and only then is the
# clock read for its timestamp, so that the timestamp is never earlier
# than the line's first byte in the pipe (a reader that found the pipe
# empty, holding no part of a line, at an instant, has read every line
# stamped before it).  With -p, the line stops halfway for PAUSE seconds
# (a slow writer: a reader sees half a line); -g sleeps GAP seconds
# between lines; -r writes about RATE lines a second (in groups of 50).
# Ends after COUNT lines (default: never) or when the pipe closes.
use strict;
use warnings;
use Getopt::Std;
use Time::HiRes qw(time sleep);

my %o;
getopts('n:r:p:g:i:', \%o) && @ARGV == 1 or
    die "usage: ctfeed.pl [-n COUNT] [-r RATE] [-p PAUSE] [-g GAP] [-i FIRSTID] LOG\n";
open my $log, '>>', $ARGV[0] or die "$ARGV[0]: $!\n";
$log->autoflush(1);
$SIG{PIPE} = sub { exit 0 };

sub out { my $s = shift; syswrite(STDOUT, $s) == length($s) or exit 0; }

my $id = $o{i} // 1;
my $t0 = time;
for (my $k = 0; !defined $o{n} || $k < $o{n}; $k++, $id++) {
	out('[');
	my $t = time;
	my $ts = sprintf '%d.%06d', int($t), ($t - int($t)) * 1e6;
	print $log "$id $ts\n";
	my $l = sprintf "%s]\t    [NEW] ipv4     2 udp      17 30 src=10.0.%d.%d " .
	    "dst=192.0.2.1 sport=%d dport=53 [UNREPLIED] src=192.0.2.1 " .
	    "dst=198.51.100.1 sport=53 dport=%d id=%d\n", $ts, $id / 250 % 250,
	    $id % 250 + 1, 1024 + $id % 60000, 2000 + $id % 60000, $id;
	if ($o{p}) {
		my $h = int(length($l) / 2);
		out(substr($l, 0, $h));
		sleep $o{p};
		out(substr($l, $h));
	} else {
		out($l);
	}
	sleep $o{g} if $o{g};
	if ($o{r} && $k % 50 == 49) {
		my $ahead = $t0 + ($k + 1) / $o{r} - time;
		sleep $ahead if $ahead > 0;
	}
}
