CREATE TABLE "attachments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"appointment_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"file_name" text NOT NULL,
	"content_type" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"sha256" text NOT NULL,
	"storage_key" text NOT NULL,
	"thumbnail_key" text,
	"width" integer,
	"height" integer,
	"caption" text,
	"uploaded_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "job_sheet_checks" (
	"org_id" uuid NOT NULL,
	"appointment_id" uuid NOT NULL,
	"key" text NOT NULL,
	"done" boolean NOT NULL,
	"checked_by" text NOT NULL,
	"checked_at" timestamp with time zone NOT NULL,
	CONSTRAINT "job_sheet_checks_appointment_id_key_pk" PRIMARY KEY("appointment_id","key")
);
--> statement-breakpoint
CREATE TABLE "job_sheet_notes" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"appointment_id" uuid NOT NULL,
	"author_kind" text NOT NULL,
	"author" text NOT NULL,
	"visibility" text NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "job_sheets" (
	"appointment_id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"travel_minutes_override" integer,
	"work_minutes_override" integer,
	"correction_reason" text,
	"corrected_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "parts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"sku" text NOT NULL,
	"name" text NOT NULL,
	"unit_cost_minor" integer NOT NULL,
	"unit_price_minor" integer NOT NULL,
	"tax_code" text,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "parts_used" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"appointment_id" uuid NOT NULL,
	"part_id" uuid,
	"sku" text,
	"name" text NOT NULL,
	"quantity" numeric(12, 3) NOT NULL,
	"unit_cost_minor" integer,
	"unit_price_minor" integer,
	"tax_code" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "parts_used_quantity_check" CHECK ("parts_used"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE "signatures" (
	"appointment_id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"signer_name" text NOT NULL,
	"image_key" text,
	"signed_at" timestamp with time zone NOT NULL,
	"sheet_hash" text NOT NULL,
	"captured_by" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "appointment_history" ADD COLUMN "changed_fields" text[];--> statement-breakpoint
ALTER TABLE "appointments" ADD COLUMN "internal_notes" text;--> statement-breakpoint
ALTER TABLE "appointments" ADD COLUMN "site_address" jsonb;--> statement-breakpoint
ALTER TABLE "appointments" ADD COLUMN "visit_contact" jsonb;--> statement-breakpoint
ALTER TABLE "service_items" ADD COLUMN "checklist" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "service_items" ADD COLUMN "completion_rules" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_appointment_id_appointments_id_fk" FOREIGN KEY ("appointment_id") REFERENCES "public"."appointments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_sheet_checks" ADD CONSTRAINT "job_sheet_checks_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_sheet_checks" ADD CONSTRAINT "job_sheet_checks_appointment_id_appointments_id_fk" FOREIGN KEY ("appointment_id") REFERENCES "public"."appointments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_sheet_notes" ADD CONSTRAINT "job_sheet_notes_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_sheet_notes" ADD CONSTRAINT "job_sheet_notes_appointment_id_appointments_id_fk" FOREIGN KEY ("appointment_id") REFERENCES "public"."appointments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_sheets" ADD CONSTRAINT "job_sheets_appointment_id_appointments_id_fk" FOREIGN KEY ("appointment_id") REFERENCES "public"."appointments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_sheets" ADD CONSTRAINT "job_sheets_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "parts" ADD CONSTRAINT "parts_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "parts_used" ADD CONSTRAINT "parts_used_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "parts_used" ADD CONSTRAINT "parts_used_appointment_id_appointments_id_fk" FOREIGN KEY ("appointment_id") REFERENCES "public"."appointments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "parts_used" ADD CONSTRAINT "parts_used_part_id_parts_id_fk" FOREIGN KEY ("part_id") REFERENCES "public"."parts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signatures" ADD CONSTRAINT "signatures_appointment_id_appointments_id_fk" FOREIGN KEY ("appointment_id") REFERENCES "public"."appointments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signatures" ADD CONSTRAINT "signatures_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "attachments_appointment_idx" ON "attachments" USING btree ("appointment_id","id");--> statement-breakpoint
CREATE INDEX "job_sheet_notes_appointment_idx" ON "job_sheet_notes" USING btree ("appointment_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "parts_sku_unique" ON "parts" USING btree ("org_id",lower("sku"));--> statement-breakpoint
CREATE INDEX "parts_org_idx" ON "parts" USING btree ("org_id","id");--> statement-breakpoint
CREATE INDEX "parts_used_appointment_idx" ON "parts_used" USING btree ("appointment_id","id");--> statement-breakpoint
-- Every appointment has a site. Without one given, a rescheduled visit keeps its predecessor's
-- site (and its office notes and visit contact), and a new one goes to the customer's address.
-- A trigger, so every way an appointment is inserted (the booking functions, a converted hold,
-- a reschedule) gets the same default without each path repeating it.
CREATE FUNCTION crewkit_appointment_site_default() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  IF NEW.rescheduled_from_id IS NOT NULL THEN
    SELECT coalesce(NEW.site_address, p.site_address), coalesce(NEW.internal_notes, p.internal_notes),
           coalesce(NEW.visit_contact, p.visit_contact)
      INTO NEW.site_address, NEW.internal_notes, NEW.visit_contact
      FROM appointments p WHERE p.id = NEW.rescheduled_from_id;
  END IF;
  IF NEW.site_address IS NULL THEN
    SELECT c.address INTO NEW.site_address FROM customers c WHERE c.id = NEW.customer_id;
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER appointments_site_default BEFORE INSERT ON appointments
  FOR EACH ROW EXECUTE FUNCTION crewkit_appointment_site_default();
--> statement-breakpoint
-- Group commit (migration 0014) with the visit's site and contact: set on the appointment just
-- booked, in the same statement, so a booking never commits with the default and is fixed later.
CREATE OR REPLACE FUNCTION crewkit_book_appointments(p_entries json) RETURNS json
LANGUAGE plpgsql
AS $$
DECLARE
  e record;
  v_result json;
  v_results json[] := '{}';
BEGIN
  FOR e IN SELECT * FROM json_to_recordset(p_entries) AS x(
      "orgId" uuid, "serviceItemId" uuid, "technicianIds" uuid[], "reasons" text[],
      "blockedStart" timestamptz, "blockedEnd" timestamptz, "startsAt" timestamptz, "endsAt" timestamptz,
      "bufferBefore" integer, "bufferAfter" integer, "priceMinor" integer, "currency" text, "notes" text,
      "customerId" uuid, "customerName" text, "customerEmail" text, "customerPhone" text,
      "ids" uuid[], "references" text[], "actor" text, "siteAddress" jsonb, "visitContact" jsonb)
  LOOP
    v_result := crewkit_book_appointment(
      e."orgId", e."serviceItemId", e."technicianIds", e."reasons",
      e."blockedStart", e."blockedEnd", e."startsAt", e."endsAt",
      e."bufferBefore", e."bufferAfter", e."priceMinor", e."currency", e."notes",
      e."customerId", e."customerName", e."customerEmail", e."customerPhone",
      e."ids", e."references", e."actor");
    IF v_result IS NOT NULL AND (e."siteAddress" IS NOT NULL OR e."visitContact" IS NOT NULL) THEN
      UPDATE appointments a
         SET site_address = coalesce(e."siteAddress", a.site_address),
             visit_contact = coalesce(e."visitContact", a.visit_contact)
       WHERE a.id = (v_result->>'id')::uuid
      RETURNING row_to_json(a.*) INTO v_result;
    END IF;
    v_results := array_append(v_results, v_result);
  END LOOP;
  RETURN array_to_json(v_results);
END
$$;
