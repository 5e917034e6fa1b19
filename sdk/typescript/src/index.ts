/**
 * @lattice/sdk — the TypeScript client of the Lattice API (Node 20+ and browsers).
 *
 *   const client = new LatticeClient({ baseUrl: "http://localhost:3000", apiKey: process.env.LATTICE_API_KEY });
 *   const stream = await client.executions.stream({ type: "DEFINITION", definitionId, input: { message: "Hi" } });
 *   for await (const event of stream) if (event.type === "token") process.stdout.write(event.data.text);
 */
export * from "./client.js";
export * from "./errors.js";
export { backoffDelay, type RetryInfo, type RetryOptions } from "./http.js";
export { RunStream, type OpenConnection, type ReconnectInfo, type StreamOptions } from "./run-stream.js";
export { createSseParser, readSse, type SseMessage } from "./sse.js";
export * from "./types.js";
