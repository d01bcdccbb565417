-- Where a live game is (issue 18): written by the owner at each phase change, so that when the
-- node running the game dies, another node rebuilds it from `games`, `players`, `answers` and
-- `misses` and goes on from the current question (src/domain/game/restore.rs).
-- phase: lobby, question, reveal or leaderboard; phase_index: the question it is about;
-- phase_at: when the phase began (Unix ms, the owner's wall clock), so the open question closes
-- on time on the new node; seq: the room's sequence number then (the new room goes on above it).

ALTER TABLE games ADD COLUMN phase TEXT NOT NULL DEFAULT 'lobby';
ALTER TABLE games ADD COLUMN phase_index BIGINT NOT NULL DEFAULT 0;
ALTER TABLE games ADD COLUMN phase_at BIGINT;
ALTER TABLE games ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
