-- Questions a player let close without answering: the game charges the full time limit to
-- the player's answer time, so the database keeps the charge too. Totals computed from the
-- database (reports, a rebuilt live board) then equal what the room showed.
CREATE TABLE misses (
    game_id    BIGINT NOT NULL REFERENCES games (id),
    player_id  BIGINT NOT NULL,
    question   BIGINT NOT NULL,
    charged_ms BIGINT NOT NULL,
    PRIMARY KEY (game_id, player_id, question)
);
