-- The province's online contest (issue 17): contests and their rounds, the login cards a
-- school prints for its students, participants' sessions, attempts, and the append-only,
-- hash-chained audit log that settles a disputed rank.

CREATE TABLE contests (
    id          INTEGER PRIMARY KEY,
    slug        TEXT   NOT NULL UNIQUE,
    title       TEXT   NOT NULL,
    created_by  BIGINT NOT NULL REFERENCES accounts (id),
    created_at  BIGINT NOT NULL
);

-- A round (đợt). Its `context` is its ranking context (`results.context`, the boards, the
-- published versions). `rules` is `domain::contest::RoundRules` as JSON. `participants` is
-- counted when the round closes: the prediction question's answer.
CREATE TABLE contest_rounds (
    id            INTEGER PRIMARY KEY,
    contest_id    BIGINT NOT NULL REFERENCES contests (id),
    context       TEXT   NOT NULL UNIQUE,
    title         TEXT   NOT NULL,
    levels        TEXT   NOT NULL,
    banks         TEXT   NOT NULL,
    rules         TEXT   NOT NULL,
    closed_at     BIGINT,
    participants  BIGINT
);

-- The questions a round draws from, frozen when the round is created: a bank edited or
-- re-imported during the round changes nothing for it, and the audit reads them back.
CREATE TABLE round_questions (
    round_id  BIGINT NOT NULL REFERENCES contest_rounds (id),
    level     TEXT   NOT NULL,
    bank      TEXT   NOT NULL,
    id        TEXT   NOT NULL,
    topic     TEXT   NOT NULL,
    body      TEXT   NOT NULL,
    PRIMARY KEY (round_id, level, bank, id)
);

-- A student's login card: the secret is stored as a hash; printing again issues a new one,
-- revoking sets `revoked_at`.
CREATE TABLE login_cards (
    student_code  TEXT   PRIMARY KEY REFERENCES students (code),
    secret_hash   TEXT   NOT NULL,
    issued_at     BIGINT NOT NULL,
    revoked_at    BIGINT
);

CREATE TABLE participant_sessions (
    token_hash    TEXT   PRIMARY KEY,
    student_code  TEXT   NOT NULL REFERENCES students (code),
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL
);

-- One attempt: what was drawn (`questions`, JSON of `domain::contest::Drawn`, with the seed),
-- the answers in the ids the participant saw (JSON), and the score once submitted.
CREATE TABLE attempts (
    id            INTEGER PRIMARY KEY,
    round_id      BIGINT NOT NULL REFERENCES contest_rounds (id),
    participant   TEXT   NOT NULL REFERENCES students (code),
    level         TEXT   NOT NULL,
    started_at    BIGINT NOT NULL,
    deadline      BIGINT NOT NULL,
    seed          BIGINT NOT NULL,
    questions     TEXT   NOT NULL,
    answers       TEXT   NOT NULL,
    prediction    BIGINT,
    submitted_at  BIGINT,
    correct       BIGINT,
    score         BIGINT,
    time_ms       BIGINT,
    -- Bumped by every write: a write names the revision it read, so two devices never lose
    -- each other's answers.
    rev           BIGINT NOT NULL DEFAULT 0
);

CREATE INDEX attempts_participant ON attempts (round_id, participant);
-- One open attempt per participant and round, whatever two devices do at the same instant.
CREATE UNIQUE INDEX attempts_one_open ON attempts (round_id, participant) WHERE submitted_at IS NULL;

-- Append-only: each row's hash covers the previous row's hash, so changing or removing a row
-- breaks every hash after it (`hoithi audit verify`).
CREATE TABLE audit_log (
    seq        BIGINT PRIMARY KEY,
    at         BIGINT NOT NULL,
    kind       TEXT   NOT NULL,
    body       TEXT   NOT NULL,
    prev_hash  TEXT   NOT NULL,
    hash       TEXT   NOT NULL
);
