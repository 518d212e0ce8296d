ALTER TABLE "appointments" ADD COLUMN "rating" integer;--> statement-breakpoint
ALTER TABLE "appointments" ADD COLUMN "feedback" text;