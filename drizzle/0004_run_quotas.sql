CREATE TABLE "run_quotas" (
	"owner_id" varchar(26) PRIMARY KEY NOT NULL,
	"tokens" double precision NOT NULL,
	"refilled_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "workflow_executions_owner_status_idx";--> statement-breakpoint
DROP INDEX "workflow_executions_running_idx";--> statement-breakpoint
ALTER TABLE "run_quotas" ADD CONSTRAINT "run_quotas_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "workflow_executions_active_idx" ON "workflow_executions" USING btree ("owner_id","status") WHERE status in ('running', 'pending');