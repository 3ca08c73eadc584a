-- Compact decisions (service/src/decision_log/texts.rs, issue 20): a record's `decision` may be
-- stored as literal pieces and references to shared texts (each trace step, reasons,
-- obligations, sources…), each text stored once per chain with its own keyed MAC over its
-- chain, id, key id and text. Ids count from 1 per chain without gaps. Records written before
-- (whole JSON) stay as they are and are read and verified as before.
CREATE TABLE texts (
    chain TEXT NOT NULL,
    id BIGINT NOT NULL,
    text TEXT NOT NULL,
    key_id TEXT NOT NULL,
    mac TEXT NOT NULL,
    PRIMARY KEY (chain, id)
);
