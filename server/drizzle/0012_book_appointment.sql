-- A new booking in one statement (one round trip, one implicit transaction): reserve the first
-- free technician of the ranked candidates, find or create the customer, insert the appointment
-- and its first history line. The choice of candidates (working hours, buffers, skills, notice,
-- fairness) stays in the application; this only takes the time, and the exclusion constraint
-- reservations_no_overlap still decides every race.
--
-- The two passes over the candidates mirror reserveFirstFree in server/src/services/booking.ts:
-- the first skips a technician whose advisory lock another booking holds right now, so racers
-- spread over technicians instead of queueing behind one uncommitted row; the second waits its
-- turn and frees lapsed holds in the way (the constraint cannot see time).
--
-- Returns the appointment as JSON, or NULL (and changes nothing) when every candidate is taken.
CREATE FUNCTION crewkit_book_appointment(
  p_org_id uuid,
  p_service_item_id uuid,
  p_technician_ids uuid[],
  p_reasons text[],
  p_blocked_start timestamptz,
  p_blocked_end timestamptz,
  p_starts_at timestamptz,
  p_ends_at timestamptz,
  p_buffer_before integer,
  p_buffer_after integer,
  p_price_minor integer,
  p_currency text,
  p_notes text,
  p_customer_id uuid,
  p_customer_name text,
  p_customer_email text,
  p_customer_phone text,
  -- reservation, appointment, history line, new customer: UUIDv7s drawn by the application
  p_ids uuid[],
  p_references text[],
  p_actor text
) RETURNS json
LANGUAGE plpgsql
AS $$
DECLARE
  v_pass integer;
  v_index integer;
  v_technician uuid;
  v_reservation uuid;
  v_customer uuid := p_customer_id;
  v_row appointments;
BEGIN
  <<passes>>
  FOR v_pass IN 1..2 LOOP
    FOR v_index IN 1..coalesce(array_length(p_technician_ids, 1), 0) LOOP
      v_technician := p_technician_ids[v_index];
      INSERT INTO reservations (id, org_id, technician_id, kind, starts_at, ends_at, service_item_id)
      SELECT p_ids[1], p_org_id, v_technician, 'appointment', p_blocked_start, p_blocked_end, p_service_item_id
       WHERE v_pass = 2 OR pg_try_advisory_xact_lock(hashtext('technician:' || v_technician::text))
      ON CONFLICT DO NOTHING
      RETURNING id INTO v_reservation;
      IF v_reservation IS NULL AND v_pass = 2 THEN
        UPDATE reservations SET released_at = now()
         WHERE technician_id = v_technician AND kind = 'hold' AND released_at IS NULL
           AND expires_at <= now()
           AND tstzrange(starts_at, ends_at) && tstzrange(p_blocked_start, p_blocked_end);
        IF FOUND THEN
          INSERT INTO reservations (id, org_id, technician_id, kind, starts_at, ends_at, service_item_id)
          VALUES (p_ids[1], p_org_id, v_technician, 'appointment', p_blocked_start, p_blocked_end, p_service_item_id)
          ON CONFLICT DO NOTHING
          RETURNING id INTO v_reservation;
        END IF;
      END IF;
      EXIT passes WHEN v_reservation IS NOT NULL;
    END LOOP;
  END LOOP;
  IF v_reservation IS NULL THEN
    RETURN NULL;
  END IF;

  -- The unique index on (org_id, lower(email)) settles simultaneous first bookings of one
  -- customer; a row deleted between the two statements is why this may take another round.
  IF v_customer IS NULL THEN
    FOR v_index IN 1..3 LOOP
      SELECT id INTO v_customer FROM customers
       WHERE org_id = p_org_id AND lower(email) = lower(p_customer_email) LIMIT 1;
      EXIT WHEN v_customer IS NOT NULL;
      INSERT INTO customers (id, org_id, name, email, phone)
      VALUES (p_ids[4], p_org_id, p_customer_name, p_customer_email, p_customer_phone)
      ON CONFLICT DO NOTHING
      RETURNING id INTO v_customer;
      EXIT WHEN v_customer IS NOT NULL;
    END LOOP;
    IF v_customer IS NULL THEN
      RAISE EXCEPTION 'could not settle a customer for %', p_customer_email;
    END IF;
  END IF;

  -- A clash of references is rare (24^6 per organization); the next drawn one settles it.
  FOR v_index IN 1..coalesce(array_length(p_references, 1), 0) LOOP
    INSERT INTO appointments (id, org_id, reference, status, service_item_id, customer_id, technician_id,
                              reservation_id, starts_at, ends_at, buffer_before_minutes, buffer_after_minutes,
                              price_minor, currency, notes, assignment_reason)
    VALUES (p_ids[2], p_org_id, p_references[v_index], 'scheduled', p_service_item_id, v_customer, v_technician,
            v_reservation, p_starts_at, p_ends_at, p_buffer_before, p_buffer_after,
            p_price_minor, p_currency, p_notes, p_reasons[array_position(p_technician_ids, v_technician)])
    ON CONFLICT (org_id, reference) DO NOTHING
    RETURNING * INTO v_row;
    IF FOUND THEN
      INSERT INTO appointment_history (id, org_id, appointment_id, from_status, to_status, actor, reason)
      VALUES (p_ids[3], p_org_id, v_row.id, NULL, 'scheduled', p_actor, 'booked');
      RETURN row_to_json(v_row);
    END IF;
  END LOOP;
  RAISE EXCEPTION 'could not draw a unique appointment reference';
END
$$;
--> statement-breakpoint
-- A counter per technician that moves whenever their reservations or time off change, in the
-- same transaction as the change. Availability keeps each technician's busy time in memory and
-- re-reads it only when the counter has moved, so a month over 5,000 appointments need not be
-- read again on every request, and the cache stays right however many instances write. No
-- foreign key: the counter outlives a deleted technician harmlessly, and a cascade deleting their
-- reservations must not be refused by it.
CREATE TABLE schedule_versions (
  technician_id uuid PRIMARY KEY,
  version bigint NOT NULL
);
--> statement-breakpoint
CREATE FUNCTION crewkit_bump_schedule_version() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO schedule_versions AS v (technician_id, version) VALUES (OLD.technician_id, 1)
    ON CONFLICT (technician_id) DO UPDATE SET version = v.version + 1;
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.technician_id IS DISTINCT FROM OLD.technician_id) THEN
    INSERT INTO schedule_versions AS v (technician_id, version) VALUES (NEW.technician_id, 1)
    ON CONFLICT (technician_id) DO UPDATE SET version = v.version + 1;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER reservations_schedule_version AFTER INSERT OR UPDATE OR DELETE ON reservations
  FOR EACH ROW EXECUTE FUNCTION crewkit_bump_schedule_version();
--> statement-breakpoint
CREATE TRIGGER time_off_schedule_version AFTER INSERT OR UPDATE OR DELETE ON time_off
  FOR EACH ROW EXECUTE FUNCTION crewkit_bump_schedule_version();
