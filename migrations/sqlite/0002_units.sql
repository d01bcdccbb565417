-- The province's units and rosters, and results per ranking context. Communes are seeded from
-- migrations/seed/daklak-communes.csv at start.

CREATE TABLE communes (
    code  TEXT PRIMARY KEY,
    name  TEXT NOT NULL,
    kind  TEXT NOT NULL
);

CREATE TABLE schools (
    code          TEXT   PRIMARY KEY,
    name          TEXT   NOT NULL,
    levels        TEXT   NOT NULL,
    commune_code  TEXT   NOT NULL REFERENCES communes (code),
    enrolment     BIGINT NOT NULL
);

CREATE TABLE students (
    code            TEXT   PRIMARY KEY,
    full_name       TEXT   NOT NULL,
    display_name    TEXT   NOT NULL,
    class_name      TEXT   NOT NULL,
    grade           BIGINT NOT NULL,
    school_code     TEXT   NOT NULL REFERENCES schools (code),
    -- The school recorded consent (student and parent, for a child from 7 years) to publish
    -- the full name; without it public pages show only the display name.
    consent_public  BIGINT NOT NULL DEFAULT 0
);

-- One participant's standing in a ranking context (a contest round, a live event): absolute
-- values, replaced, never added to, so a retry cannot double-count.
CREATE TABLE results (
    context       TEXT   NOT NULL,
    student_code  TEXT   NOT NULL REFERENCES students (code),
    score         BIGINT NOT NULL,
    time_ms       BIGINT NOT NULL,
    distance      BIGINT NOT NULL DEFAULT 0,
    attempts      BIGINT NOT NULL DEFAULT 1,
    submitted_at  BIGINT NOT NULL,
    PRIMARY KEY (context, student_code)
);

CREATE INDEX schools_commune ON schools (commune_code);
CREATE INDEX students_school ON students (school_code, class_name);
