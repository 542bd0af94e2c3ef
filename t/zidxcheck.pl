#!/usr/bin/perl
# zidxcheck.pl PLAIN COMPRESSED INDEX [DECOMPRESSOR]: re-read every block an
# index of ctzip(1) names and check it: the member at COFF/CLEN decompresses
# alone to the text at UOFF/ULEN of PLAIN, which has LINES lines and these
# first, last, least and greatest times (all times in the log are UTC 'Z',
# as gen.pl writes them) and its begin, end, snapshot, restart and lost
# records (version 4; version 5: and the other lines holding ";;;;;;;;"),
# in order; versions 5 and 6: its key filter, the keys of its lines exactly; the
# hash and the sizes; a well-formed key table (zidxtool.pl check; which
# keys is checked by ctzip-filter.bats).
# Prints "ok N".
use strict;
use warnings;
no warnings 'portable';	# 64-bit hex
use Time::Local qw(timegm);

sub fnv {
	my ($h, $s) = @_;
	use integer;	# 64-bit wrapping multiply
	for my $b (unpack 'C*', $s) { $h ^= $b; $h *= 0x100000001b3; }
	return $h;
}

# srl: logical right shift of a 64-bit value held in a (signed) integer
sub srl { my ($z, $k) = @_; use integer; ($z >> $k) & ((1 << (64 - $k)) - 1) }

# fval: a key's value in block i's filter (zidx.h): splitmix64's
# finaliser, modulo range (below 2^32 here)
sub fval {
	my ($kh, $i, $range) = @_;
	my $z;
	{
		use integer;
		$z = $kh ^ (($i + 1) * 0x9e3779b97f4a7c15);
		$z = ($z ^ srl($z, 30)) * 0xbf58476d1ce4e5b9;
		$z = ($z ^ srl($z, 27)) * 0x94d049bb133111eb;
		$z ^= srl($z, 31);
	}
	my ($hi, $lo) = (srl($z, 32), $z & 0xffffffff);
	return (($hi % $range) * 4294967296 + $lo) % $range;
}

# rice: n values from a Rice code of parameter r (sums of differences)
sub rice {
	my ($c, $n, $r) = @_;
	my $bits = unpack('B*', $c);
	my ($at, $v, @v) = (0, 0);
	for (1 .. $n) {
		my $q = 0;
		$q++, $at++ while substr($bits, $at, 1) eq '1';
		$at++;
		$v += $q * (1 << $r) + oct('0b' . substr($bits, $at, $r));
		$at += $r;
		push @v, $v;
	}
	return @v;
}

