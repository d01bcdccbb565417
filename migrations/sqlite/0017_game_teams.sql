-- Team play in the class game (issue 21): the game's teams as the room has them, as JSON
-- (`domain::teams::Record`: how they were made, average or sum, the team names and each
-- player's team). Written when the host sets teams up, after picks and placements (coalesced),
-- and at the end; read by the report (teams, then members) and by a node that takes the game
-- over. NULL: a game without teams.

ALTER TABLE games ADD COLUMN teams TEXT;
