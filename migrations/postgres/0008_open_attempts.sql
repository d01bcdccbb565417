-- The contest's sweep looks every 5 s for open attempts whose time ran out: an index of the
-- open ones by deadline, so it reads those and not every attempt of the contest so far.
CREATE INDEX attempts_open_deadline ON attempts (deadline) WHERE submitted_at IS NULL;
