-- Roles bound to a unit (issue 7): a commune officer's commune code, a school admin's school
-- code, optionally a teacher's school code; empty for organizers. Not a foreign key, because
-- the two kinds of unit live in different tables; the API checks the code when it creates the
-- account, and an account whose unit is gone reaches nothing (see src/domain/access.rs).

ALTER TABLE accounts ADD COLUMN unit_code TEXT;

CREATE INDEX accounts_unit ON accounts (unit_code);
