ALTER TABLE "knowledge_bases" ADD COLUMN "embedding_provider" varchar(32);--> statement-breakpoint
ALTER TABLE "knowledge_bases" ADD COLUMN "embedding_model" varchar(200);--> statement-breakpoint
ALTER TABLE "knowledge_bases" ADD COLUMN "embedding_credential_id" varchar(26);--> statement-breakpoint
ALTER TABLE "knowledge_chunks" ADD COLUMN "embedding" real[];--> statement-breakpoint
ALTER TABLE "knowledge_chunks" ADD COLUMN "embedding_key" varchar(240);--> statement-breakpoint
ALTER TABLE "knowledge_documents" ADD COLUMN "embedding_error" text;--> statement-breakpoint
ALTER TABLE "knowledge_bases" ADD CONSTRAINT "knowledge_bases_embedding_credential_id_credentials_id_fk" FOREIGN KEY ("embedding_credential_id") REFERENCES "public"."credentials"("id") ON DELETE set null ON UPDATE no action;