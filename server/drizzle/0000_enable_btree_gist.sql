-- Exclusion constraints (no double booking) combine equality on ids with range overlap; that
-- needs btree_gist. PGlite loads the extension at start; PostgreSQL ships it in contrib.
CREATE EXTENSION IF NOT EXISTS btree_gist;
