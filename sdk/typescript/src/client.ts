/**
 * LatticeClient: the Lattice API by resource. Typed JSON calls go through openapi-fetch over the types
 * generated from the API's OpenAPI document; runs and chat stream as RunStream (async iterators of typed
 * events that resume after a dropped connection). Every method takes an AbortSignal; every failure is a
 * LatticeError; 429 and 503 answers are retried after their Retry-After.
 */
import createClient, { type Client } from "openapi-fetch";
import { errorFromBody, errorFromResponse, LatticeError } from "./errors.js";
import { createTransport, type RetryInfo, type RetryOptions } from "./http.js";
import { type OpenConnection, RunStream, type StreamOptions } from "./run-stream.js";
import type * as T from "./types.js";

export interface LatticeClientOptions {
  /** The server, e.g. "https://lattice.example.com" (in a browser on the app's own origin: `location.origin`). */
  baseUrl: string;
  /** An API key (`lat_…`, created in Settings or with `client.apiKeys.create`). Without one, a browser sends its session cookie. */
  apiKey?: string;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** Retries of 429/503 answers (see RetryOptions). */
  retry?: RetryOptions;
  /** Called before each retry. */
  onRetry?: (info: RetryInfo) => void;
  /** A fetch to use instead of the global one. */
  fetch?: typeof fetch;
}

/** What every call takes. */
export interface CallOptions {
  signal?: AbortSignal;
}

type Result<Data> = { data?: Data; error?: unknown; response: Response };

/** The data of a successful openapi-fetch call, or the LatticeError its answer carries. */
async function unwrap<Data>(call: Promise<Result<Data>>): Promise<Data> {
  const { data, error, response } = await call;
  if (!response.ok) throw errorFromBody(response.status, error, response.headers);
  return data as Data;
}

const EVENT_STREAM = { accept: "text/event-stream" };
const RESPOND_ASYNC = { prefer: "respond-async" };

export class LatticeClient {
  /** The typed openapi-fetch client underneath, for any route the helpers do not cover. */
  readonly api: Client<T.paths>;
  readonly executions: Executions;
  readonly chat: Chat;
  readonly conversations: Conversations;
  readonly workflows: Workflows;
  readonly templates: Templates;
  readonly knowledgeBases: KnowledgeBases;
  readonly analytics: Analytics;
  readonly apiKeys: ApiKeys;
  /** The transport (API key, retries) for raw calls: `client.fetch("/api/…")` is resolved against baseUrl. */
  readonly fetch: (path: string, init?: RequestInit) => Promise<Response>;

