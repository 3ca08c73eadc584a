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
-- The chains (one per replica), so that the newest record of each is found by its primary key
-- without scanning `records`.
CREATE TABLE chains (
    chain TEXT PRIMARY KEY,
    since TEXT NOT NULL
);
-- The public keys that sign the checkpoints, as each replica registers its own at start. What
-- `datalex audit verify --store` falls back on without `--public-key`: a copy kept elsewhere is
-- what makes a forged checkpoint detectable.
CREATE TABLE signers (
    key_id TEXT PRIMARY KEY,
    public_key TEXT NOT NULL,
    chain TEXT NOT NULL,
    since TEXT NOT NULL
);
-- Signed checkpoints (service/src/decision_log/checkpoint.rs): `body` is the JSON checkpoint as
-- signed (its chain's head and the heads of the other chains it saw); `chain` and `seq` repeat
-- it for lookups only (verification reads `body`).
CREATE TABLE checkpoints (
    id BIGSERIAL PRIMARY KEY,
    chain TEXT NOT NULL,
    seq BIGINT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX checkpoints_by_chain ON checkpoints (chain, id);
