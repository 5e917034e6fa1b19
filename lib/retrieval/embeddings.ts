/**
 * Embeddings over real HTTP from a configured provider: OpenAI-compatible `POST {base}/embeddings` (OpenAI,
 * vLLM, LM Studio, Ollama's /v1) and Ollama's native `POST {base}/api/embed`. Lean on purpose (fetch, no SDK):
 * it runs for every search of an embedded knowledge base. Vectors come back L2-normalised, so a dot product
 * is their cosine similarity. Requests are batched (EMBEDDING_BATCH_SIZE texts) and at most
 * EMBEDDING_CONCURRENCY are in flight per process, whoever asks (uploads, re-embedding, searches).
 */
import "server-only";
import type { EmbeddingProviderId } from "@/lib/contracts/knowledge";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { userModels } from "@/lib/credentials/user-models";
import { isOllamaConfigured, isOpenAIConfigured } from "@/lib/models/providers";
import { checkOutboundUrl } from "@/lib/net/safe-fetch";

export interface EmbeddingModelRef {
  provider: EmbeddingProviderId;
  model: string;
  /** A user's credential (in-app provider credentials); null or absent: the server's configured provider. */
  credentialId?: string | null;
}

/** Where the provider is and the key to send; by default the server's environment. */
export interface EmbeddingConnection {
  baseUrl?: string;
  apiKey?: string;
}

export const EMBEDDING_BATCH_SIZE = 64;
export const EMBEDDING_CONCURRENCY = 4;
/** pgvector's `vector` holds up to 16,000 dimensions; real models use 384–3072. */
export const EMBEDDING_MAX_DIMENSIONS = 8192;
const REQUEST_TIMEOUT_MS = 60_000;
const OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1";

/** The key stored beside each chunk's vector: a chunk whose key is not its base's is waiting to be embedded. */
export function embeddingKey(ref: Pick<EmbeddingModelRef, "provider" | "model">): string {
  return `${ref.provider}:${ref.model}`;
}

/** Whether the server has the provider configured (the choice offered on a knowledge base's page). */
export function embeddingProviderConfigured(provider: EmbeddingProviderId): boolean {
  const e = env();
  return provider === "openai" ? isOpenAIConfigured(e) : isOllamaConfigured(e);
}

function serverConnection(provider: EmbeddingProviderId): EmbeddingConnection {
  const e = env();
  if (!embeddingProviderConfigured(provider)) {
    const what = provider === "openai" ? "OPENAI_API_KEY or OPENAI_BASE_URL" : "OLLAMA_BASE_URL";
    throw new AppError("unavailable:embeddings", `The ${provider} provider is not configured: set ${what}.`);
  }
  return provider === "openai"
    ? { baseUrl: e.OPENAI_BASE_URL ?? OPENAI_DEFAULT_BASE_URL, apiKey: e.OPENAI_API_KEY }
    : { baseUrl: e.OLLAMA_BASE_URL };
}

/**
 * Where `ref`'s requests go for this owner: their credential's server and key — its base URL checked by the
 * HTTP guard on every use, as a model credential's is — else undefined (the server's provider).
 */
export async function embeddingConnection(
  ownerId: string,
  ref: EmbeddingModelRef,
): Promise<EmbeddingConnection | undefined> {
  if (!ref.credentialId) return undefined;
  const { provider, connection } = (await userModels(ownerId)).connection(ref.credentialId);
  if (provider !== ref.provider) {
    throw failure(ref, `its credential is for ${provider}, not ${ref.provider}`);
  }
  if (connection.baseUrl) await checkOutboundUrl(connection.baseUrl);
  return {
    baseUrl: connection.baseUrl ?? OPENAI_DEFAULT_BASE_URL,
    ...(connection.apiKey ? { apiKey: connection.apiKey } : {}),
  };
}

/** A counting semaphore: the per-process cap on embeddings requests in flight. */
let inFlight = 0;
const waiting: Array<() => void> = [];
async function withSlot<T>(fn: () => Promise<T>): Promise<T> {
  if (inFlight >= EMBEDDING_CONCURRENCY) await new Promise<void>((resolve) => waiting.push(resolve));
  else inFlight++;
  try {
    return await fn();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else inFlight--;
  }
}

