#!/usr/bin/env bats
# cttrace -b: a batch of complaints answered in one pass, each as if alone;
# -o tsv.

bats_require_minimum_version 1.5.0
load helper

# Two generated days (t/bench/gen.pl through ctparse) whose NAT ports are
# folded onto 30 per address, so that ports pass between hosts often, in
# three log directories: plain, gzip'd, and ctzip'd with an index.  The
# complaints: lines of both days asked about at their time plus or minus
# up to 300 s, an unknown address, an IPv6 spelling.
setup_file() {
	D=$BATS_FILE_TMPDIR
	mkdir "$D/plain" "$D/gz" "$D/idx"
	for day in 1:1795651200:2026-11-26 2:1795737600:2026-11-27; do
		IFS=: read -r seed t0 name <<<"$day"
		{ dumphead; perl "$BATS_TEST_DIRNAME/bench/gen.pl" -n 30000 \
		    -s "$seed" -t "$t0" -i 300; } >"$D/raw"
		ctparse "$D/raw" 2>/dev/null |
		    awk -F';' -v OFS=';' '$9 != "" { $9 = 50000 + $9 % 30 } 1' \
		    >"$D/plain/$name.csv"
		gzip -c "$D/plain/$name.csv" >"$D/gz/$name.csv.gz"
		cp "$D/plain/$name.csv" "$D/idx/"
		ctzip -f -b 64k "$D/idx/$name.csv"
	done
	# the log goes on before and after the two days (a log without
	# coverage records covers what its files hold)
	for dir in plain gz idx; do
		echo '2026-11-24T00:00:00Z;start;tcp;10.9.9.9;1;198.51.100.9;1;192.0.2.9;1;1;;;;' >"$D/$dir/2026-11-24.csv"
		echo '2026-11-29T00:00:00Z;start;tcp;10.9.9.9;1;198.51.100.9;1;192.0.2.9;1;1;;;;' >"$D/$dir/2026-11-29.csv"
	done
	awk -F';' 'BEGIN { srand(3) } ($2 == "start" || $2 == "stop") && rand() < 0.0007 {
		cmd = "date -u -d " substr($1, 1, 19) " +%s"
		cmd | getline s; close(cmd)
		printf "%s %s @%d\n", $8, $9, s + int(rand() * 600) - 300
	    }' "$D/plain/2026-11-26.csv" "$D/plain/2026-11-27.csv" >"$D/c"
	printf '%s\n' '' '# no such address in the log' \
	    '192.0.2.1 50001 2026-11-27 12:00:00' \
	    '2001:DB8:FFFF:0::1 50002 2026-11-27T06:00:00+01:00' >>"$D/c"
	export D
}

# blocks OUT DIR: the blocks of cttrace -b text output, one file per line
blocks() {
	mkdir -p "$2"
	awk -v d="$2" '/^line [0-9]+: / { f = d "/" substr($2, 1, length($2) - 1)
		sub(/^line [0-9]+: /, ""); printf "" >f }
	    /^$/ { next } { print >f }' "$1"
}

@test "-b: every answer equals the complaint asked alone (plain, gzip, index)" {
	n=$(grep -c '^[0-9]' "$D/c")
	[ "$n" -ge 30 ] || fail "only $n complaints"
	for run in plain: gz: idx: "idx:-p udp -1"; do
		dir=${run%%:*} opt=${run#*:}
		{
			st=0
			cttrace -d "$D/$dir" $opt -b "$D/c" >"$TMP/out" 2>"$TMP/err" || st=$?
			[ "$st" -eq 0 ] || fail "$dir $opt: exit $st: $(cat "$TMP/err")"
			[ ! -s "$TMP/err" ] || fail "$dir $opt: $(cat "$TMP/err")"
			rm -rf "$TMP/b"
			blocks "$TMP/out" "$TMP/b"
			[ "$(ls "$TMP/b" | wc -l)" -eq "$n" ] || fail "$dir: $(ls "$TMP/b" | wc -l) blocks"
			lineno=0 several=0 one=0
			while IFS= read -r c; do
				lineno=$((lineno + 1))
				case $c in '' | '#'*) continue ;; esac
				set -- $c
				ip=$1 port=$2
				shift 2
				cttrace -d "$D/$dir" $opt "$ip" "$port" "$*" >"$TMP/single" || true
				cmp -s "$TMP/single" "$TMP/b/$lineno" ||
				    fail "$dir $opt: line $lineno ($c): $(diff "$TMP/single" "$TMP/b/$lineno")"
				grep -q '^verdict: several' "$TMP/single" && several=$((several + 1))
				grep -q '^verdict: one' "$TMP/single" && one=$((one + 1))
			done <"$D/c"
			[ -n "$opt" ] || { [ "$one" -ge 10 ] && [ "$several" -ge 3 ]; } ||
			    fail "$dir $opt: too easy: $one one, $several several"
		}
	done
}

