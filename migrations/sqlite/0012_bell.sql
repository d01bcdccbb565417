-- Rung chuông vàng (issue 21): a stage contest, the answers it accepted and its act log.
-- `questions` is the arranged set as JSON ({"main": [...], "tie_break": ..., "rescue": [...]}),
-- frozen when the contest opens, so a later edit of the quiz or bank does not change what was
-- played; `rules` is the contest's `domain::bell::Rules` as JSON.
CREATE TABLE bell_contests (
    id           INTEGER PRIMARY KEY,
    host_id      BIGINT  NOT NULL REFERENCES accounts (id),
    pin          TEXT    NOT NULL,
    title        TEXT    NOT NULL,
    questions    TEXT    NOT NULL,
    rules        TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    finished_at  BIGINT
);

-- Who sat where: the name a contestant gave for their seat (or a judge typed for them),
-- so the report can name every place.
CREATE TABLE bell_seats (
    contest_id   BIGINT NOT NULL REFERENCES bell_contests (id),
    seat         BIGINT NOT NULL,
    name         TEXT   NOT NULL,
    joined_at    BIGINT NOT NULL,
    PRIMARY KEY (contest_id, seat)
);

-- One row per answer the contest counted for a seat and round: the phone's, or the
-- whiteboard a judge typed (`source` 'phone' or 'board'; a judge's correction replaces their
-- own row). `round` is the index into the contest's rounds (main, tie-break, rescue).
CREATE TABLE bell_answers (
    contest_id   BIGINT NOT NULL REFERENCES bell_contests (id),
    round        BIGINT NOT NULL,
    seat         BIGINT NOT NULL,
    source       TEXT   NOT NULL,
    answer       TEXT   NOT NULL,
    elapsed_ms   BIGINT NOT NULL,
    received_at  BIGINT NOT NULL,
    PRIMARY KEY (contest_id, round, seat, source)
);

-- The act log, in the order the room made it: `n` counts from 0 per contest, `at_ms` is on
-- the room's clock (since it opened), `act` the JSON of `domain::bell::What`.
CREATE TABLE bell_acts (
    contest_id   BIGINT NOT NULL REFERENCES bell_contests (id),
    n            BIGINT NOT NULL,
    at_ms        BIGINT NOT NULL,
    round        BIGINT,
    act          TEXT   NOT NULL,
    PRIMARY KEY (contest_id, n)
);
