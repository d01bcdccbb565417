-- The first schema. Portable by design: the PostgreSQL twin differs only in how ids are
-- generated. Integers are 64-bit everywhere; times are Unix milliseconds; flags are 0/1.

CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    role          TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL
);

CREATE TABLE sessions (
    token_hash  TEXT   PRIMARY KEY,
    account_id  BIGINT NOT NULL REFERENCES accounts (id),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);

CREATE TABLE banks (
    id          TEXT   PRIMARY KEY,
    title       TEXT   NOT NULL,
    topic       TEXT   NOT NULL,
    levels      TEXT   NOT NULL,
    language    TEXT   NOT NULL,
    checked     TEXT   NOT NULL,
    status      TEXT   NOT NULL,
    origin      TEXT   NOT NULL,
    updated_at  BIGINT NOT NULL
);

CREATE TABLE questions (
    bank_id   TEXT   NOT NULL REFERENCES banks (id),
    id        TEXT   NOT NULL,
    position  BIGINT NOT NULL,
    body      TEXT   NOT NULL,
    PRIMARY KEY (bank_id, id)
);

CREATE TABLE quizzes (
    id          INTEGER PRIMARY KEY,
    owner_id    BIGINT  NOT NULL REFERENCES accounts (id),
    title       TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL
);

-- A quiz keeps a copy of its questions: editing a bank later does not change a quiz, or the
-- report of a game played from it.
CREATE TABLE quiz_questions (
    quiz_id   BIGINT NOT NULL REFERENCES quizzes (id),
    position  BIGINT NOT NULL,
    body      TEXT   NOT NULL,
    PRIMARY KEY (quiz_id, position)
);

CREATE TABLE games (
    id           INTEGER PRIMARY KEY,
    quiz_id      BIGINT  NOT NULL REFERENCES quizzes (id),
    host_id      BIGINT  NOT NULL REFERENCES accounts (id),
    pin          TEXT    NOT NULL,
    title        TEXT    NOT NULL,
    settings     TEXT    NOT NULL,
    seed         BIGINT  NOT NULL,
    status       TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    started_at   BIGINT,
    finished_at  BIGINT
);

CREATE TABLE players (
    game_id      BIGINT NOT NULL REFERENCES games (id),
    id           BIGINT NOT NULL,
    nickname     TEXT   NOT NULL,
    token_hash   TEXT   NOT NULL,
    joined_at    BIGINT NOT NULL,
    kicked       BIGINT NOT NULL DEFAULT 0,
    final_rank   BIGINT,
    final_score  BIGINT,
    PRIMARY KEY (game_id, id)
);

-- One row per accepted answer; the primary key makes a replayed write a no-op.
CREATE TABLE answers (
    game_id      BIGINT NOT NULL REFERENCES games (id),
    player_id    BIGINT NOT NULL,
    question     BIGINT NOT NULL,
    answer       TEXT   NOT NULL,
    correct      BIGINT NOT NULL,
    points       BIGINT NOT NULL,
    bonus        BIGINT NOT NULL,
    elapsed_ms   BIGINT NOT NULL,
    received_at  BIGINT NOT NULL,
    PRIMARY KEY (game_id, player_id, question)
);

CREATE INDEX games_host ON games (host_id, created_at);
CREATE INDEX quizzes_owner ON quizzes (owner_id, created_at);
