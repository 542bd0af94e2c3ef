#!/usr/bin/perl
# gencheck.pl - check what gen.pl promises, on ctparse's CSV of its output:
#	perl t/bench/gen.pl -n 1000000 | cmd/ctparse | perl t/bench/gencheck.pl
# Prints the mix (protocols, IPv6 share, NEW/DESTROY, flows left open, how
# long flows last, stamps stepping back) and counts problems: a conntrack
# id used twice, a DESTROY without its NEW or before it or with other
# fields, two open flows on one original tuple or on one reply tuple
# (protocol, NAT address:port, destination address:port).  Exit 1 on any.
use strict;
use warnings;
use Time::Local qw(timegm);

my (%open, %nat, %orig, %proto, %seenid, $v6, $n, $news, $dess, $back, $maxback, $prev, $first, $last, $bad, %dur, $maxdur);
$maxback = 0; $bad = 0;
my ($lasthead, $lastsec) = ('', 0);
sub us {	# 2026-11-27T00:00:00.007960Z: microseconds
	my ($head, $f) = $_[0] =~ /^(.{19})\.(\d{6})Z$/ or die "bad time $_[0]\n";
	if ($head ne $lasthead) {
		my ($y, $mo, $d, $h, $mi, $s) = split /[-T:]/, $head;
		($lasthead, $lastsec) = ($head, timegm($s, $mi, $h, $d, $mo - 1, $y));
	}
	return $lastsec * 1e6 + $f;
}
while (<STDIN>) {
  chomp; my @f = split /;/, $_, -1; $n++;
  my $t = us($f[0]); $first //= $t; $last = $t;
  if (defined $prev && $t < $prev) { $back++; $maxback = $prev - $t if $prev - $t > $maxback }
  $prev = $t if !defined $prev || $t > $prev;
  my ($ev,$p,$src,$sp,$dst,$dp,$nat,$np,$id) = @f[1..9];
  $v6++ if $src =~ /:/;
  my $kn = "$p $nat $np $dst $dp"; my $ko = "$p $src $sp $dst $dp";
  if ($ev eq 'start') {
    $news++; $proto{$p}++;
    $bad++, warn "dup id $id\n" if $seenid{$id}++;
    $bad++, warn "nat clash $kn at $f[0]\n" if $nat{$kn};
    $bad++, warn "orig clash $ko at $f[0]\n" if $orig{$ko};
    $nat{$kn} = 1; $orig{$ko} = 1; $open{$id} = [$t, $kn, $ko, join(';', @f[2..8])];
  } else {
    $dess++;
    my $o = delete $open{$id} or do { $bad++; warn "stop without start $id\n"; next };
    $bad++, warn "stop before start $id\n" if $t < $o->[0];
    $bad++, warn "fields differ $id\n" if $o->[3] ne join(';', @f[2..8]);
    delete $nat{$o->[1]}; delete $orig{$o->[2]};
    my $d = ($t - $o->[0]) / 1e6; $maxdur = $d if !$maxdur || $d > $maxdur;
    $dur{$d < 1 ? '<1s' : $d < 60 ? '<60s' : $d < 300 ? '<5m' : $d < 3600 ? '<1h' : '>=1h'}++;
  }
}
printf "lines %d  start %d  stop %d  open at end %d\n", $n, $news, $dess, scalar keys %open;
printf "proto %s\n", join ' ', map { sprintf "%s=%.2f%%", $_, 100*$proto{$_}/$news } sort keys %proto;
printf "v6 %.2f%%  span %.0f s  stepbacks %d (max %d us)  max dur %.0f s\n", 100*$v6/$n, ($last-$first)/1e6, $back//0, $maxback, $maxdur;
printf "durations %s\n", join ' ', map "$_=$dur{$_}", sort keys %dur;
print "problems: $bad\n";
exit($bad ? 1 : 0);