function failure(ref: EmbeddingModelRef, detail: string): AppError {
  // A sentence, so what follows it (a document's "found by its words meanwhile") reads as the next one.
  const sentence = /[.!?]$/.test(detail) ? detail : `${detail}.`;
  return new AppError(
    "unavailable:embeddings",
    `The ${ref.provider} embeddings model "${ref.model}" failed: ${sentence}`,
  );
}

/** The provider's own error message, short (it names the model or the input; never our key). */
async function errorDetail(response: Response): Promise<string> {
  const text = await response.text().catch(() => "");
  let message = text;
  try {
    const body = JSON.parse(text) as { error?: string | { message?: string } };
    message = typeof body.error === "string" ? body.error : (body.error?.message ?? text);
  } catch {}
  message = message.replace(/\s+/g, " ").trim().slice(0, 200);
  return `HTTP ${response.status}${message ? `: ${message}` : ""}`;
}

function normalised(ref: EmbeddingModelRef, raw: unknown, dimensions: number | undefined): number[] {
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > EMBEDDING_MAX_DIMENSIONS) {
    throw failure(ref, "the server sent no usable vector.");
  }
  if (dimensions !== undefined && raw.length !== dimensions) {
    throw failure(ref, `the server sent vectors of ${dimensions} and ${raw.length} dimensions.`);
  }
  let norm = 0;
  for (const x of raw) {
    if (typeof x !== "number" || !Number.isFinite(x)) throw failure(ref, "the server sent a vector with a non-number.");
    norm += x * x;
  }
  norm = Math.sqrt(norm);
  // A zero vector has no direction: it matches nothing, and stays zero.
  return norm > 0 ? raw.map((x: number) => x / norm) : raw.map(() => 0);
}

async function requestBatch(
  ref: EmbeddingModelRef,
  texts: string[],
  connection: EmbeddingConnection,
  signal: AbortSignal | undefined,
): Promise<unknown[]> {
  const base = (connection.baseUrl ?? "").replace(/\/+$/, "");
  const openai = ref.provider === "openai";
  const url = openai ? `${base}/embeddings` : `${base}/api/embed`;
  const body = openai
    ? { model: ref.model, input: texts, encoding_format: "float" }
    : { model: ref.model, input: texts, truncate: true };
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
  if (connection.apiKey) headers.authorization = `Bearer ${connection.apiKey}`;
  const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers,
      body: JSON.stringify(body),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch {
    signal?.throwIfAborted();
    throw failure(ref, timeout.aborted ? "the server did not answer in time." : "the server could not be reached.");
  }
  if (!response.ok) throw failure(ref, await errorDetail(response));
  const json = (await response.json().catch(() => null)) as {
    data?: Array<{ index?: number; embedding?: unknown }>;
    embeddings?: unknown[];
  } | null;
  const vectors = openai
    ? [...(json?.data ?? [])].sort((a, b) => (a.index ?? 0) - (b.index ?? 0)).map((d) => d.embedding)
    : (json?.embeddings ?? []);
  if (vectors.length !== texts.length) {
    throw failure(ref, `the server sent ${vectors.length} vectors for ${texts.length} texts.`);
  }
  return vectors;
}

/**
 * The texts' embeddings, in order, L2-normalised and all of one dimension. Throws AppError
 * ("unavailable:embeddings", 503) naming the provider and model when the server fails or is not configured.
 */
export async function embedTexts(
  ref: EmbeddingModelRef,
  texts: string[],
  { connection, signal }: { connection?: EmbeddingConnection; signal?: AbortSignal } = {},
): Promise<number[][]> {
  if (texts.length === 0) return [];
  const target = connection ?? serverConnection(ref.provider);
  const batches: string[][] = [];
  for (let i = 0; i < texts.length; i += EMBEDDING_BATCH_SIZE) batches.push(texts.slice(i, i + EMBEDDING_BATCH_SIZE));
  const raw = (
    await Promise.all(batches.map((batch) => withSlot(() => requestBatch(ref, batch, target, signal))))
  ).flat();
  const dimensions = Array.isArray(raw[0]) ? raw[0].length : undefined;
  return raw.map((vector) => normalised(ref, vector, dimensions));
}
