-- Teachers and school managers take part in the online contest with their accounts (issue
-- 17). A school's participants are its roster: pupils from the school's import, and staff
-- added when an account first takes part (code `GV.{account id}`: roster codes have no '.',
-- so the two never meet). Roster pages, card printing and enrolment counts read pupils only.
ALTER TABLE students ADD COLUMN kind TEXT NOT NULL DEFAULT 'pupil';
