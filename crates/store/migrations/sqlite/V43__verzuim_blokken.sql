-- PostgreSQL keeps absence packed per pupil and school from this version on, as SQLite has
-- since V13: nothing changes here, and both databases keep the same versions.
SELECT 1;
