/**
 * The LangGraph Platform API under /api/langgraph (the SDK's `apiUrl`): one small router from method and
 * path to the handlers of assistants.ts, threads.ts and runs.ts. Every request but /ok and /info needs a
 * caller (lgAuthenticate); every resource is the caller's (another user's is a 404).
 */
import "server-only";
import { z } from "zod";
import { version as langgraphVersion } from "@langchain/langgraph/package.json";
import type { AuthUser } from "@/lib/auth/types";
import { AppError } from "@/lib/errors";
import { sseResponse } from "@/lib/http/sse";
import {
  assistantGraph,
  assistantOf,
  assistantSchemas,
  assistantVersions,
  countAssistants,
  createAssistant,
  deleteAssistant,
  patchAssistant,
  resolveAssistant,
  searchAssistants,
  setLatestVersion,
} from "./assistants";
import { countCrons, createCron, deleteCron, searchCrons, updateCron } from "./crons";
import { deleteItem, getItem, listNamespaces, putItem, searchItems } from "./store";
import { toLgSse } from "./events";
import { CORS_HEADERS, lgAuthenticate, lgBody, lgErrorResponse, lgJson, lgNoContent, lgParse, notFound } from "./http";
import {
  cancelLgRun,
  createLgRun,
  kwargsOf,
  listLgRuns,
  requireRun,
  runFrames,
  runOutput,
  toLgRun,
  waitForEnd,
} from "./runs";
import {
  assistantCountSchema,
  assistantCreateSchema,
  assistantLatestSchema,
  assistantPatchSchema,
  assistantSearchSchema,
  assistantVersionsSchema,
  cronCreateSchema,
  cronPatchSchema,
  cronSearchSchema,
  historySchema,
  runBatchSchema,
  runCancelManySchema,
  runCreateSchema,
  storeDeleteSchema,
  storeGetQuerySchema,
  storeNamespacesSchema,
  storePutSchema,
  storeSearchSchema,
  threadCountSchema,
  threadCreateSchema,
  threadIdSchema,
  threadPatchSchema,
  threadPruneSchema,
  threadSearchSchema,
  updateStateSchema,
} from "./schemas";
import {
  copyThread,
  countLgThreads,
  createThread,
  currentState,
  patchThread,
  removeThread,
  requireThread,
  searchLgThreads,
  stateAt,
  threadHistory,
  toLgThread,
  updateThreadState,
} from "./threads";
import { getRun, listInflightRuns, listOwnerRunsByStatus } from "@/lib/db/queries/langgraph";

export const LANGGRAPH_PREFIX = "/api/langgraph";

interface Ctx {
  request: Request;
  user: AuthUser;
  params: string[];
  query: URLSearchParams;
}

type Handler = (ctx: Ctx) => Promise<Response>;

interface Route {
  method: string;
  pattern: string[];
  handler: Handler;
  public?: boolean;
}

const routes: Route[] = [];
function route(method: string, path: string, handler: Handler, options: { public?: boolean } = {}) {
  routes.push({ method, pattern: path.split("/").filter(Boolean), handler, ...options });
}

/** A thread id from the path: a UUID, else a 404 (LangGraph answers 422; a 404 says no more). */
function threadParam(value: string | undefined): string {
  if (!value || !threadIdSchema.safeParse(value).success) throw notFound(`Thread '${value ?? ""}'`);
  return value;
}

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(10),
  offset: z.coerce.number().int().min(0).default(0),
  status: z.enum(["pending", "running", "error", "success", "timeout", "interrupted"]).optional(),
});

function queryObject(query: URLSearchParams): Record<string, string> {
  return Object.fromEntries([...query.entries()].filter(([, v]) => v !== ""));
}

/** An SSE answer of a run's frames, with Content-Location naming the run. */
function runStream(
  request: Request,
  user: AuthUser,
  run: { id: string; threadId: string; temporaryThread: boolean },
  {
    cancelOnDisconnect,
    lastEventId,
    streamMode,
  }: { cancelOnDisconnect: boolean; lastEventId?: string | null; streamMode?: string[] },
): Response {
  const response = sseResponse(
    async function* (signal) {
      try {
        for await (const frame of runFrames({
          ownerId: user.id,
          runId: run.id,
          lastEventId: lastEventId ?? null,
          signal,
          ...(streamMode ? { streamMode } : {}),
        }))
          yield toLgSse(frame);
      } finally {
        // The client left before the run ended (the stream's reader stops the generator here).
        if (signal.aborted && cancelOnDisconnect) {
          const current = await requireRun(user.id, run.threadId, run.id).catch(() => null);
          if (current) await cancelLgRun(user.id, current, "interrupt");
        }
      }
    },
    {
      signal: request.signal,
      onError: (error) =>
        toLgSse({
          event: "error",
          data: { error: "StreamError", message: error instanceof AppError ? error.message : "The stream failed." },
        }),
    },
  );
  response.headers.set(
    "content-location",
    run.temporaryThread
      ? `${LANGGRAPH_PREFIX}/runs/${run.id}`
      : `${LANGGRAPH_PREFIX}/threads/${run.threadId}/runs/${run.id}`,
  );
  for (const [name, value] of Object.entries(CORS_HEADERS)) response.headers.set(name, value);
  return response;
}

