/**
 * Tracking: where runs are recorded, streamed and measured. Server only; the client-safe feed contract
 * is in lib/contracts/feed-events (the run event contract is lib/contracts/events).
 */
import "server-only";

export { getWorkflowTracker, WorkflowTracker, type WorkflowTrackerOptions } from "./workflow-tracker";
export { EventBus, getEventBus, SubscriberOverflowError, type SubscribeOptions } from "./event-bus";
export { cancelExecution, type CancelOutcome } from "./cancel";
export { sweepStaleExecutions, INTERRUPTED_ERROR_CODE } from "./sweeper";
export { pruneExpiredData, retentionFromEnv, type PruneReport, type RetentionSettings } from "./retention";
export { startTrackingServices, stopTrackingServices, sweepNow, pruneNow } from "./services";
export { executionEventsResponse, runFeedResponse } from "./sse";
export {
  analyticsRangeQuerySchema,
  getAnalyticsDashboard,
  getAnalyticsSummary,
  getDefinitionAnalytics,
  getModelAnalytics,
  getTemplateAnalytics,
  type AnalyticsRangeQuery,
} from "./analytics";
export { runStatusEventSchema, toFeedSse, type RunStatusEvent } from "@/lib/contracts/feed-events";
