/** The queue-depth figure's contract (client-safe: the analytics summary carries it to the dashboard). */
import { z } from "zod";

export const queueDepthSchema = z
  .object({
    mode: z
      .enum(["inline", "queue"])
      .meta({ description: "`queue`: background runs go to workers (LATTICE_RUN_MODE)" }),
    waiting: z.number().int().meta({ description: "Queued runs due to start, waiting for a free worker (all users)" }),
    scheduled: z
      .number()
      .int()
      .meta({ description: "Queued runs due later: scheduled runs and retries backing off (all users)" }),
    running: z.number().int().meta({ description: "Runs workers are running now (all users)" }),
    yours: z.number().int().meta({ description: "Your runs waiting in the queue" }),
  })
  .meta({ id: "QueueDepth" });
export type QueueDepth = z.infer<typeof queueDepthSchema>;