function runLocation(threadId: string, runId: string, temporary: boolean) {
  return temporary ? `${LANGGRAPH_PREFIX}/runs/${runId}` : `${LANGGRAPH_PREFIX}/threads/${threadId}/runs/${runId}`;
}

// ---------------------------------------------------------------------------------------------------------
// Meta
// ---------------------------------------------------------------------------------------------------------

route("GET", "ok", async () => lgJson({ ok: true }), { public: true });
route(
  "GET",
  "info",
  async () =>
    lgJson({
      version: "0.7.0",
      langgraph_js_version: langgraphVersion,
      context: "js",
      host: "lattice",
      flags: { assistants: true, crons: true, langsmith: false, langsmith_tracing_replicas: false, store: true },
    }),
  { public: true },
);

// ---------------------------------------------------------------------------------------------------------
// Assistants
// ---------------------------------------------------------------------------------------------------------

route("POST", "assistants/search", async ({ request, user }) => {
  const query = await lgBody(request, assistantSearchSchema, { optional: true });
  const { assistants, next } = await searchAssistants(user.id, query);
  return lgJson(assistants, { headers: next ? { "x-pagination-next": next } : {} });
});
route("POST", "assistants/count", async ({ request, user }) =>
  lgJson(await countAssistants(user.id, await lgBody(request, assistantCountSchema, { optional: true }))),
);
route("POST", "assistants", async ({ request, user }) =>
  lgJson(await createAssistant(user.id, await lgBody(request, assistantCreateSchema))),
);
route("GET", "assistants/:id", async ({ user, params }) =>
  lgJson(assistantOf(await resolveAssistant(user.id, params[0]!))),
);
route("PATCH", "assistants/:id", async ({ request, user, params }) => {
  const { _workflow, ...assistant } = await patchAssistant(
    user.id,
    params[0]!,
    await lgBody(request, assistantPatchSchema),
  );
  return lgJson(assistant);
});
route("DELETE", "assistants/:id", async ({ user, params }) => {
  await deleteAssistant(user.id, params[0]!);
  return lgNoContent();
});
route("GET", "assistants/:id/graph", async ({ user, params }) =>
  lgJson(assistantGraph(await resolveAssistant(user.id, params[0]!))),
);
route("GET", "assistants/:id/schemas", async ({ user, params }) =>
  lgJson(assistantSchemas(await resolveAssistant(user.id, params[0]!))),
);
route("GET", "assistants/:id/subgraphs", async ({ user, params }) => {
  await resolveAssistant(user.id, params[0]!);
  return lgJson({});
});
route("POST", "assistants/:id/versions", async ({ request, user, params }) =>
  lgJson(
    await assistantVersions(user.id, params[0]!, await lgBody(request, assistantVersionsSchema, { optional: true })),
  ),
);
route("POST", "assistants/:id/latest", async ({ request, user, params }) =>
  lgJson(await setLatestVersion(user.id, params[0]!, (await lgBody(request, assistantLatestSchema)).version)),
);

// ---------------------------------------------------------------------------------------------------------
// Threads
// ---------------------------------------------------------------------------------------------------------

