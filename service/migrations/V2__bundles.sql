-- Signed policy bundles (service/src/bundle/, docs/bundles.md). `datalex bundle publish` stores
-- the archive, exactly as built and signed, and moves the active pointer in one transaction,
-- with `NOTIFY datalex_bundles, '<id>'`; each replica following the bundles (`serve --bundles`)
-- reads the pointer, fetches the archive and verifies it itself before serving it.
CREATE TABLE bundles (
    -- `sha256:<hex>` of the archive's manifest.
    id TEXT PRIMARY KEY,
    -- The archive (a later publish of the same id, with more signatures, replaces it).
    archive BYTEA NOT NULL,
    size BIGINT NOT NULL,
    published_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- Every activation, in order: `generation` grows by one at each publish (publishing the same id
-- again is a new generation, which a replica that refused it tries again).
CREATE TABLE bundle_activations (
    generation BIGINT PRIMARY KEY,
    id TEXT NOT NULL REFERENCES bundles (id),
    activated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- The active pointer: at most one row, the last activation.
CREATE TABLE bundle_active (
    one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
    generation BIGINT NOT NULL REFERENCES bundle_activations (generation),
    id TEXT NOT NULL REFERENCES bundles (id),
    activated_at TIMESTAMPTZ NOT NULL
);