my ($plain, $z, $idx, $dec) = @ARGV;
$dec //= 'gzip -dc';
sub slurp { local $/; open(my $f, '<:raw', $_[0]) or die "$_[0]: $!"; <$f> // '' }
my ($p, $c, $x) = (slurp($plain), slurp($z), slurp($idx));
# the head, up to its hash line, then the key table (zidxtool.pl check)
$x =~ /\A(.*?\n)(fnv1a64 [0-9a-f]{16})\n/s or die "no hash line\n";
my ($body, $sum) = ($1, $2);
my @l = split /\n/, $body, -1;
pop @l;		# after the last newline
pop @l;		# the counts of the key table's buckets
my $h = 0xcbf29ce484222325;
{
	use integer;	# 64-bit wrapping multiply
	for my $b (unpack 'C*', $body) { $h ^= $b; $h *= 0x100000001b3; }
}
$sum eq sprintf('fnv1a64 %016x', $h) or die "hash: $sum\n";
my @hd = split / /, shift @l;
$hd[0] eq 'ctzip-index' && ($hd[1] == 4 && @hd == 9 || $hd[1] == 5 && @hd == 11 ||
    $hd[1] == 6 && @hd == 12) && $hd[5] =~ /^\d+$/ or die "header\n";
my $v5 = $hd[1] >= 5;	# the filters (version 5 and 6)
my ($fbits, $filt, $fat) = ($hd[9], $v5 ? substr($x, length($x) - $hd[10]) : '', 0);
my @rec = splice(@l, $hd[4]);
@rec == $hd[8] or die "records: ", scalar(@rec), ", header $hd[8]\n";
$hd[2] == length($p) && $hd[3] == length($c) && $hd[4] == @l or die "sizes\n";
(my $tool = $0) =~ s/zidxcheck\.pl$/zidxtool.pl/;
open(my $ck, '-|', 'perl', $tool, 'check', $idx) or die "$tool: $!";
my $ckout = do { local $/; <$ck> };
close($ck) && $ckout =~ /^ok \d+$/ or die "key table\n";
my ($co, $uo, $bn) = (0, 0, 0);
my @want;	# the records the blocks hold, "BLOCK LINE"
for my $r (@l) {
	my ($coff, $clen, $uoff, $ulen, $n, @t) = split / /, $r;
	my ($nk, $fl) = $v5 ? splice(@t, 4) : ();
	@t == 4 or die "block line: $r\n";
	$coff == $co && $uoff == $uo or die "not contiguous: $r\n";
	my $text = substr($p, $uoff, $ulen);
	open(my $o, '>:raw', "$idx.member") or die; print $o substr($c, $coff, $clen); close $o;
	my $d = `$dec <'$idx.member'`;
	$d eq $text or die "block at $coff does not decompress to its text\n";
	my (@times, %keys, $long);
	for my $line (split /\n/, $text) {
		my @f = split /;/, $line, -1;
		my $v4 = @f >= 14 && $f[1] =~ /^(begin|end|snapshot|restart|lost)$/;
		push @want, "$bn $line"
		    if $v4 || $v5 && length($line) < 4096 && index($line, ';;;;;;;;') >= 0;
		$keys{"$f[7];$f[8]"} = 1 if @f >= 10;
		$long = 1 if length($line) >= 4096;
		push @times, timegm($6, $5, $4, $3, $2 - 1, $1) * 1000000 + $7
		    if $line =~ /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{6})Z;/;
	}
	my $lines = () = $text =~ /\n/g;
	$lines++ if length($text) && substr($text, -1) ne "\n";
	$n == $lines or die "lines $n, want $lines\n";
	my @s = sort { $a <=> $b } @times;
	my $want = @times ? "$times[0] $times[-1] $s[0] $s[-1]" : '- - - -';
	"@t" eq $want or die "times [@t], want [$want]\n";
	if ($v5) {	# the key filter: exactly the block's keys (zidx.h)
		if ($long) {
			"$nk $fl" eq '- -' or die "block $bn: a filter, with a long line\n";
		} else {
			my @k = keys %keys;
			$nk == @k or die "block $bn: NKF $nk, want ", scalar(@k), "\n";
			my $code = substr($filt, $fat, $fl);
			$fat += $fl;
			if ($nk > 0) {
				sprintf('%016x', unpack('Q<', substr($code, 0, 8))) eq sprintf('%016x',
				    fnv(0xcbf29ce484222325 ^ (0x8000000000000000 | $bn), substr($code, 8)))
				    or die "block $bn: filter hash\n";
				my $range = $nk << $fbits;
				my @v = sort { $a <=> $b } map { fval(fnv(0xcbf29ce484222325, $_), $bn, $range) } @k;
				my @got = rice(substr($code, 8), $nk, $fbits);
				"@got" eq "@v" or die "block $bn: filter values\n";
			} else {
				$fl == 0 or die "block $bn: FLEN $fl for no key\n";
			}
		}
	}
	$co += $clen;
	$uo += $ulen;
	$bn++;
}
join("\n", @rec) eq join("\n", @want) or die "records differ\n";
!$v5 || $fat == length($filt) or die "filters do not tile FSIZE\n";
unlink "$idx.member";
$co == length($c) && $uo == length($p) or die "blocks do not cover the files\n";
print "ok ", scalar(@l), "\n";
