-- The quiz editor (issue 19). A quiz may be shared with the colleagues of its owner's school
-- (who decides is src/domain/access.rs); a deleted quiz is hidden, not removed, because the
-- games played from it keep pointing at it. A game may name the class it was played in, for
-- its report. Images typed into the editor are stored here, as the server re-encoded them.

ALTER TABLE quizzes ADD COLUMN shared BIGINT NOT NULL DEFAULT 0;
ALTER TABLE quizzes ADD COLUMN deleted_at BIGINT;

ALTER TABLE games ADD COLUMN class_name TEXT;

CREATE TABLE question_images (
    name          TEXT    PRIMARY KEY,
    owner_id      BIGINT  NOT NULL REFERENCES accounts (id),
    content_type  TEXT    NOT NULL,
    bytes         BYTEA   NOT NULL,
    created_at    BIGINT  NOT NULL
);

CREATE INDEX question_images_owner ON question_images (owner_id);
