/**
 * The Server-Sent Events parser the browser's run-stream reader uses: the TypeScript SDK's (one parser for
 * the app and the SDK; sdk/typescript has no app imports, so the app may use it, never the other way round).
 */
export { createSseParser, type SseMessage } from "@/sdk/typescript/src/sse";
