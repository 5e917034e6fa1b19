CREATE TABLE "mcp_servers" (
	"id" varchar(26) PRIMARY KEY NOT NULL,
	"owner_id" varchar(26) NOT NULL,
	"name" varchar(100) NOT NULL,
	"url" text NOT NULL,
	"auth_header_name" varchar(100),
	"auth_header_hint" varchar(200) DEFAULT '' NOT NULL,
	"auth_key_id" varchar(32),
	"auth_iv" "bytea",
	"auth_tag" "bytea",
	"auth_ciphertext" "bytea",
	"timeout_ms" integer DEFAULT 30000 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "workflow_definitions" ADD COLUMN "offered_as_tool" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "mcp_servers" ADD CONSTRAINT "mcp_servers_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "mcp_servers_owner_name_idx" ON "mcp_servers" USING btree ("owner_id","name");