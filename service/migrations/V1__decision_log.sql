-- The decision log in PostgreSQL: the same rows as the embedded SQLite log
-- (service/src/decision_log/schema.rs), one chain per replica. JSON is kept as TEXT, byte for
-- byte as it was MACed (jsonb would reorder keys and break the chain).
CREATE TABLE log_meta (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO log_meta (name, value) VALUES ('format', 'datalex-log-v2');
CREATE TABLE records (
    chain TEXT NOT NULL,
    seq BIGINT NOT NULL,
    decision_id TEXT NOT NULL UNIQUE,
    time TEXT NOT NULL,
    jurisdiction TEXT NOT NULL,
    policy_version TEXT NOT NULL,
    caller TEXT,
    request TEXT NOT NULL,
    decision TEXT NOT NULL,
    key_id TEXT NOT NULL,
    prev_mac TEXT NOT NULL,
    mac TEXT NOT NULL,
    PRIMARY KEY (chain, seq)
);
