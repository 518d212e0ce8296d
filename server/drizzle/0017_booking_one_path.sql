-- One way to take a technician's time. Every booking path (a new booking alone or in a batch, a
-- hold, a reschedule, a reassignment) reserves through crewkit_reserve_first_free, so the rule of
-- how a reservation is taken exists once: server/src/services/booking/rules.ts calls it for the
-- paths that write in a transaction of their own, and crewkit_book_appointment (group commit,
-- migrations 0012 and 0014) calls it for new bookings. Which technicians to try, in what order,
-- stays in the application (every rule of the availability engine); this only takes the time, and
-- the exclusion constraint reservations_no_overlap still decides every race.
--
-- Two passes over the candidates: the first skips a technician whose advisory lock another booking
-- holds right now (pg_try_advisory_xact_lock, no waiting), so racers spread over technicians instead
-- of queueing behind one uncommitted row; the second waits its turn and frees lapsed holds in the
-- way (the constraint cannot see time). ON CONFLICT DO NOTHING also covers the exclusion
-- constraint, so a taken slot inserts nothing instead of aborting the caller's transaction.
--
-- Returns the technician whose time was reserved (as reservation p_id), or NULL when every
-- candidate is taken (nothing changed).
CREATE FUNCTION crewkit_reserve_first_free(
  p_id uuid,
  p_org_id uuid,
  p_technician_ids uuid[],
  p_kind text,
  p_blocked_start timestamptz,
  p_blocked_end timestamptz,
  p_service_item_id uuid,
  p_holder_key text,
  p_expires_at timestamptz
) RETURNS uuid
LANGUAGE plpgsql
AS $$
DECLARE
  v_pass integer;
  v_index integer;
  v_technician uuid;
  v_reservation uuid;
BEGIN
  FOR v_pass IN 1..2 LOOP
    FOR v_index IN 1..coalesce(array_length(p_technician_ids, 1), 0) LOOP
      v_technician := p_technician_ids[v_index];
      INSERT INTO reservations (id, org_id, technician_id, kind, starts_at, ends_at, service_item_id, holder_key, expires_at)
      SELECT p_id, p_org_id, v_technician, p_kind, p_blocked_start, p_blocked_end, p_service_item_id, p_holder_key, p_expires_at
       WHERE v_pass = 2 OR pg_try_advisory_xact_lock(hashtext('technician:' || v_technician::text))
      ON CONFLICT DO NOTHING
      RETURNING id INTO v_reservation;
      IF v_reservation IS NULL AND v_pass = 2 THEN
        -- Rarely needed, so not done before every insert.
        UPDATE reservations SET released_at = now()
         WHERE technician_id = v_technician AND kind = 'hold' AND released_at IS NULL
           AND expires_at <= now()
           AND tstzrange(starts_at, ends_at) && tstzrange(p_blocked_start, p_blocked_end);
        IF FOUND THEN
          INSERT INTO reservations (id, org_id, technician_id, kind, starts_at, ends_at, service_item_id, holder_key, expires_at)
          VALUES (p_id, p_org_id, v_technician, p_kind, p_blocked_start, p_blocked_end, p_service_item_id, p_holder_key, p_expires_at)
          ON CONFLICT DO NOTHING
          RETURNING id INTO v_reservation;
        END IF;
      END IF;
      IF v_reservation IS NOT NULL THEN
        RETURN v_technician;
      END IF;
    END LOOP;
  END LOOP;
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- A new booking in one statement, as in migration 0012, now reserving through
-- crewkit_reserve_first_free instead of a copy of its loop.
CREATE OR REPLACE FUNCTION crewkit_book_appointment(
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
  v_index integer;
  v_technician uuid;
  v_reservation uuid;
  v_customer uuid := p_customer_id;
  v_row appointments;
BEGIN
  v_technician := crewkit_reserve_first_free(p_ids[1], p_org_id, p_technician_ids, 'appointment',
                                             p_blocked_start, p_blocked_end, p_service_item_id, NULL, NULL);
  IF v_technician IS NULL THEN
    RETURN NULL;
  END IF;
  v_reservation := p_ids[1];

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