route("POST", "threads", async ({ request, user }) =>
  lgJson(await toLgThread(await createThread(user.id, await lgBody(request, threadCreateSchema, { optional: true })))),
);
route("POST", "threads/search", async ({ request, user }) =>
  lgJson(await searchLgThreads(user.id, await lgBody(request, threadSearchSchema, { optional: true }))),
);
route("POST", "threads/count", async ({ request, user }) =>
  lgJson(await countLgThreads(user.id, await lgBody(request, threadCountSchema, { optional: true }))),
);
route("POST", "threads/prune", async ({ request, user }) => {
  const body = await lgBody(request, threadPruneSchema);
  if (body.strategy === "keep_latest")
    throw new AppError(
      "validation:body",
      "Invalid body: strategy: keep_latest is not supported by Lattice (a thread's checkpoints are its runs' steps)",
    );
  let pruned = 0;
  for (const id of body.thread_ids) {
    const thread = await requireThread(user.id, id).catch(() => null);
    if (!thread) continue;
    await stopThreadRuns(user.id, id);
    await removeThread(user.id, id);
    pruned += 1;
  }
  return lgJson({ pruned_count: pruned });
});
route("GET", "threads/:thread", async ({ user, params }) =>
  lgJson(await toLgThread(await requireThread(user.id, threadParam(params[0])))),
);
route("PATCH", "threads/:thread", async ({ request, user, params }) => {
  const id = threadParam(params[0]);
  const body = await lgBody(request, threadPatchSchema, { optional: true });
  return lgJson(await toLgThread(await patchThread(user.id, id, body.metadata)));
});
route("DELETE", "threads/:thread", async ({ user, params }) => {
  const id = threadParam(params[0]);
  await requireThread(user.id, id);
  await stopThreadRuns(user.id, id);
  await removeThread(user.id, id);
  return lgNoContent();
});

/** A thread about to go: its runs going are cancelled first (their executions end `cancelled`). */
async function stopThreadRuns(ownerId: string, threadId: string) {
  for (const run of await listInflightRuns({ ownerId, threadId })) await cancelLgRun(ownerId, run, "interrupt");
}
route("POST", "threads/:thread/copy", async ({ user, params }) =>
  lgJson(await toLgThread(await copyThread(user.id, threadParam(params[0])))),
);
route("GET", "threads/:thread/state", async ({ user, params }) =>
  lgJson(await currentState(await requireThread(user.id, threadParam(params[0])))),
);
route("GET", "threads/:thread/state/:checkpoint", async ({ user, params }) =>
  lgJson(await stateAt(user.id, threadParam(params[0]), params[1]!)),
);
route("POST", "threads/:thread/state/checkpoint", async ({ request, user, params }) => {
  const body = await lgBody(
    request,
    z.object({ checkpoint: z.object({ checkpoint_id: z.string().min(1).max(100) }).loose() }),
  );
  return lgJson(await stateAt(user.id, threadParam(params[0]), body.checkpoint.checkpoint_id));
});
route("POST", "threads/:thread/state", async ({ request, user, params }) => {
  const id = threadParam(params[0]);
  await requireThread(user.id, id);
  return lgJson(await updateThreadState(user.id, id, await lgBody(request, updateStateSchema)));
});
route("POST", "threads/:thread/history", async ({ request, user, params }) =>
  lgJson(
    await threadHistory(user.id, threadParam(params[0]), await lgBody(request, historySchema, { optional: true })),
  ),
);
route("GET", "threads/:thread/history", async ({ user, params, query }) => {
  const limit = lgParse(z.coerce.number().int().min(1).max(1000).default(10), query.get("limit") ?? undefined, "query");
  return lgJson(await threadHistory(user.id, threadParam(params[0]), { limit, before: query.get("before") }));
});

// ---------------------------------------------------------------------------------------------------------
// Runs
// ---------------------------------------------------------------------------------------------------------

async function startFromRequest(ctx: Ctx, threadId: string | null) {
  const body = await lgBody(ctx.request, runCreateSchema);
  const { run, thread } = await createLgRun(ctx.user, threadId, body);
  return { run, thread, body };
}

function streamModesParam(query: URLSearchParams): string[] | undefined {
  const modes = query.getAll("stream_mode").filter(Boolean);
  return modes.length ? modes : undefined;
}

for (const stateless of [false, true]) {
  const base = stateless ? "runs" : "threads/:thread/runs";
  const threadOf = (params: string[]) => (stateless ? null : threadParam(params[0]));
  route("POST", base, async (ctx) => {
    const { run, thread } = await startFromRequest(ctx, threadOf(ctx.params));
    return lgJson(toLgRun(run), { headers: { "content-location": runLocation(thread.id, run.id, thread.temporary) } });
  });
  route("POST", `${base}/stream`, async (ctx) => {
    const { run, thread, body } = await startFromRequest(ctx, threadOf(ctx.params));
    return runStream(
      ctx.request,
      ctx.user,
      { id: run.id, threadId: thread.id, temporaryThread: thread.temporary },
      { cancelOnDisconnect: body.on_disconnect === "cancel" },
    );
  });
  route("POST", `${base}/wait`, async (ctx) => {
    const { run, thread } = await startFromRequest(ctx, threadOf(ctx.params));
    const output = await runOutput(ctx.user.id, run.id, ctx.request.signal);
    return lgJson(output, { headers: { "content-location": runLocation(thread.id, run.id, thread.temporary) } });
  });
}

