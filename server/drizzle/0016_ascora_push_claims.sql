CREATE TABLE "ascora_push_claims" (
	"org_id" uuid NOT NULL,
	"entity" text NOT NULL,
	"local_id" uuid NOT NULL,
	"token" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "ascora_push_claims_org_id_entity_local_id_pk" PRIMARY KEY("org_id","entity","local_id")
);
--> statement-breakpoint
ALTER TABLE "ascora_push_claims" ADD CONSTRAINT "ascora_push_claims_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;