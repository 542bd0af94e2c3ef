#!/usr/bin/perl
# gzcraft.pl: write gzip members for lib/inflate.h's tests, independently
# of gzip and of lib/inflate.c: the header fields that gzip does not
# write, and deflate streams bit by bit (RFC 1951, 1952).
#
#   gzcraft.pl [-t] [-x EXTRA] [-n NAME] [-c COMMENT] [-H] [-r BITS]
#              (-g FILE.gz | [-p PLAIN] TOKEN...)
#
# The header: FTEXT with -t, FEXTRA with the extra field EXTRA (bytes as
# given), FNAME, FCOMMENT, FHCRC with -H (its CRC-16 computed here), the
# reserved flag bits BITS (0xe0 at most) with -r.  The deflate data and
# trailer: those of FILE.gz (a "gzip -n" member, its 10-byte header
# dropped), or the TOKENs, then the CRC-32 and length of PLAIN:
#
#   b:V:K   the K bits of value V, least significant first (header fields,
#           extra bits); V and C in decimal, 0x hex or 0b binary
#   h:C:L   the Huffman code C of L bits, most significant first
#   a       up to the next byte boundary (stored blocks)
#   y:HEX   bytes, after the bits so far (which must end on a byte)
#
# The member goes to standard output.
use strict;
use warnings;
use Getopt::Std;

sub crc32 {
	my ($s) = @_;
	my $c = 0xffffffff;
	for my $b (unpack 'C*', $s) {
		$c ^= $b;
		$c = $c & 1 ? 0xedb88320 ^ ($c >> 1) : $c >> 1 for 1 .. 8;
	}
	return $c ^ 0xffffffff;
}

my %o;
getopts('tx:n:c:Hr:g:p:', \%o) or die "usage: gzcraft.pl [options] tokens\n";
my $flg = ($o{t} ? 1 : 0) | ($o{H} ? 2 : 0) | (defined $o{x} ? 4 : 0) |
    (defined $o{n} ? 8 : 0) | (defined $o{c} ? 16 : 0) | hex($o{r} // 0);
my $h = pack('CCCC', 0x1f, 0x8b, 8, $flg) . pack('V', 0) . pack('CC', 0, 3);
$h .= pack('v', length $o{x}) . $o{x} if defined $o{x};
$h .= "$o{n}\0" if defined $o{n};
$h .= "$o{c}\0" if defined $o{c};
$h .= pack('v', crc32($h) & 0xffff) if $o{H};

my $body;
if (defined $o{g}) {
	open(my $f, '<:raw', $o{g}) or die "$o{g}: $!\n";
	local $/;
	$body = substr(<$f>, 10);
} else {
	my ($acc, $n) = (0, 0);
	$body = '';
	my $bit = sub {
		$acc |= $_[0] << $n;
		if (++$n == 8) { $body .= chr $acc; ($acc, $n) = (0, 0); }
	};
	for (@ARGV) {
		my ($k, @a) = split /:/;
		@a = map { /^0[xb]/ ? oct : $_ } @a if $k ne 'y';
		if ($k eq 'b') {
			$bit->(($a[0] >> $_) & 1) for 0 .. $a[1] - 1;
		} elsif ($k eq 'h') {
			$bit->(($a[0] >> $_) & 1) for reverse 0 .. $a[1] - 1;
		} elsif ($k eq 'a') {
			$bit->(0) while $n != 0;
		} elsif ($k eq 'y') {
			die "y: not on a byte boundary\n" if $n != 0;
			$body .= pack('H*', $a[0]);
		} else {
			die "$_: unknown token\n";
		}
	}
	$bit->(0) while $n != 0;
	my $p = $o{p} // '';
	$body .= pack('VV', crc32($p), length $p);
}
binmode STDOUT;
print $h, $body;
