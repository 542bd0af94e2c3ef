# ClickHouse servers for the tests: private, on 127.0.0.1, started and
# stopped by the tests themselves (never the system's service).
#
#	ch_need			in setup_file: without clickhouse-server and
#				-client, CH_MISSING says so (each test then
#				skips: ch_skip) and it returns 1, or, under
#				CI=true, fails (CI must run the tests)
#	ch_skip			in setup: skip when CH_MISSING is set
#	ch_cluster DIR N	N servers, each a shard of the cluster "ctlog",
#				their data under DIR/1 .. DIR/N; their TCP
#				ports in CH_PORT[1..N]
#	ch_stop DIR		stop the servers of DIR
#	ch I ARGS...		clickhouse-client on server I
#	CH_CONF_EXTRA		XML put into every server's configuration
#				(a benchmark's query_log, say); default none
#
# A server is the stock binary with a generated configuration: its own
# data, temporary and log directories, TCP, HTTP and interserver ports
# chosen free, a default user without password reachable from 127.0.0.1
# only, and remote_servers naming every server as a shard of "ctlog" (what
# a Distributed table reads).  It starts in about a second.

# ch_need: the servers' programs, or CH_MISSING (or fail under CI)
ch_need() {
	if ! command -v clickhouse-server >/dev/null &&
	    ! [ -x /usr/sbin/clickhouse-server ] ||
	    ! command -v clickhouse-client >/dev/null; then
		export CH_MISSING="clickhouse-server and clickhouse-client are not installed"
		[ "${CI:-}" != true ] || fail "CI=true, but $CH_MISSING" || exit 1
		return 1
	fi
}

# ch_skip: skip the test when ch_need found the programs missing
ch_skip() {
	[ -z "${CH_MISSING:-}" ] || skip "$CH_MISSING"
}

# freeports N: N TCP ports free on 127.0.0.1 now
freeports() {
	python3 -c '
import socket, sys
ss = []
for i in range(int(sys.argv[1])):
	s = socket.socket()
	s.bind(("127.0.0.1", 0))
	ss.append(s)
print(" ".join(str(s.getsockname()[1]) for s in ss))' "$1"
}

# ch I ARGS...: clickhouse-client on server I
ch() {
	local i=$1
	shift
	clickhouse-client --host=127.0.0.1 --port="${CH_PORT[$i]}" "$@"
}

# chconf DIR I N: the configuration of server I of N (ports in $ports)
chconf() {
	local d=$1/$2 k=$2
	mkdir -p "$d/data" "$d/tmp" "$d/files"
	cat >"$d/users.xml" <<-EOF
	<?xml version="1.0"?>
	<yandex>
	<profiles><default><max_threads>2</max_threads></default></profiles>
	<users><default><password></password>
	<networks><ip>127.0.0.1</ip></networks>
	<profile>default</profile><quota>default</quota></default></users>
	<quotas><default></default></quotas>
	</yandex>
	EOF
	{
		echo '<?xml version="1.0"?>'
		echo '<yandex>'
		echo "<logger><level>warning</level><log>$d/server.log</log>"
		echo "<errorlog>$d/server.err</errorlog><console>0</console></logger>"
		echo '<listen_host>127.0.0.1</listen_host>'
		set -- $ports
		shift $(( (k - 1) * 3 ))
		echo "<tcp_port>$1</tcp_port><http_port>$2</http_port>"
		echo "<interserver_http_port>$3</interserver_http_port>"
		echo '<interserver_http_host>127.0.0.1</interserver_http_host>'
		echo "<path>$d/data/</path><tmp_path>$d/tmp/</tmp_path>"
		echo "<user_files_path>$d/files/</user_files_path>"
		echo "<users_config>$d/users.xml</users_config>"
		echo '<default_profile>default</default_profile>'
		echo '<default_database>default</default_database>'
		echo '<mark_cache_size>67108864</mark_cache_size>'
		echo '<remote_servers><ctlog>'
		set -- $ports
		while [ $# -gt 0 ]; do
			echo "<shard><replica><host>127.0.0.1</host><port>$1</port></replica></shard>"
			shift 3
		done
		echo '</ctlog></remote_servers>'
		echo "${CH_CONF_EXTRA:-}"
		echo '</yandex>'
	} >"$d/config.xml"
}

# ch_cluster DIR N: N servers, shards of "ctlog", started; CH_PORT[1..N]
ch_cluster() {
	local dir=$1 n=$2 i t
	ports=$(freeports $((3 * n)))
	CH_PORT=()
	for i in $(seq "$n"); do
		chconf "$dir" "$i" "$n"
		set -- $ports
		shift $(( (i - 1) * 3 ))
		CH_PORT[$i]=$1
		# (not bats' fd 3: it would wait for the server to exit)
		"$CHSERVER" --config-file="$dir/$i/config.xml" \
		    --pid-file="$dir/$i/pid" >"$dir/$i/out" 2>&1 3>&- &
		echo $! >"$dir/$i/child"
	done
	for i in $(seq "$n"); do
		for t in $(seq 200); do
			ch "$i" --query='SELECT 1' >/dev/null 2>&1 && break
			kill -0 "$(cat "$dir/$i/child")" 2>/dev/null ||
			    fail "server $i did not start: $(tail -3 "$dir/$i/server.err" "$dir/$i/out")"
			sleep 0.1
		done
		[ "$t" -lt 200 ] || fail "server $i: no answer in 20 s"
	done
	export CH_PORT_LIST="${CH_PORT[*]}"
}

# ch_ports: CH_PORT again from the environment (bats' tests run in
# subshells of setup_file: arrays are not exported)
ch_ports() {
	local i=1 p
	CH_PORT=()
	for p in $CH_PORT_LIST; do
		CH_PORT[$i]=$p
		i=$((i + 1))
	done
}

# ch_stop DIR: stop the servers started in DIR, and wait for them
ch_stop() {
	local f pid t
	for f in "$1"/*/child; do
		[ -f "$f" ] || continue
		pid=$(cat "$f")
		kill "$pid" 2>/dev/null || continue
		for t in $(seq 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
		rm -f "$f"
	done
}

CHSERVER=$(command -v clickhouse-server || echo /usr/sbin/clickhouse-server)
