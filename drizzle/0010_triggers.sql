CREATE TABLE "webhook_deliveries" (
	"hook_id" varchar(26) NOT NULL,
	"signature" varchar(64) NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "webhook_deliveries_hook_id_signature_pk" PRIMARY KEY("hook_id","signature")
);
--> statement-breakpoint
CREATE TABLE "workflow_schedules" (
	"id" varchar(26) PRIMARY KEY NOT NULL,
	"owner_id" varchar(26) NOT NULL,
	"definition_id" varchar(26) NOT NULL,
	"name" varchar(100) NOT NULL,
	"kind" varchar(10) NOT NULL,
	"cron" varchar(200),
	"timezone" varchar(64) DEFAULT 'UTC' NOT NULL,
	"interval_minutes" integer,
	"input" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"version" integer,
	"enabled" boolean DEFAULT true NOT NULL,
	"missed_ticks" varchar(10) DEFAULT 'skip' NOT NULL,
	"next_run_at" timestamp with time zone,
	"last_run_at" timestamp with time zone,
	"last_execution_id" varchar(26),
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "workflow_webhooks" (
	"id" varchar(26) PRIMARY KEY NOT NULL,
	"owner_id" varchar(26) NOT NULL,
	"definition_id" varchar(26) NOT NULL,
	"name" varchar(100) NOT NULL,
	"token" varchar(64) NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"version" integer,
	"secret_key_id" varchar(32),
	"secret_iv" "bytea",
	"secret_auth_tag" "bytea",
	"secret_ciphertext" "bytea",
	"message_expression" text,
	"variables_expression" text,
	"headers" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"response_mode" varchar(10) DEFAULT 'async' NOT NULL,
	"wait_timeout_seconds" integer DEFAULT 30 NOT NULL,
	"rate_per_minute" integer DEFAULT 60 NOT NULL,
	"rate_tokens" double precision,
	"rate_refilled_at" timestamp with time zone,
	"last_called_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "workflow_webhooks_token_unique" UNIQUE("token")
);
--> statement-breakpoint
ALTER TABLE "workflow_executions" ADD COLUMN "trigger_type" varchar(20) DEFAULT 'manual' NOT NULL;--> statement-breakpoint
ALTER TABLE "workflow_executions" ADD COLUMN "trigger_id" varchar(64);--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_hook_id_workflow_webhooks_id_fk" FOREIGN KEY ("hook_id") REFERENCES "public"."workflow_webhooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_schedules" ADD CONSTRAINT "workflow_schedules_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_schedules" ADD CONSTRAINT "workflow_schedules_definition_id_workflow_definitions_id_fk" FOREIGN KEY ("definition_id") REFERENCES "public"."workflow_definitions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_webhooks" ADD CONSTRAINT "workflow_webhooks_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_webhooks" ADD CONSTRAINT "workflow_webhooks_definition_id_workflow_definitions_id_fk" FOREIGN KEY ("definition_id") REFERENCES "public"."workflow_definitions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "webhook_deliveries_expires_idx" ON "webhook_deliveries" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "workflow_schedules_definition_idx" ON "workflow_schedules" USING btree ("owner_id","definition_id");--> statement-breakpoint
CREATE INDEX "workflow_schedules_due_idx" ON "workflow_schedules" USING btree ("next_run_at") WHERE enabled;--> statement-breakpoint
CREATE INDEX "workflow_webhooks_definition_idx" ON "workflow_webhooks" USING btree ("owner_id","definition_id");--> statement-breakpoint
CREATE INDEX "workflow_executions_trigger_idx" ON "workflow_executions" USING btree ("trigger_id","created_at") WHERE trigger_id is not null;--> statement-breakpoint
-- Runs before triggers were recorded: chat turns were started by the chat, the rest is recorded as manual.
UPDATE "workflow_executions" SET "trigger_type" = 'chat' WHERE "workflow_type" = 'CHAT';