route("GET", "threads/:thread/runs", async ({ user, params, query }) => {
  const parsed = lgParse(listQuery, queryObject(query), "query");
  return lgJson(
    await listLgRuns(user.id, threadParam(params[0]), {
      limit: parsed.limit,
      offset: parsed.offset,
      ...(parsed.status ? { status: parsed.status } : {}),
    }),
  );
});
route("GET", "threads/:thread/runs/:run", async ({ user, params }) =>
  lgJson(toLgRun(await requireRun(user.id, threadParam(params[0]), params[1]!))),
);
route("DELETE", "threads/:thread/runs/:run", async ({ user, params }) => {
  const run = await requireRun(user.id, threadParam(params[0]), params[1]!);
  if (run.status === "pending" || run.status === "running")
    throw new AppError("conflict:langgraph_run", "The run is still going: cancel it first");
  await cancelLgRun(user.id, run, "rollback");
  return lgNoContent();
});
route("POST", "threads/:thread/runs/:run/cancel", async ({ user, params, query }) => {
  const parsed = lgParse(
    z.object({
      wait: z.enum(["0", "1", "true", "false"]).optional(),
      action: z.enum(["interrupt", "rollback"]).default("interrupt"),
    }),
    queryObject(query),
    "query",
  );
  const run = await requireRun(user.id, threadParam(params[0]), params[1]!);
  await cancelLgRun(user.id, run, parsed.action);
  const wait = parsed.wait === "1" || parsed.wait === "true";
  if (wait) await waitForEnd(user.id, run.id, AbortSignal.timeout(30_000));
  return lgNoContent(wait ? 204 : 202);
});
route("GET", "threads/:thread/runs/:run/join", async ({ request, user, params }) => {
  const run = await requireRun(user.id, threadParam(params[0]), params[1]!);
  return lgJson(await runOutput(user.id, run.id, request.signal));
});
route("GET", "threads/:thread/runs/:run/stream", async ({ request, user, params, query }) => {
  const run = await requireRun(user.id, threadParam(params[0]), params[1]!);
  const thread = await requireThread(user.id, run.threadId);
  return runStream(
    request,
    user,
    { id: run.id, threadId: run.threadId, temporaryThread: thread.temporary },
    {
      cancelOnDisconnect: ["1", "true"].includes(query.get("cancel_on_disconnect") ?? ""),
      lastEventId: request.headers.get("last-event-id"),
      ...(streamModesParam(query) ? { streamMode: streamModesParam(query)! } : {}),
    },
  );
});
route("GET", "runs/:run/stream", async ({ request, user, params }) => {
  const runs = await import("@/lib/db/queries/langgraph");
  const run = await runs.getRun({ id: params[0]!, ownerId: user.id });
  if (!run) throw notFound(`Run '${params[0]}'`);
  return runStream(
    request,
    user,
    { id: run.id, threadId: run.threadId, temporaryThread: true },
    { cancelOnDisconnect: false, lastEventId: request.headers.get("last-event-id") },
  );
});
route("GET", "threads/:thread/stream", async ({ request, user, params, query }) => {
  const id = threadParam(params[0]);
  await requireThread(user.id, id);
  const [running] = (await listInflightRuns({ ownerId: user.id, threadId: id })).filter((r) => r.status === "running");
  if (!running) return lgJson({ detail: "The thread has no run going" }, { status: 404 });
  return runStream(
    request,
    user,
    { id: running.id, threadId: id, temporaryThread: false },
    {
      cancelOnDisconnect: false,
      lastEventId: request.headers.get("last-event-id"),
      ...(streamModesParam(query) ? { streamMode: streamModesParam(query)! } : {}),
    },
  );
});

route("POST", "runs/batch", async ({ request, user }) => {
  const bodies = await lgBody(request, runBatchSchema);
  const runs = [];
  for (const body of bodies) runs.push(toLgRun((await createLgRun(user, null, body)).run));
  return lgJson(runs);
});
route("POST", "runs/cancel", async ({ request, user, query }) => {
  const { action } = lgParse(
    z.object({ action: z.enum(["interrupt", "rollback"]).default("interrupt") }),
    queryObject(query),
    "query",
  );
  const body = await lgBody(request, runCancelManySchema);
  const runs = body.run_ids?.length
    ? await Promise.all(
        body.run_ids.map((id) => getRun({ id, ownerId: user.id, threadId: threadParam(body.thread_id ?? undefined) })),
      )
    : (
        await listOwnerRunsByStatus({
          ownerId: user.id,
          statuses: body.status === "all" || !body.status ? ["pending", "running"] : [body.status],
        })
      ).filter((run) => !body.thread_id || run.threadId === body.thread_id);
  if (runs.some((run) => !run)) throw notFound("Run");
  for (const run of runs) if (run) await cancelLgRun(user.id, run, action);
  return lgNoContent();
});

