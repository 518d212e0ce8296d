-- No double booking, enforced by the database: two live reservations (appointments or holds,
-- buffers included) of one technician can never overlap. Application checks and SELECT … FOR
-- UPDATE cannot lock rows that do not exist yet; this constraint holds under any concurrency and
-- across every server process. Half-open ranges, so back-to-back bookings are allowed.
ALTER TABLE "reservations"
  ADD CONSTRAINT "reservations_no_overlap"
  EXCLUDE USING gist ("technician_id" WITH =, tstzrange("starts_at", "ends_at", '[)') WITH &&)
  WHERE ("released_at" IS NULL);