  constructor(options: LatticeClientOptions) {
    const baseUrl = options.baseUrl.replace(/\/+$/, "");
    const transport = createTransport({
      ...(options.apiKey ? { apiKey: options.apiKey } : {}),
      ...(options.headers ? { headers: options.headers } : {}),
      ...(options.retry ? { retry: options.retry } : {}),
      ...(options.onRetry ? { onRetry: options.onRetry } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    this.api = createClient<T.paths>({ baseUrl, fetch: transport });
    this.fetch = (path, init) => transport(`${baseUrl}${path}`, init);
    this.executions = new Executions(this.api, this.fetch);
    this.chat = new Chat(this.fetch, this.executions);
    this.conversations = new Conversations(this.api);
    this.workflows = new Workflows(this.api);
    this.templates = new Templates(this.api);
    this.knowledgeBases = new KnowledgeBases(this.api, this.fetch);
    this.analytics = new Analytics(this.api);
    this.apiKeys = new ApiKeys(this.api);
  }

  /** GET /api/health: the server's status, version and database; who is calling (with credentials). */
  health(options: CallOptions = {}): Promise<T.Health> {
    return unwrap(this.api.GET("/api/health", { signal: options.signal }));
  }
}

type RawFetch = LatticeClient["fetch"];

/** POST with a JSON body through the transport; the answer must be ok. */
async function postJson(
  fetchRaw: RawFetch,
  path: string,
  body: unknown,
  headers: Record<string, string>,
  signal?: AbortSignal,
) {
  const response = await fetchRaw(path, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", ...headers },
    body: JSON.stringify(body ?? {}),
    ...(signal ? { signal } : {}),
  });
  if (!response.ok) throw await errorFromResponse(response);
  return response;
}

/** Runs: start, follow, cancel, answer, re-run, list. */
export class Executions {
  constructor(
    private readonly api: Client<T.paths>,
    private readonly fetchRaw: RawFetch,
  ) {}

  /**
   * Runs a workflow and waits for its result (a failed or cancelled run is a result too: see `status`;
   * a run that pauses at a human node answers `paused` with `interrupt`).
   */
  run(request: T.ExecutionRequest, options: CallOptions = {}): Promise<T.ExecutionResult> {
    return unwrap(
      this.api.POST("/api/executions", { body: request, signal: options.signal }),
    ) as Promise<T.ExecutionResult>;
  }

  /** Starts a run and answers once it has started (202): follow it with `events(executionId)`. */
  start(request: T.ExecutionRequest, options: CallOptions = {}): Promise<T.DetachedRun> {
    return unwrap(
      this.api.POST("/api/executions", { body: request, headers: RESPOND_ASYNC, signal: options.signal }),
    ) as Promise<T.DetachedRun>;
  }

  /**
   * Starts a run and streams its events. The run is started detached (it goes on if the connection drops)
   * and followed over GET /api/executions/:id/events, resuming with Last-Event-ID: each event once, in order.
   * Stop iterating to stop listening; `cancel(stream.executionId)` stops the run.
   */
  async stream(request: T.ExecutionRequest, options: StreamOptions = {}): Promise<RunStream> {
    const started = await this.start(request, options);
    return this.events(started.executionId, options);
  }

  /** Follows a run's events from after `afterSeq` (default: its first event) to its end. */
  events(executionId: string, options: StreamOptions & { afterSeq?: number } = {}): RunStream {
    const follow = this.followConnection();
    return new RunStream(follow, follow, { ...options, executionId });
  }

  /** GET /api/executions/:id/events with Last-Event-ID: how every stream reconnects. */
  followConnection(): OpenConnection {
    return ({ executionId, afterSeq, signal }) => {
      if (!executionId) throw new LatticeError("bad_request:stream", "No run to follow.", { status: 0 });
      return this.fetchRaw(`/api/executions/${encodeURIComponent(executionId)}/events`, {
        headers: { ...EVENT_STREAM, "last-event-id": String(afterSeq) },
        signal,
      });
    };
  }

  /** A run's record: status, node history, the graph it used, a summary of its events. */
  async get(executionId: string, options: CallOptions = {}): Promise<T.ExecutionDetail> {
    const data = await unwrap(
      this.api.GET("/api/executions/{id}", { params: { path: { id: executionId } }, signal: options.signal }),
    );
    return data.execution;
  }

  /** One page of your runs, newest first; pass `nextCursor` as `cursor` for the next. */
  list(query: T.ExecutionListQuery = {}, options: CallOptions = {}): Promise<T.ExecutionPage> {
    return unwrap(this.api.GET("/api/executions", { params: { query }, signal: options.signal }));
  }

  /** Every run matching `query`, page after page. */
  async *iterate(
    query: Omit<T.ExecutionListQuery, "cursor"> = {},
    options: CallOptions = {},
  ): AsyncGenerator<T.ExecutionSummary> {
    let cursor: string | undefined;
    do {
      const page = await this.list({ ...query, ...(cursor ? { cursor } : {}) }, options);
      yield* page.executions;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  /** Stops a run; it ends `cancelled` with the usage spent so far. */
  cancel(executionId: string, options: CallOptions = {}): Promise<T.CancelResponse> {
    return unwrap(
      this.api.POST("/api/executions/{id}/cancel", { params: { path: { id: executionId } }, signal: options.signal }),
    );
  }

  /** Answers the human node a paused run waits at (`approved` for approval steps, `text` for input steps) and waits for the run's result. */
  resume(executionId: string, answer: T.ResumeBody, options: CallOptions = {}): Promise<T.ExecutionResult> {
    return unwrap(
      this.api.POST("/api/executions/{id}/resume", {
        params: { path: { id: executionId } },
        body: answer,
        signal: options.signal,
      }),
    ) as Promise<T.ExecutionResult>;
  }

  /** Answers a paused run and streams the rest of it (its events continue its numbering). */
  async resumeStream(executionId: string, answer: T.ResumeBody, options: StreamOptions = {}): Promise<RunStream> {
    const detail = await this.get(executionId, options);
    const path = `/api/executions/${encodeURIComponent(executionId)}/resume`;
    await postJson(this.fetchRaw, path, answer, RESPOND_ASYNC, options.signal);
    return this.events(executionId, { ...options, afterSeq: detail.events.lastSeq });
  }

  /** Runs again: the same request as a new run (or, with `fromStep`, from one of its steps); waits for the result. */
  rerun(executionId: string, body: T.RerunBody = {}, options: CallOptions = {}): Promise<T.ExecutionResult> {
    return unwrap(
      this.api.POST("/api/executions/{id}/rerun", {
        params: { path: { id: executionId } },
        body,
        signal: options.signal,
      }),
    ) as Promise<T.ExecutionResult>;
  }

  /** Runs again and streams the new run's events. */
  async rerunStream(executionId: string, body: T.RerunBody = {}, options: StreamOptions = {}): Promise<RunStream> {
    const path = `/api/executions/${encodeURIComponent(executionId)}/rerun`;
    const response = await postJson(this.fetchRaw, path, body, RESPOND_ASYNC, options.signal);
    const started = (await response.json()) as T.DetachedRun;
    return this.events(started.executionId, options);
  }
}

/** Chat with a workflow, a template or the default assistant. */
export class Chat {
  constructor(
    private readonly fetchRaw: RawFetch,
    private readonly executions: Executions,
  ) {}

  /**
   * Sends a message and streams the answer: the run's events (tokens as they come), resuming after a
   * dropped connection (the answer goes on meanwhile). No `conversationId`: a new conversation. After the
   * last event, `stream.savedMessage` is the assistant message as saved.
   */
  async send(body: T.ChatBody, options: StreamOptions = {}): Promise<RunStream> {
    // The first connection is opened here, so a refused message (422, 429) throws from send itself; the
    // caller's signal ends it (and any wait) later too.
    const first = await postJson(this.fetchRaw, "/api/chat", body, EVENT_STREAM, options.signal);
    let used = false;
    const open: OpenConnection = async () => {
      if (used) throw new LatticeError("unavailable:stream", "The chat's first connection was lost.", { status: 0 });
      used = true;
      return first;
    };
    return new RunStream(open, this.executions.followConnection(), options);
  }
}

/** Chat history. */
export class Conversations {
  constructor(private readonly api: Client<T.paths>) {}

  /** Your conversations, newest first; `q` searches titles and messages. */
  list(query: T.ConversationListQuery = {}, options: CallOptions = {}): Promise<T.ConversationList> {
    return unwrap(this.api.GET("/api/conversations", { params: { query }, signal: options.signal }));
  }

  /** A conversation with its messages. */
  async get(id: string, options: CallOptions = {}): Promise<T.Conversation> {
    const data = await unwrap(
      this.api.GET("/api/conversations/{id}", { params: { path: { id } }, signal: options.signal }),
    );
    return data.conversation;
  }

  /** Renames a conversation. */
  update(id: string, body: T.UpdateConversationBody, options: CallOptions = {}) {
    return unwrap(
      this.api.PATCH("/api/conversations/{id}", { params: { path: { id } }, body, signal: options.signal }),
    );
  }

  delete(id: string, options: CallOptions = {}): Promise<void> {
    return unwrap(
      this.api.DELETE("/api/conversations/{id}", { params: { path: { id } }, signal: options.signal }),
    ).then(() => undefined);
  }
}

/** Saved workflows, their versions, import/export and validation. */
export class Workflows {
  constructor(private readonly api: Client<T.paths>) {}

  list(options: CallOptions = {}): Promise<T.WorkflowList> {
    return unwrap(this.api.GET("/api/workflows", { signal: options.signal }));
  }

  /** Saves a new workflow (version 1). An invalid one is kept as a draft that cannot run (`isValid` false). */
  create(body: T.SaveWorkflowBody, options: CallOptions = {}): Promise<T.WorkflowSaved> {
    return unwrap(this.api.POST("/api/workflows", { body, signal: options.signal }));
  }

  async get(id: string, options: CallOptions = {}) {
    const data = await unwrap(
      this.api.GET("/api/workflows/{id}", { params: { path: { id } }, signal: options.signal }),
    );
    return data.workflow;
  }

  /** Saves a new version. `baseVersion` refuses (409) a save over someone else's newer version. */
  update(id: string, body: T.UpdateWorkflowBody, options: CallOptions = {}) {
    return unwrap(this.api.PUT("/api/workflows/{id}", { params: { path: { id } }, body, signal: options.signal }));
  }

  delete(id: string, options: CallOptions = {}): Promise<void> {
    return unwrap(this.api.DELETE("/api/workflows/{id}", { params: { path: { id } }, signal: options.signal })).then(
      () => undefined,
    );
  }

  versions(id: string, options: CallOptions = {}) {
    return unwrap(this.api.GET("/api/workflows/{id}/versions", { params: { path: { id } }, signal: options.signal }));
  }

  version(id: string, version: number, options: CallOptions = {}) {
    return unwrap(
      this.api.GET("/api/workflows/{id}/versions/{version}", {
        params: { path: { id, version } },
        signal: options.signal,
      }),
    );
  }

  /** Makes an old version the newest (as a new version). */
  restore(id: string, version: number, options: CallOptions = {}) {
    return unwrap(
      this.api.POST("/api/workflows/{id}/restore/{version}", {
        params: { path: { id, version } },
        signal: options.signal,
      }),
    );
  }

  /** The export file of a workflow (its latest version, or `version`). */
  export(id: string, query: { version?: number } = {}, options: CallOptions = {}) {
    return unwrap(
      this.api.GET("/api/workflows/{id}/export", { params: { path: { id }, query }, signal: options.signal }),
    );
  }

  /** Imports an export file as a new workflow. */
  import(file: T.WorkflowExportFile, options: CallOptions = {}) {
    return unwrap(this.api.POST("/api/workflows/import", { body: file, signal: options.signal }));
  }

  /** Validates a definition without saving it: every issue with its path. */
  async validate(body: T.ValidateWorkflowBody, options: CallOptions = {}): Promise<T.ValidationResult> {
    const data = await unwrap(this.api.POST("/api/workflows/validate", { body, signal: options.signal }));
    return data.validation;
  }

  /** Saves a workflow as a template of your own. */
  toTemplate(id: string, body: T.WorkflowToTemplateBody = {}, options: CallOptions = {}) {
    return unwrap(
      this.api.POST("/api/workflows/{id}/to-template", { params: { path: { id } }, body, signal: options.signal }),
    );
  }
}

/** Built-in and your own templates. */
export class Templates {
  constructor(private readonly api: Client<T.paths>) {}

  list(options: CallOptions = {}) {
    return unwrap(this.api.GET("/api/templates", { signal: options.signal }));
  }

  create(body: T.SaveTemplateBody, options: CallOptions = {}) {
    return unwrap(this.api.POST("/api/templates", { body, signal: options.signal }));
  }

  async get(id: string, options: CallOptions = {}) {
    const data = await unwrap(
      this.api.GET("/api/templates/{id}", { params: { path: { id } }, signal: options.signal }),
    );
    return data.template;
  }

  update(id: string, body: T.SaveTemplateBody, options: CallOptions = {}) {
    return unwrap(this.api.PUT("/api/templates/{id}", { params: { path: { id } }, body, signal: options.signal }));
  }

  delete(id: string, options: CallOptions = {}): Promise<void> {
    return unwrap(this.api.DELETE("/api/templates/{id}", { params: { path: { id } }, signal: options.signal })).then(
      () => undefined,
    );
  }

  /** Creates a workflow of your own from a template. */
  instantiate(id: string, body: T.InstantiateTemplateBody = {}, options: CallOptions = {}) {
    return unwrap(
      this.api.POST("/api/templates/{id}/instantiate", { params: { path: { id } }, body, signal: options.signal }),
    );
  }

  export(id: string, options: CallOptions = {}) {
    return unwrap(this.api.GET("/api/templates/{id}/export", { params: { path: { id } }, signal: options.signal }));
  }

  import(file: T.WorkflowExportFile, options: CallOptions = {}) {
    return unwrap(this.api.POST("/api/templates/import", { body: file, signal: options.signal }));
  }
}

/** Knowledge bases for retrieval: documents and search. */
export class KnowledgeBases {
  constructor(
    private readonly api: Client<T.paths>,
    private readonly fetchRaw: RawFetch,
  ) {}

  list(options: CallOptions = {}) {
    return unwrap(this.api.GET("/api/knowledge-bases", { signal: options.signal }));
  }

  create(body: T.CreateKnowledgeBaseBody, options: CallOptions = {}) {
    return unwrap(this.api.POST("/api/knowledge-bases", { body, signal: options.signal }));
  }

  get(id: string, options: CallOptions = {}) {
    return unwrap(this.api.GET("/api/knowledge-bases/{id}", { params: { path: { id } }, signal: options.signal }));
  }

  update(id: string, body: T.UpdateKnowledgeBaseBody, options: CallOptions = {}) {
    return unwrap(
      this.api.PATCH("/api/knowledge-bases/{id}", { params: { path: { id } }, body, signal: options.signal }),
    );
  }

  delete(id: string, options: CallOptions = {}): Promise<void> {
    return unwrap(
      this.api.DELETE("/api/knowledge-bases/{id}", { params: { path: { id } }, signal: options.signal }),
    ).then(() => undefined);
  }

  /** Adds a text document (split into chunks and indexed). */
  addText(id: string, body: T.AddTextDocumentBody, options: CallOptions = {}) {
    return unwrap(
      this.api.POST("/api/knowledge-bases/{id}/documents", { params: { path: { id } }, body, signal: options.signal }),
    );
  }

  /** Uploads a file (text, Markdown, PDF…) as a document. */
  async upload(id: string, file: Blob, filename: string, options: CallOptions = {}): Promise<T.KnowledgeDocument> {
    const form = new FormData();
    form.append("file", file, filename);
    const response = await this.fetchRaw(`/api/knowledge-bases/${encodeURIComponent(id)}/documents`, {
      method: "POST",
      body: form,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (!response.ok) throw await errorFromResponse(response);
    return (await response.json()) as T.KnowledgeDocument;
  }

  deleteDocument(id: string, documentId: string, options: CallOptions = {}): Promise<void> {
    return unwrap(
      this.api.DELETE("/api/knowledge-bases/{id}/documents/{documentId}", {
        params: { path: { id, documentId } },
        signal: options.signal,
      }),
    ).then(() => undefined);
  }

  /** Searches a base as the retrieval node does. */
  search(id: string, body: T.KnowledgeSearchBody, options: CallOptions = {}): Promise<T.KnowledgeSearchResponse> {
    return unwrap(
      this.api.POST("/api/knowledge-bases/{id}/search", { params: { path: { id } }, body, signal: options.signal }),
    );
  }

  /** Progress of the base's embeddings. */
  embeddings(id: string, options: CallOptions = {}): Promise<T.KnowledgeEmbeddingStatus> {
    return unwrap(
      this.api.GET("/api/knowledge-bases/{id}/embeddings", { params: { path: { id } }, signal: options.signal }),
    );
  }

  /** Re-embeds the base's documents with its current model (in the background). */
  reembed(id: string, options: CallOptions = {}) {
    return unwrap(
      this.api.POST("/api/knowledge-bases/{id}/embeddings", { params: { path: { id } }, signal: options.signal }),
    );
  }
}

/** Usage and outcomes. */
export class Analytics {
  constructor(private readonly api: Client<T.paths>) {}

  summary(query: T.AnalyticsQuery = {}, options: CallOptions = {}): Promise<T.AnalyticsSummary> {
    return unwrap(this.api.GET("/api/analytics/summary", { params: { query }, signal: options.signal }));
  }

  templates(query: T.AnalyticsQuery = {}, options: CallOptions = {}) {
    return unwrap(this.api.GET("/api/analytics/templates", { params: { query }, signal: options.signal }));
  }

  workflows(query: T.WorkflowAnalyticsQuery = {}, options: CallOptions = {}) {
    return unwrap(this.api.GET("/api/analytics/workflows", { params: { query }, signal: options.signal }));
  }
}

/** API keys of the calling account. */
export class ApiKeys {
  constructor(private readonly api: Client<T.paths>) {}

  list(options: CallOptions = {}) {
    return unwrap(this.api.GET("/api/keys", { signal: options.signal }));
  }

  /** Creates a key; its `secret` is shown this once. */
  create(body: T.CreateApiKeyBody, options: CallOptions = {}): Promise<T.ApiKeyCreated> {
    return unwrap(this.api.POST("/api/keys", { body, signal: options.signal }));
  }

  revoke(id: string, options: CallOptions = {}): Promise<void> {
    return unwrap(this.api.DELETE("/api/keys/{id}", { params: { path: { id } }, signal: options.signal })).then(
      () => undefined,
    );
  }
}
