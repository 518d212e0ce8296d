-- A delivery log row gets its rendered bodies (HTML, text, the calendar invitation: ~2.5 kB) when
-- the message is sent, and PostgreSQL compresses them then. lz4 compresses several times faster
-- than the default pglz, and a log is written far more than it is read. Where the server was built
-- without lz4 (PGlite is), the columns keep the default.
DO $$
BEGIN
  ALTER TABLE "notifications" ALTER COLUMN "body_html" SET COMPRESSION lz4;
  ALTER TABLE "notifications" ALTER COLUMN "body_text" SET COMPRESSION lz4;
  ALTER TABLE "notifications" ALTER COLUMN "ics" SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  NULL;
END $$;
