CREATE TABLE "langgraph_runs" (
	"id" varchar(26) PRIMARY KEY NOT NULL,
	"owner_id" varchar(26) NOT NULL,
	"thread_id" varchar(36) NOT NULL,
	"assistant_id" varchar(64) NOT NULL,
	"execution_id" varchar(26),
	"start_seq" integer DEFAULT 0 NOT NULL,
	"status" varchar(16) DEFAULT 'pending' NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"multitask_strategy" varchar(16) DEFAULT 'reject' NOT NULL,
	"kwargs" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "langgraph_threads" (
	"id" varchar(36) PRIMARY KEY NOT NULL,
	"owner_id" varchar(26) NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" varchar(16) DEFAULT 'idle' NOT NULL,
	"conversation_id" varchar(26),
	"last_execution_id" varchar(26),
	"temporary" boolean DEFAULT false NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"state_updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "langgraph_runs" ADD CONSTRAINT "langgraph_runs_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "langgraph_runs" ADD CONSTRAINT "langgraph_runs_thread_id_langgraph_threads_id_fk" FOREIGN KEY ("thread_id") REFERENCES "public"."langgraph_threads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "langgraph_threads" ADD CONSTRAINT "langgraph_threads_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "langgraph_threads" ADD CONSTRAINT "langgraph_threads_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "langgraph_runs_thread_idx" ON "langgraph_runs" USING btree ("thread_id","created_at");--> statement-breakpoint
CREATE INDEX "langgraph_threads_owner_idx" ON "langgraph_threads" USING btree ("owner_id","created_at");