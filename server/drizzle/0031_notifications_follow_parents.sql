-- What the foreign keys on the delivery log's org_id and appointment_id did when their parent went
-- (0030 dropped them): an organization's messages are deleted with it, an appointment's keep their
-- row without the link. Their check on every insert (a locking read of the parent, ~10 µs a key
-- and a row) is what is gone: the rows are written by the server from a visit it has just read,
-- and appointments are never deleted by it.
CREATE FUNCTION crewkit_notifications_follow_organization() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "notifications" WHERE "org_id" = OLD."id";
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER organizations_notifications AFTER DELETE ON "organizations"
  FOR EACH ROW EXECUTE FUNCTION crewkit_notifications_follow_organization();--> statement-breakpoint
CREATE FUNCTION crewkit_notifications_follow_appointment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "notifications" SET "appointment_id" = NULL WHERE "appointment_id" = OLD."id";
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER appointments_notifications AFTER DELETE ON "appointments"
  FOR EACH ROW EXECUTE FUNCTION crewkit_notifications_follow_appointment();
