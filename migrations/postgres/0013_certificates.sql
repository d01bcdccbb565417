-- Certificates of a published version (issue 22): one verification code per award. A code is
-- random (it cannot be worked out from the winner's name), issued the first time the
-- version's certificates are printed and the same on every later print; the public
-- verification page reads it back and checks it against the version, which never changes.

CREATE TABLE certificates (
    code        TEXT    PRIMARY KEY,
    version_id  BIGINT  NOT NULL REFERENCES published_versions (id),
    holder      TEXT    NOT NULL,
    member      TEXT    NOT NULL,
    issued_at   BIGINT  NOT NULL,
    UNIQUE (version_id, holder, member)
);

-- The year-end reports count live games by the day they were opened, over a chosen period.
CREATE INDEX games_created ON games (created_at);
