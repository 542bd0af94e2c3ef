-- schema.sql - the ClickHouse store of ctlog: one table of lines, one of
-- the days loaded.  Run once on every server that holds a part of the
-- log (a shard):
--
--	clickhouse-client --multiquery <examples/clickhouse/schema.sql
--
-- then load days with examples/clickhouse/ctload and trace with
-- cttrace -C (README, "ClickHouse").  Tested on ClickHouse 18.16
-- (Debian 12's package) and written for current releases too: the
-- MergeTree syntax with PARTITION BY and ORDER BY clauses (the old
-- MergeTree(date, key, granularity) form is refused by current
-- releases), String and Date, Int64 and UInt types only: no DateTime64
-- (18.16 has none: times are microseconds, us), no IPv4/IPv6 types
-- (18.16 has none, and an address is kept as the log wrote it), no
-- LowCardinality, codecs or TTL (18.16 has none or an older form: old
-- days go by dropping their partitions, ctload -r).
--
-- A cluster: this file on every shard, then cluster.sql on the servers
-- that answer queries (a Distributed table over the shards' tables).

CREATE DATABASE IF NOT EXISTS ctlog;

-- One line of a day file a row, as lib/chlog.h says; the columns in
-- the order ctrow(1) writes them.  The 16 fields of the log are kept as
-- the strings they were, so that a line comes back byte for byte (its
-- first "fields" columns joined by ';'); "line" keeps the file's order,
-- which readers need (flows pair in log order, and times step back);
-- "us" is the time in microseconds for ranges; "rec" is 1 for a line
-- that ctgrep --records passes whatever the key (the coverage records).
-- A day of one gateway is one partition: a day is loaded, reloaded and
-- dropped at once.  The order serves the question "who held NAT,
-- NATPORT around a time": a complaint's rows are a few granules of the
-- key (nat, natport, us), and the records, rec = 1, a few more at the
-- end of every part.
CREATE TABLE IF NOT EXISTS ctlog.events (
	gateway String,
	day Date,
	line UInt32,
	us Int64,
	rec UInt8,
	fields UInt8,
	time String,
	event String,
	proto String,
	src String,
	sport String,
	dst String,
	dport String,
	nat String,
	natport String,
	id String,
	opkts String,
	obytes String,
	rpkts String,
	rbytes String,
	`from` String,
	`to` String
) ENGINE = MergeTree
PARTITION BY (day, gateway)
ORDER BY (rec, nat, natport, us);

-- The days loaded, one row each, written by ctload once the day's rows
-- are in: readers take only the days listed here (a day being loaded is
-- not), place each by its first line and end the log after the last
-- day's last line, as they do with files.
CREATE TABLE IF NOT EXISTS ctlog.events_loads (
	gateway String,
	day Date,
	first Int64,		-- the time (us) of its first line, in file order
	last Int64,		-- of its last line
	hi Int64,		-- its latest time
	rows UInt64,		-- rows loaded
	checksum String,	-- cksum of the file loaded: CRC and size
	file String,		-- its path
	loaded DateTime		-- when
) ENGINE = MergeTree
PARTITION BY (day, gateway)
ORDER BY (gateway, day);
