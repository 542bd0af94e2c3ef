#!/usr/bin/perl
# zidxtool.pl: read and rewrite ctzip(1) indexes (lib/zidx.h) for tests,
# independently of lib/zidx.c.
#
#   zidxtool.pl keys IDX N     the fingerprints naming block N, sorted,
#                              one a line (8 hex digits); version 6:
#                              each followed by a blank and its UNTIL
#                              in steps (2 hex digits: ff never)
#   zidxtool.pl records IDX    the records of a version 4 index, one a
#                              line: "BLOCK RECORD"
#   zidxtool.pl old V <IDX     the same index as version V (1 to 5)
#   zidxtool.pl drop FP N <IDX the same index without the entry of
#                              fingerprint FP (8 hex digits) and block N
#                              (a test that a missing mark is seen)
#   zidxtool.pl rehash <IDX    the hashes redone (head and every bucket),
#                              after a test changed something on purpose
#   zidxtool.pl check IDX      exit 0 if IDX is a well-formed version 3,
#                              4, 5 or 6 index: hashes, counts, buckets,
#                              order, records (the filters: zidxcheck.pl)
use strict;
use warnings;
no warnings 'portable';	# 64-bit hex

sub fnv {
	my ($h, $s) = @_;
	use integer;	# 64-bit wrapping multiply
	for my $b (unpack 'C*', $s) { $h ^= $b; $h *= 0x100000001b3; }
	return $h;
}
my $H0 = 0xcbf29ce484222325;

