-- A province event (10/10) is a live game whose players say which school they come from, so
-- that boards per school, commune and province move with the game (issue 18). `event` marks
-- such a game (set before its PIN is handed out); `event_players` holds each player's school,
-- written by the node the phone joined through. Communes follow from `schools`. No foreign
-- key on the school: the row goes through the answers' batching writer, and a school removed
-- from the roster meanwhile must not fail a batch of answers (the boards skip such a row).
ALTER TABLE games ADD COLUMN event BIGINT NOT NULL DEFAULT 0;
CREATE TABLE event_players (
    game_id    BIGINT NOT NULL REFERENCES games (id),
    player_id  BIGINT NOT NULL,
    school     TEXT   NOT NULL,
    PRIMARY KEY (game_id, player_id)
);
