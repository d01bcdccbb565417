-- Rung chuông vàng's report (issue 21), as its room wrote it at the end: the final places, a
-- line per round, the act log in sentences, as JSON (`GET /api/bell/{id}/report`'s body), so
-- the school reads it after the room has closed. NULL for a contest that never ended, and
-- again once retention empties the contest (the report names contestants).
ALTER TABLE bell_contests ADD COLUMN report TEXT;
