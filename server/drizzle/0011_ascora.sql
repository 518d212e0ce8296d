CREATE TABLE "ascora_conflicts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"entity" text NOT NULL,
	"local_id" uuid NOT NULL,
	"ascora_id" text NOT NULL,
	"fields" text[] NOT NULL,
	"local" jsonb NOT NULL,
	"remote" jsonb NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"resolution" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "ascora_connections" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"base_url" text NOT NULL,
	"api_key_sealed" text,
	"webhook_token_hash" text,
	"webhook_subscription_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"directions" jsonb NOT NULL,
	"sync_interval_minutes" integer DEFAULT 60 NOT NULL,
	"conflict_strategy" text DEFAULT 'newest_wins' NOT NULL,
	"connected_at" timestamp with time zone NOT NULL,
	"disconnected_at" timestamp with time zone,
	"last_sync_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ascora_mappings" (
	"org_id" uuid NOT NULL,
	"entity" text NOT NULL,
	"ascora_id" text NOT NULL,
	"local_id" uuid NOT NULL,
	"ascora_number" text,
	"synced_hash" text NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ascora_mappings_org_id_entity_ascora_id_pk" PRIMARY KEY("org_id","entity","ascora_id")
);
--> statement-breakpoint
CREATE TABLE "ascora_sync_failures" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"run_id" uuid NOT NULL,
	"entity" text NOT NULL,
	"ascora_id" text,
	"local_id" uuid,
	"reason" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ascora_sync_runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"trigger" text NOT NULL,
	"status" text NOT NULL,
	"checkpoint" jsonb,
	"total_pages" integer,
	"counts" jsonb NOT NULL,
	"error" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"heartbeat_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "ascora_webhook_receipts" (
	"org_id" uuid NOT NULL,
	"digest" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ascora_webhook_receipts_org_id_digest_pk" PRIMARY KEY("org_id","digest")
);
--> statement-breakpoint
CREATE TABLE "invoice_lines" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"invoice_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"item_code" text,
	"description" text NOT NULL,
	"quantity" double precision NOT NULL,
	"unit_amount_ex_tax_minor" integer NOT NULL,
	"amount_ex_tax_minor" integer NOT NULL,
	"line_type" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "invoices" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"number" text NOT NULL,
	"job_id" uuid,
	"issued_on" date NOT NULL,
	"currency" text NOT NULL,
	"total_ex_tax_minor" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "jobs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"number" text,
	"name" text NOT NULL,
	"description" text,
	"work_undertaken" text,
	"status" text DEFAULT 'new' NOT NULL,
	"site_customer_id" uuid,
	"billing_customer_id" uuid,
	"address" jsonb,
	"total_ex_tax_minor" integer DEFAULT 0 NOT NULL,
	"total_inc_tax_minor" integer DEFAULT 0 NOT NULL,
	"completed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "jobs_status_check" CHECK ("jobs"."status" in ('new', 'booked', 'in_progress', 'completed', 'cancelled'))
);
--> statement-breakpoint
CREATE TABLE "payments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"invoice_id" uuid NOT NULL,
	"amount_minor" integer NOT NULL,
	"paid_on" date NOT NULL,
	"method" text NOT NULL,
	"reference" text,
	"origin" text NOT NULL,
	"push_state" text,
	"push_attempts" integer DEFAULT 0 NOT NULL,
	"push_error" text,
	"pushed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "appointments" ADD COLUMN "job_id" uuid;--> statement-breakpoint
ALTER TABLE "ascora_conflicts" ADD CONSTRAINT "ascora_conflicts_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ascora_connections" ADD CONSTRAINT "ascora_connections_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ascora_mappings" ADD CONSTRAINT "ascora_mappings_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ascora_sync_failures" ADD CONSTRAINT "ascora_sync_failures_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ascora_sync_failures" ADD CONSTRAINT "ascora_sync_failures_run_id_ascora_sync_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."ascora_sync_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ascora_sync_runs" ADD CONSTRAINT "ascora_sync_runs_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ascora_webhook_receipts" ADD CONSTRAINT "ascora_webhook_receipts_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_lines" ADD CONSTRAINT "invoice_lines_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_lines" ADD CONSTRAINT "invoice_lines_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_site_customer_id_customers_id_fk" FOREIGN KEY ("site_customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_billing_customer_id_customers_id_fk" FOREIGN KEY ("billing_customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ascora_conflicts_org_idx" ON "ascora_conflicts" USING btree ("org_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "ascora_conflicts_open_unique" ON "ascora_conflicts" USING btree ("org_id","entity","local_id") WHERE "ascora_conflicts"."status" = 'open';--> statement-breakpoint
CREATE UNIQUE INDEX "ascora_mappings_local_unique" ON "ascora_mappings" USING btree ("org_id","entity","local_id");--> statement-breakpoint
CREATE INDEX "ascora_sync_failures_run_idx" ON "ascora_sync_failures" USING btree ("run_id","id");--> statement-breakpoint
CREATE INDEX "ascora_sync_runs_org_idx" ON "ascora_sync_runs" USING btree ("org_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "ascora_sync_runs_one_running" ON "ascora_sync_runs" USING btree ("org_id") WHERE "ascora_sync_runs"."status" = 'running';--> statement-breakpoint
CREATE UNIQUE INDEX "invoice_lines_position_unique" ON "invoice_lines" USING btree ("invoice_id","position");--> statement-breakpoint
CREATE INDEX "invoices_org_idx" ON "invoices" USING btree ("org_id","id");--> statement-breakpoint
CREATE INDEX "invoices_number_idx" ON "invoices" USING btree ("org_id","number");--> statement-breakpoint
CREATE INDEX "jobs_org_idx" ON "jobs" USING btree ("org_id","id");--> statement-breakpoint
CREATE INDEX "jobs_site_customer_idx" ON "jobs" USING btree ("site_customer_id");--> statement-breakpoint
CREATE INDEX "payments_org_idx" ON "payments" USING btree ("org_id","id");--> statement-breakpoint
CREATE INDEX "payments_invoice_idx" ON "payments" USING btree ("invoice_id");--> statement-breakpoint
CREATE INDEX "payments_push_idx" ON "payments" USING btree ("org_id") WHERE "payments"."push_state" = 'pending';--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE set null ON UPDATE no action;