// The store (store.ts): the caller's own documents by namespace and key.
route("PUT", "store/items", async ({ request, user }) => {
  await putItem(user.id, await lgBody(request, storePutSchema));
  return lgNoContent();
});
route("GET", "store/items", async ({ user, query }) =>
  lgJson(await getItem(user.id, lgParse(storeGetQuerySchema, queryObject(query), "query"))),
);
route("DELETE", "store/items", async ({ request, user }) => {
  await deleteItem(user.id, await lgBody(request, storeDeleteSchema));
  return lgNoContent();
});
route("POST", "store/items/search", async ({ request, user }) =>
  lgJson(await searchItems(user.id, await lgBody(request, storeSearchSchema, { optional: true }))),
);
route("POST", "store/namespaces", async ({ request, user }) =>
  lgJson(await listNamespaces(user.id, await lgBody(request, storeNamespacesSchema, { optional: true }))),
);

// ---------------------------------------------------------------------------------------------------------
// Crons (workflow schedules)
// ---------------------------------------------------------------------------------------------------------

route("POST", "runs/crons", async ({ request, user }) =>
  lgJson(await createCron(user.id, await lgBody(request, cronCreateSchema))),
);
route("POST", "runs/crons/search", async ({ request, user }) =>
  lgJson(await searchCrons(user.id, await lgBody(request, cronSearchSchema, { optional: true }))),
);
route("POST", "runs/crons/count", async ({ request, user }) =>
  lgJson(await countCrons(user.id, await lgBody(request, cronSearchSchema, { optional: true }))),
);
route("PATCH", "runs/crons/:cron", async ({ request, user, params }) =>
  lgJson(await updateCron(user.id, params[0]!, await lgBody(request, cronPatchSchema, { optional: true }))),
);
route("DELETE", "runs/crons/:cron", async ({ user, params }) => {
  await deleteCron(user.id, params[0]!);
  return lgNoContent();
});
route("POST", "threads/:thread/runs/crons", async ({ user, params }) => {
  await requireThread(user.id, threadParam(params[0]));
  throw new AppError(
    "validation:body",
    "Invalid body: crons on a thread are not supported by Lattice: a schedule starts runs of its own (use POST /runs/crons)",
  );
});

// ---------------------------------------------------------------------------------------------------------
// Dispatch
// ---------------------------------------------------------------------------------------------------------

function match(pattern: string[], segments: string[]): string[] | null {
  if (pattern.length !== segments.length) return null;
  const params: string[] = [];
  for (const [i, part] of pattern.entries()) {
    const segment = segments[i]!;
    if (part.startsWith(":")) params.push(segment);
    else if (part !== segment) return null;
  }
  return params;
}

/** Answers one request to the prefix: the route's answer, or LangGraph's `{ detail }` error shape. */
export async function handleLanggraphRequest(request: Request, segments: string[]): Promise<Response> {
  const requestId = crypto.randomUUID();
  if (request.method === "OPTIONS")
    // A chat UI served from the internet may call a Lattice on the user's machine or network (Chrome asks).
    return new Response(null, {
      status: 204,
      headers: { ...CORS_HEADERS, "access-control-allow-private-network": "true" },
    });
  try {
    const decoded = segments.map((s) => decodeURIComponent(s));
    const candidates = routes
      .map((r) => ({ route: r, params: match(r.pattern, decoded) }))
      .filter((c): c is { route: Route; params: string[] } => c.params !== null)
      // A literal segment wins over a parameter (threads/search before threads/:thread).
      .sort((a, b) => a.params.length - b.params.length);
    if (candidates.length === 0) throw notFound(`Path '/${decoded.join("/")}'`);
    const found = candidates.find((c) => c.route.method === request.method);
    if (!found) {
      const allow = [...new Set(candidates.map((c) => c.route.method))].join(", ");
      return lgJson(
        { detail: `Method ${request.method} is not allowed here; use ${allow}` },
        { status: 405, headers: { allow } },
      );
    }
    const user = found.route.public ? (null as unknown as AuthUser) : await lgAuthenticate(request);
    const query = new URL(request.url).searchParams;
    return await found.route.handler({ request, user, params: found.params, query });
  } catch (error) {
    return lgErrorResponse(error, requestId);
  }
}

export { kwargsOf };
