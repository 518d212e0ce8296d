CREATE TABLE "imports" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"format" text NOT NULL,
	"status" text NOT NULL,
	"content" text NOT NULL,
	"total_rows" integer,
	"imported_rows" integer,
	"errors" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "imports" ADD CONSTRAINT "imports_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "imports_org_idx" ON "imports" USING btree ("org_id","created_at");--> statement-breakpoint
-- The live event stream (streamEvents, server/src/events/live-stream.ts).
-- Each event records the transaction that wrote it: the stream reads only events of transactions
-- older than every transaction still running, so an event committed late can never land behind a
-- client's Last-Event-ID (a plain seq cursor would skip it). xid8 is 64-bit and never wraps.
ALTER TABLE "domain_events" ADD COLUMN "tx_id" xid8 DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
CREATE INDEX "domain_events_org_tx_seq_idx" ON "domain_events" USING btree ("org_id", "tx_id", "seq");--> statement-breakpoint
-- Wakes every instance's streams for the organization when its events commit (NOTIFY is delivered
-- at commit, once per distinct payload per transaction, so a batch of events is one wake-up).
CREATE FUNCTION crewkit_notify_domain_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('crewkit_domain_events', NEW.org_id::text);
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER domain_events_notify AFTER INSERT ON "domain_events"
  FOR EACH ROW EXECUTE FUNCTION crewkit_notify_domain_event();
