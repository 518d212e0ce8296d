CREATE TABLE "ascora_pending_creates" (
	"org_id" uuid NOT NULL,
	"entity" text NOT NULL,
	"local_id" uuid NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	CONSTRAINT "ascora_pending_creates_org_id_entity_local_id_pk" PRIMARY KEY("org_id","entity","local_id")
);
--> statement-breakpoint
ALTER TABLE "ascora_connections" ADD COLUMN "last_webhook_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "ascora_sync_runs" ADD COLUMN "progress" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "ascora_pending_creates" ADD CONSTRAINT "ascora_pending_creates_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;