DROP TABLE "definition_analytics" CASCADE;--> statement-breakpoint
DROP INDEX "workflow_executions_owner_started_idx";