# parse: (header fields, block lines, counts, bucket lines, head, hash,
# records, version 5: block filters' "NKF FLEN", the filter section) of
# version 3, 4 or 5 (a version 3 index has no records); the block lines
# without NKF FLEN
sub parse {
	my ($x) = @_;
	$x =~ /\A(.*?\n)fnv1a64 ([0-9a-f]{16})\n(.*)\z/s or die "no hash line\n";
	my ($head, $sum, $table) = ($1, $2, $3);
	my @l = split /\n/, $head, -1;
	pop @l;		# after the last newline
	my @hd = split / /, shift @l;
	$hd[0] eq 'ctzip-index' && ($hd[1] == 3 && @hd == 8 || $hd[1] == 4 && @hd == 9 ||
	    $hd[1] == 5 && @hd == 11 || $hd[1] == 6 && @hd == 12) or die "header\n";
	my @cnt = split / /, pop @l;
	my @rec = $hd[1] >= 4 ? splice(@l, $hd[4]) : ();
	@l == $hd[4] && @cnt == $hd[7] or die "counts\n";
	@rec == ($hd[8] // 0) or die "records\n";
	my (@nf, $filt);
	if ($hd[1] >= 5) {
		for (@l) { s/ (\S+ \S+)$// or die "block line\n"; push @nf, $1 }
		length($table) >= $hd[10] or die "filters\n";
		$filt = substr($table, length($table) - $hd[10]);
		$table = substr($table, 0, length($table) - $hd[10]);
	}
	my @b = split /\n/, $table, -1;
	pop @b;		# after the last newline
	@b == @cnt or die "buckets\n";
	return (\@hd, \@l, \@cnt, \@b, $head, $sum, \@rec, \@nf, $filt);
}

# v4rec: a record that version 4 keeps too ("BLOCK RECORD")
sub v4rec { $_[0] =~ /^\d+ [^;]*;(begin|end|snapshot|restart|lost)(;[^;]*){12}/ }

sub bw {
	my ($n) = @_;
	my $w = 1;
	for ($n = $n > 0 ? $n - 1 : 0; $n > 15; $n >>= 4) { $w++ }
	return $w;
}

# shift: the bits of a fingerprint below its bucket's, of nbkt buckets
sub bshift {
	my ($nbkt) = @_;
	my $s = 32;
	for (; $nbkt > 1; $nbkt >>= 1) { $s-- }
	return $s;
}

# entries: bucket j's line -> list of [fp, block, until]: the bucket gives
# the top bits of the fingerprint, the entry its low 4 * fw bits (zidx.h);
# version 6 (u = 2): 2 hex digits of UNTIL after the block, else undef
sub entries {
	my ($line, $j, $nbkt, $w, $u) = @_;
	my $s = bshift($nbkt);
	my $fw = int(($s + 3) / 4);
	my $e = substr($line, 16);
	$u //= 0;
	return map {
		my $low = hex(substr($_, 0, $fw));
		my $fp = ($s >= 32 ? 0 : $j << $s) | ($low & ((1 << $s) - 1));
		($fp & ((1 << (4 * $fw)) - 1)) == $low or die "bucket $j: bits disagree\n";
		[$fp, hex(substr($_, $fw, $w)), $u ? substr($_, $fw + $w, $u) : undef]
	} unpack "(A" . ($fw + $w + $u) . ")*", $e;
}

# uw: the UNTIL digits of an entry of version v
sub uw { $_[0] >= 6 ? 2 : 0 }

# strip: the bucket lines without the UNTIL digits (version 6), rehashed
sub strip {
	my ($b, $hd) = @_;
	my $u = uw($hd->[1]);
	return @$b if !$u;
	my $w = bw($hd->[4]);
	my $s = bshift(scalar(@$b));
	my $ew = int(($s + 3) / 4) + $w;
	return map {
		my $e = join('', map { substr($_, 0, $ew) } unpack("(A" . ($ew + $u) . ")*", substr($b->[$_], 16)));
		sprintf("%016x%s", fnv($H0 ^ $_, $e), $e)
	} 0 .. $#$b;
}

sub slurp { local $/; open(my $f, '<:raw', $_[0]) or die "$_[0]: $!"; <$f> // '' }

my $cmd = shift // die "usage\n";
if ($cmd eq 'keys') {
	my ($idx, $n) = @ARGV;
	my ($hd, $bl, $cnt, $b) = parse(slurp($idx));
	my $w = bw($hd->[4]);
	my @k;
	for my $j (0 .. $#$b) {
		push @k, map { sprintf("%08x", $_->[0]) . (defined $_->[2] ? " $_->[2]" : '') }
		    grep { $_->[1] == $n } entries($b->[$j], $j, scalar(@$b), $w, uw($hd->[1]));
	}
	print "$_\n" for sort @k;
} elsif ($cmd eq 'records') {
	my ($hd, $bl, $cnt, $b, $head, $sum, $rec) = parse(slurp($ARGV[0]));
	print "$_\n" for @$rec;
} elsif ($cmd eq 'old' && $ARGV[0] == 5) {
	# version 5: no UNIT, no UNTIL digits (from a version 6 index)
	my $x = do { local $/; <STDIN> };
	my ($hd, $bl, $cnt, $b, $head, $sum, $rec, $nf, $filt) = parse($x);
	$hd->[1] == 6 or die "not version 6\n";
	my $h = "ctzip-index 5 @$hd[2 .. 10]\n" .
	    join('', map { "$bl->[$_] $nf->[$_]\n" } 0 .. $#$bl) .
	    join('', map { "$_\n" } @$rec) . join(' ', @$cnt) . "\n";
	printf "%sfnv1a64 %016x\n", $h, fnv($H0, $h);
	print "$_\n" for strip($b, $hd);
	binmode STDOUT;
	print $filt;
} elsif ($cmd eq 'drop') {
	my ($fp, $n) = (hex $ARGV[0], $ARGV[1]);
	my ($hd, $bl, $cnt, $b, $head, $sum, $rec, $nf, $filt) = parse(do { local $/; <STDIN> });
	my $w = bw($hd->[4]);
	my $u = uw($hd->[1]);
	my ($s, $found) = (bshift(scalar(@$b)), 0);
	my $fw = int(($s + 3) / 4);
	for my $j (0 .. $#$b) {
		my @e = entries($b->[$j], $j, scalar(@$b), $w, $u);
		my @keep = grep { !($_->[0] == $fp && $_->[1] == $n) } @e;
		next if @keep == @e;
		$found = 1;
		$cnt->[$j]--;
		$b->[$j] = ('0' x 16) . join('', map { sprintf("%0${fw}x", $_->[0] & ((1 << (4 * $fw)) - 1)) .
		    sprintf("%0${w}x", $_->[1]) . ($_->[2] // '') } @keep);
	}
	$found or die "no such entry\n";
	$hd->[6]--;
	my $h = join(' ', @$hd) . "\n" .
	    join('', map { "$bl->[$_]" . (@$nf ? " $nf->[$_]" : '') . "\n" } 0 .. $#$bl) .
	    join('', map { "$_\n" } @$rec) . join(' ', @$cnt) . "\n";
	printf "%sfnv1a64 %016x\n", $h, fnv($H0, $h);
	for my $j (0 .. $#$b) {
		my $e = substr($b->[$j], 16);
		printf "%016x%s\n", fnv($H0 ^ $j, $e), $e;
	}
	binmode STDOUT;
	print $filt if defined $filt;
} elsif ($cmd eq 'old' && $ARGV[0] == 4) {
	# version 4: no filters, no extra records
	my $x = do { local $/; <STDIN> };
	my ($hd, $bl, $cnt, $b, $head, $sum, $rec) = parse($x);
	my @r = grep { v4rec($_) } @$rec;
	my $h = "ctzip-index 4 @$hd[2 .. 7] " . scalar(@r) . "\n" .
	    join('', map { "$_\n" } @$bl, @r, join(' ', @$cnt));
	printf "%sfnv1a64 %016x\n", $h, fnv($H0, $h);
	print "$_\n" for strip($b, $hd);
} elsif ($cmd eq 'old' && $ARGV[0] == 3) {
	# version 3: the head without NRECORDS and the records
	my $x = do { local $/; <STDIN> };
	my ($hd, $bl, $cnt, $b) = parse($x);
	my $h = "ctzip-index 3 @$hd[2 .. 7]\n" . join('', map { "$_\n" } @$bl, join(' ', @$cnt));
	printf "%sfnv1a64 %016x\n", $h, fnv($H0, $h);
	print "$_\n" for strip($b, $hd);
} elsif ($cmd eq 'old') {
	my ($v) = @ARGV;
	my ($hd, $bl, $cnt, $b) = parse(do { local $/; <STDIN> });
	my $w = bw($hd->[4]);
	my @per = map { [] } @$bl;
	for my $j (0 .. $#$b) {
		push @{$per[$_->[1]]}, sprintf("%08x", $_->[0]) for entries($b->[$j], $j, scalar(@$b), $w, uw($hd->[1]));
	}
	my $x = $v == 1 ? "ctzip-index 1 @$hd[2 .. 4]\n" : "ctzip-index 2 @$hd[2 .. 5]\n";
	for my $i (0 .. $#$bl) {
		my @k = sort @{$per[$i]};
		$x .= $bl->[$i] . ($v == 1 ? '' : ' ' . scalar(@k) . ' ' . (@k ? join('', @k) : '-')) . "\n";
	}
	printf "%sfnv1a64 %016x\n", $x, fnv($H0, $x);
} elsif ($cmd eq 'rehash') {
	my ($hd, $bl, $cnt, $b, $head, $sum, $rec, $nf, $filt) = parse(do { local $/; <STDIN> });
	printf "%sfnv1a64 %016x\n", $head, fnv($H0, $head);
	for my $j (0 .. $#$b) {
		my $e = substr($b->[$j], 16);
		printf "%016x%s\n", fnv($H0 ^ $j, $e), $e;
	}
	if (defined $filt) {	# each filter's hash too, where its length allows
		my $at = 0;
		binmode STDOUT;
		for my $i (0 .. $#$nf) {
			my ($nk, $fl) = split / /, $nf->[$i];
			next if $nk eq '-' || $fl !~ /^\d+$/;
			if ($fl >= 8 && $at + $fl <= length($filt)) {
				my $h = fnv($H0 ^ (0x8000000000000000 | $i), substr($filt, $at + 8, $fl - 8));
				substr($filt, $at, 8) = pack('Q<', $h);
			}
			$at += $fl;
		}
		print $filt;
	}
} elsif ($cmd eq 'check') {
	my ($hd, $bl, $cnt, $b, $head, $sum, $rec) = parse(slurp($ARGV[0]));
	$sum eq sprintf('%016x', fnv($H0, $head)) or die "head hash\n";
	my $lb = 0;
	for (@$rec) {
		/^(\d+) [^;]*;(begin|end|snapshot|restart|lost);/ ||
		    $hd->[1] >= 5 && /^(\d+) .*;;;;;;;;/ or die "record: $_\n";
		$1 >= $lb && $1 < $hd->[4] or die "record block: $_\n";
		$lb = $1;
	}
	my $w = bw($hd->[4]);
	my $u = uw($hd->[1]);
	my ($nb, $n) = (scalar(@$cnt), 0);
	my $shift = bshift($nb);
	my $fw = int(($shift + 3) / 4);
	($nb & ($nb - 1)) == 0 or die "buckets not a power of 2\n";
	my ($lfp, $lblk) = (-1, -1);
	for my $j (0 .. $#$b) {
		my $line = $b->[$j];
		$line =~ /^[0-9a-f]{16}(?:[0-9a-f]{@{[$fw + $w + $u]}})*$/ or die "bucket $j: not hex\n";
		substr($line, 0, 16) eq sprintf('%016x', fnv($H0 ^ $j, substr($line, 16)))
		    or die "bucket $j: hash\n";
		my @e = entries($line, $j, $nb, $w, $u);
		@e == $cnt->[$j] or die "bucket $j: count\n";
		for (@e) {
			my ($fp, $blk) = @$_;
			($shift >= 32 ? 0 : $fp >> $shift) == $j or die "bucket $j: a key of another\n";
			$blk < $hd->[4] or die "bucket $j: block $blk\n";
			$fp > $lfp || ($fp == $lfp && $blk > $lblk) or die "bucket $j: not ascending\n";
			($lfp, $lblk) = ($fp, $blk);
			$n++;
		}
	}
	$n == $hd->[6] or die "keys $n, header $hd->[6]\n";
	print "ok $n\n";
} else {
	die "usage\n";
}