@test "-b: a bad complaint is reported with its line; the others are answered" {
	good=$(grep -m 1 '^[0-9]' "$D/c")
	printf '%s\n' "$good" '192.76.8.23 61234' '192.76.8.300 80 2026-11-27T10:00:00Z' \
	    '# fine' "$good" '192.76.8.23 99999 @1795774009' \
	    '192.76.8.23 80 yesterday' >"$TMP/c"
	run --separate-stderr cttrace -d "$D/plain" -b "$TMP/c"
	[ "$status" -eq 2 ] || fail "exit $status"
	expect_eq stderr "$stderr" "ctverdict: $TMP/c:2: no time after the port
ctverdict: $TMP/c:3: 192.76.8.300: not an IPv4 or IPv6 address
ctverdict: $TMP/c:6: 99999: bad port (1-65535)
ctverdict: $TMP/c:7: yesterday: bad time; use 2026-11-27T10:06:49Z, 2026-11-27T10:06:49+01:00, '2026-11-27 10:06:49' (local) or @EPOCH"
	expect_eq blocks "$(grep '^line' <<<"$output" | cut -d: -f1 | tr '\n' ' ')" \
	    "line 1 line 2 line 3 line 5 line 6 line 7 "
	[ "$(grep -c '^verdict: error: ' <<<"$output")" -eq 4 ]
	[ "$(grep -c '^verdict: \(one\|several\|none\)' <<<"$output")" -eq 2 ]
	grep -q '^verdict: error: 192.76.8.300: not an IPv4 or IPv6 address$' <<<"$output"
}

@test "-b: an empty batch, a missing file; -b with operands" {
	: >"$TMP/c"
	run --separate-stderr cttrace -d "$D/plain" -b "$TMP/c"
	[ "$status" -eq 1 ] && [ -z "$output" ] && [ -z "$stderr" ]
	run --separate-stderr cttrace -d "$D/plain" -b "$TMP/none"
	[ "$status" -eq 2 ] && [ -z "$output" ]
	expect_eq stderr "$stderr" "cttrace: $TMP/none: cannot read the complaints"
	run --separate-stderr cttrace -d "$D/plain" -b "$TMP/c" 192.76.8.23 80 @0
	[ "$status" -eq 2 ]
	[[ "$stderr" == "usage: cttrace "* ]]
	run --separate-stderr cttrace -d "$D/plain" -o csv 192.76.8.23 80 @0
	[ "$status" -eq 2 ]
	expect_eq stderr "$stderr" "cttrace: -o csv: the formats are text and tsv"
}

@test "-o tsv: one row per complaint, the same answers as the text" {
	cttrace -d "$D/idx" -o tsv -b "$D/c" >"$TMP/tsv"
	cttrace -d "$D/idx" -b "$D/c" >"$TMP/txt"
	n=$(grep -c '^[0-9]' "$D/c")
	expect_eq rows "$(wc -l <"$TMP/tsv")" $((n + 1))
	expect_eq header "$(head -n 1 "$TMP/tsv")" "$(printf 'line\tnat\tport\ttime\tverdict\thosts\tflows\tinside\tdestination\tproto\tstart\tstop\tbytes\tgaps\tnote\tcoverage\tgateway')"
	awk -F'\t' 'NR > 1 && NF != 17 { exit 1 }' "$TMP/tsv" || fail "not 17 fields"
	rm -rf "$TMP/b"
	blocks "$TMP/txt" "$TMP/b"
	# (| for the tab: read joins adjacent tabs, empty fields would go)
	tail -n +2 "$TMP/tsv" | tr '\t' '|' | while IFS='|' read -r line nat port time v hosts flows inside dest proto start stop bytes gaps note coverage gateway; do
		b=$TMP/b/$line
		[ -f "$b" ] || fail "no block for line $line"
		verdict=$(grep '^verdict:' "$b")
		case $v in
		one) [[ "$verdict" == "verdict: one answer: $hosts"* ]] ;;
		several) [[ "$verdict" == "verdict: several candidates: $(tr ',' '\n' <<<"$hosts" | wc -l) inside"* ]] ;;
		none) [[ "$verdict" == "verdict: none:"* ]] ;;
		*) false ;;
		esac || fail "line $line: $v [$hosts] vs $verdict"
		expect_eq "line $line flows" "$flows" "$(awk '$1 ~ /^[0-9]+$/' "$b" | wc -l)"
		if [ "$flows" -gt 0 ]; then
			expect_eq "line $line first" "$inside $dest $proto $start $stop $bytes" \
			    "$(awk '$1 == "1" { print $2, $3, $5, $6, $7, $8 }' "$b")"
		fi
		[ -z "$note" ] && [ "$gaps" = 0 ] || fail "line $line: gaps $gaps note $note"
	done
	# the IPv6 complaint, as the log writes the address, the time in UTC
	grep -q "$(printf '\t2001:db8:ffff::1\t50002\t2026-11-27T05:00:00.000000Z\t')" "$TMP/tsv"
	# one complaint alone: line "-"
	run cttrace -d "$D/idx" -o tsv 192.0.2.1 50001 '2026-11-27 12:00:00'
	[ "$status" -eq 1 ]
	expect_eq single "${lines[1]}" "$(printf -- '-\t192.0.2.1\t50001\t2026-11-27T12:00:00.000000Z\tnone\t\t0\t\t\t\t\t\t\t0\t\tcomplete\t')"
}
