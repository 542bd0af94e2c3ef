#!/usr/bin/perl
# ctgrep-diff.pl - randomised differential test of ctgrep.
#
#	perl t/ctgrep-diff.pl SEED COUNT [CTGREP]
#
# Makes COUNT random texts and patterns (seeded: a failure can be replayed)
# and runs each with `LC_ALL=C grep -F -a` and with ctgrep on every search
# path (CTGREP_ALGO= default, sse2, bmh: see ctgrep.c); stdout and exit
# status must be identical.  Texts come from small alphabets so that
# patterns match often and partly: CSV bytes "0-9.;", letters of both cases,
# NULs, CRs, and sometimes all 256 bytes; lines of any length, with or
# without a final newline.  Prints the first failures and "N cases, N
# failed"; exits 1 on any failure.
use strict;
use warnings;

my ($seed, $count, $ctgrep) = @ARGV;
$ctgrep //= 'cmd/ctgrep';
srand($seed);
my $dir = $ENV{TMPDIR} // '/tmp';
my $file = "$dir/ctgrep-diff.$$";

my @alpha = ("0123456789.;\n", "0123;.\n", "abAB;\n", "aAbBzZ\0\r\n",
    "ab\n", join('', map { chr } 0 .. 255), "xyzXYZ0;@.\n\n\n\n");

sub run {
	my ($env, @cmd) = @_;
	local $ENV{CTGREP_ALGO} = $env;
	local $ENV{LC_ALL} = 'C';
	open(my $fh, '-|', @cmd) or die "$cmd[0]: $!";
	binmode $fh;
	local $/;
	my $out = <$fh> // '';
	close $fh;
	return ($out, $? >> 8);
}

sub show {
	my $s = shift;
	$s =~ s/([^\x20-\x7e])/sprintf("\\x%02x", ord $1)/ge;
	return length $s > 200 ? substr($s, 0, 200) . '...' : $s;
}

my $fail = 0;
for my $n (1 .. $count) {
	my $a = $alpha[rand @alpha];
	my $len = rand() < 0.1 ? int(rand(20000)) : int(rand(400));
	my $text = join('', map { substr($a, rand(length $a), 1) } 1 .. $len);
	if (rand() < 0.2 && $len > 0) {		# long lines
		$text =~ s/\n//g if rand() < 0.5;
	}
	my $pat;
	if (rand() < 0.6 && length $text > 0) {	# a piece of the text
		my $at = int(rand(length $text));
		$pat = substr($text, $at, int(rand(rand() < 0.8 ? 12 : 70)));
	} else {
		$pat = join('', map { substr($a, rand(length $a), 1) }
		    1 .. int(rand(8)));
	}
	$pat =~ s/[\n\0]//g;		# argv cannot hold NUL; see ctgrep(1)
	$pat = uc $pat if rand() < 0.1;
	my @opt;
	my $r = rand();
	push @opt, '-i' if $r < 0.3;
	push @opt, '-c' if rand() < 0.2;
	push @opt, '-m', int(rand(4)) if rand() < 0.15;
	open(my $fh, '>', $file) or die "$file: $!";
	binmode $fh;
	print $fh $text;
	close $fh;
	my ($want, $wst) = run('', 'grep', '-F', '-a', @opt, '--', $pat, $file);
	# every case on the default path, one in two also on another
	for my $algo ('', $n % 4 == 1 ? 'sse2' : $n % 4 == 3 ? 'bmh' : ()) {
		my ($got, $st) = run($algo, $ctgrep, @opt, '--', $pat, $file);
		next if $got eq $want && $st == $wst;
		$fail++;
		if ($fail <= 5) {
			print "case $n (seed $seed) CTGREP_ALGO=$algo ",
			    "opts '@opt' pattern '", show($pat), "'\n",
			    "  text:   ", show($text), "\n",
			    "  grep:   $wst '", show($want), "'\n",
			    "  ctgrep: $st '", show($got), "'\n";
		}
	}
}
unlink $file;
print "$count cases, $fail failed\n";
exit($fail > 0);
