/**
 * Runs once when the server starts. The Node.js work lives in instrumentation-node.ts so the Edge bundle
 * never sees Node APIs.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  const { startServer } = await import("./instrumentation-node");
  await startServer();
}
