-- cluster.sql - the log of a cluster: a Distributed table over the
-- shards' tables of schema.sql, and one over their loads tables.  Run
-- on every server that answers queries, after schema.sql on every shard:
--
--	clickhouse-client --multiquery <examples/clickhouse/cluster.sql
--
-- "ctlog" is the cluster's name in the servers' remote_servers (change
-- it here to yours).  A gateway's days are loaded into one shard's own
-- table (ctload -C shard/ctlog.events: a day is one partition, replaced
-- whole, so it must live in one place), and read through these tables:
--
--	cttrace -C ctlog.events_all 192.0.2.7 40123 '2026-11-27 10:06:49'
--
-- (ctcat -C reads TABLE and TABLE_loads: events_all, events_all_loads).
-- No sharding key is given: nothing is inserted through these tables.

CREATE TABLE IF NOT EXISTS ctlog.events_all AS ctlog.events
ENGINE = Distributed(ctlog, ctlog, events);

CREATE TABLE IF NOT EXISTS ctlog.events_all_loads AS ctlog.events_loads
ENGINE = Distributed(ctlog, ctlog, events_loads);
