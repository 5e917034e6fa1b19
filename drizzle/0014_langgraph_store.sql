CREATE TABLE "langgraph_store_items" (
	"owner_id" varchar(26) NOT NULL,
	"namespace" text[] NOT NULL,
	"key" text NOT NULL,
	"value" jsonb NOT NULL,
	"search_text" text,
	"ttl_minutes" double precision,
	"expires_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "langgraph_store_items_owner_id_namespace_key_pk" PRIMARY KEY("owner_id","namespace","key")
);
--> statement-breakpoint
ALTER TABLE "langgraph_store_items" ADD CONSTRAINT "langgraph_store_items_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "langgraph_store_items_expires_idx" ON "langgraph_store_items" USING btree ("expires_at") WHERE expires_at is not null;