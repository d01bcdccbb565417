-- Published rankings: immutable snapshots of every board of a ranking context. A correction is
-- a new version (with a reason); versions are never updated or deleted. Each board's lines are
-- stored in chunks of up to 500 ranks, each chunk one deflated JSON array (see
-- src/storage/published.rs for the line format and docs/architecture.md for why).

CREATE TABLE published_versions (
    id            INTEGER PRIMARY KEY,
    context       TEXT    NOT NULL,
    version       BIGINT  NOT NULL,
    title         TEXT    NOT NULL,
    reason        TEXT    NOT NULL,
    published_by  BIGINT  NOT NULL REFERENCES accounts (id),
    published_at  BIGINT  NOT NULL,
    participants  BIGINT  NOT NULL,
    UNIQUE (context, version)
);

-- One row per board of a version: its scope path (`province`, `school/TH1`, `classes/TH1` …)
-- and how many lines it has.
CREATE TABLE published_boards (
    version_id  BIGINT NOT NULL REFERENCES published_versions (id),
    board       TEXT   NOT NULL,
    total       BIGINT NOT NULL,
    PRIMARY KEY (version_id, board)
);

-- Chunk n holds ranks 500·n + 1 ..= 500·(n + 1) of its board.
CREATE TABLE published_chunks (
    version_id  BIGINT NOT NULL REFERENCES published_versions (id),
    board       TEXT   NOT NULL,
    chunk       BIGINT NOT NULL,
    lines       BLOB   NOT NULL,
    PRIMARY KEY (version_id, board, chunk)
);
