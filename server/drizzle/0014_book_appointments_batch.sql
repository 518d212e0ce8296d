-- Group commit for bookings: the bookings that arrive while the previous batch is being written
-- go to the database together, as one statement and one transaction (one round trip, one commit,
-- one WAL flush for the lot instead of one each). Each entry is booked exactly as a lone booking
-- is, by crewkit_book_appointment (migration 0012), in arrival order, so an entry sees the
-- technicians the entries before it took and moves on to its next candidate.
--
-- p_entries: a JSON array of objects carrying crewkit_book_appointment's arguments (see
-- server/src/services/booking-batch.ts). Returns a JSON array as long as p_entries: the
-- appointment, or null where every candidate was taken (that entry changed nothing).
--
-- No exception block per entry: a subtransaction per booking would cost more than it saves, and
-- the only errors an entry can raise (a row deleted under it, a deadlock with another instance)
-- abort the whole batch, which the application then books one by one.
CREATE FUNCTION crewkit_book_appointments(p_entries json) RETURNS json
LANGUAGE plpgsql
AS $$
DECLARE
  e record;
  v_results json[] := '{}';
BEGIN
  -- Parsed once into typed columns (JSON arrays become PostgreSQL arrays), not field by field.
  FOR e IN SELECT * FROM json_to_recordset(p_entries) AS x(
      "orgId" uuid, "serviceItemId" uuid, "technicianIds" uuid[], "reasons" text[],
      "blockedStart" timestamptz, "blockedEnd" timestamptz, "startsAt" timestamptz, "endsAt" timestamptz,
      "bufferBefore" integer, "bufferAfter" integer, "priceMinor" integer, "currency" text, "notes" text,
      "customerId" uuid, "customerName" text, "customerEmail" text, "customerPhone" text,
      "ids" uuid[], "references" text[], "actor" text)
  LOOP
    v_results := array_append(v_results, crewkit_book_appointment(
      e."orgId", e."serviceItemId", e."technicianIds", e."reasons",
      e."blockedStart", e."blockedEnd", e."startsAt", e."endsAt",
      e."bufferBefore", e."bufferAfter", e."priceMinor", e."currency", e."notes",
      e."customerId", e."customerName", e."customerEmail", e."customerPhone",
      e."ids", e."references", e."actor"));
  END LOOP;
  RETURN array_to_json(v_results);
END
$$;
