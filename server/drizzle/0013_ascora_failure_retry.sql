ALTER TABLE "ascora_sync_failures" ADD COLUMN "retried_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "ascora_sync_failures" ADD COLUMN "resolved_at" timestamp with time zone;