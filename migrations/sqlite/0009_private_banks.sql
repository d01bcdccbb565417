-- A teacher's own banks (issue 19): a bank imported by a teacher belongs to that account and
-- is seen only by it (and by the colleagues of its school); NULL for the province's banks
-- (bundled, or imported by an organizer). Who sees what is decided in src/domain/access.rs.

ALTER TABLE banks ADD COLUMN owner_id BIGINT REFERENCES accounts (id);

CREATE INDEX banks_owner ON banks (owner_id);
