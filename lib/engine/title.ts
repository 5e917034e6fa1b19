/**
 * A conversation's title. A new conversation is named after its first message at once (by the run's
 * start); during its first exchange the model that answers it is asked for a short title, inside the run:
 * the request leaves once the answer's first token is out (so it never delays it), its tokens and cost are
 * the run's (so the conversation and the analytics count them), and the run's finish stores the title only
 * while the conversation still has its first-message title (a title its owner chose meanwhile wins).
 */
import "server-only";
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import { usageOf } from "@/lib/nodes/call-model";
import { addUsage } from "@/lib/workflow/state";
import type { ExecutionContext } from "./context";

const TITLE_TIMEOUT_MS = 15_000;
const TITLE_INPUT_CHARS = 2_000;
const TITLE_MAX_CHARS = 80;
export const TITLE_PROMPT =
  "You name chat conversations. Reply with a short title for the conversation that starts with the user's " +
  "message below: at most six words, in the message's language, no quotes, no trailing punctuation, nothing else.";

/** The title a conversation gets from its first message before any model names it. */
export function titleFromMessage(message: string): string {
  const line = message.trim().split("\n")[0] ?? "";
  return line.length > 60 ? `${line.slice(0, 57)}…` : line || "New chat";
}

/** A model's reply made into a title: its first line, without quotes, a "Title:" label or end punctuation. */
export function cleanGeneratedTitle(reply: string): string | null {
  const line = reply
    .split("\n")
    .map((part) => part.trim())
    .find((part) => part.length > 0);
  if (!line) return null;
  let title = line
    .replace(/^#+\s*/, "")
    .replace(/^\*\*(.*)\*\*$/, "$1")
    .replace(/^(?:title|conversation title)\s*:\s*/i, "")
    .replace(/^["'“”‘’«»`]+|["'“”‘’«»`]+$/g, "")
    .replace(/[.!?:;,。]+$/u, "")
    .trim();
  if (title.length > TITLE_MAX_CHARS) title = `${title.slice(0, TITLE_MAX_CHARS - 1).trimEnd()}…`;
  return title.length > 0 ? title : null;
}

/** The model a run's answer comes from: its graph's first model node (else a tools or router node). */
export function answeringModelOf(
  definition: unknown,
): { provider: string; model: string; credentialId?: string } | null {
  const nodes = (definition as { nodes?: unknown } | null)?.nodes;
  if (!Array.isArray(nodes)) return null;
  for (const type of ["model", "tools", "router"]) {
    for (const node of nodes as Array<{
      type?: unknown;
      data?: { config?: { provider?: unknown; model?: unknown; credentialId?: unknown } };
    }>) {
      const config = node.data?.config;
      if (node.type === type && typeof config?.provider === "string" && typeof config.model === "string") {
        return {
          provider: config.provider,
          model: config.model,
          ...(typeof config.credentialId === "string" ? { credentialId: config.credentialId } : {}),
        };
      }
    }
  }
  return null;
}

/** A title the run's finish stores: `to`, while the conversation's title is still `from`. */
export interface TitleChange {
  from: string;
  to: string;
}

/**
 * The title request of a run that answers a conversation's first exchange, or undefined when there is none
 * to make: not the first exchange, no model in the graph, or the built-in `local` model (a deterministic
 * test double that echoes its input: its "title" would be an echo, so the first-message title stays).
 */
export class ConversationTitle {
  private asking: Promise<void> | undefined;
  private readonly stop = new AbortController();
  /** Set once the model has named the conversation. */
  change: TitleChange | undefined;

  private constructor(
    private readonly ctx: ExecutionContext,
    private readonly spec: { provider: string; model: string; credentialId?: string },
    private readonly message: string,
  ) {}

  /** `firstExchange`: the run's conversation had no messages (nor a summary) before this turn. */
  static of(ctx: ExecutionContext, firstExchange: boolean): ConversationTitle | undefined {
    const message = ctx.input.message;
    if (!firstExchange || !ctx.answersInConversation || ctx.resumed || !message) return undefined;
    const spec = answeringModelOf(ctx.definition);
    if (!spec || spec.provider === "local") return undefined;
    return new ConversationTitle(ctx, spec, message);
  }

  /** Sends the request (once): call when the answer's first token is out. */
  ask(): void {
    this.asking ??= this.request();
  }

  /**
   * Waits for the title before the run finishes: a completed run asks now if it has not yet (an answer
   * without tokens); a run that did not complete drops it.
   */
  async settle(completed: boolean): Promise<void> {
    if (!completed) this.stop.abort();
    else this.ask();
    await this.asking;
    if (!completed) this.change = undefined;
  }

  private async request(): Promise<void> {
    const { ctx, spec } = this;
    try {
      // "The default model" and a credential resolve for the run's owner, as the answering node's do.
      const resolved = await ctx.resources.resolveModel({ ...spec, temperature: 0.2, maxTokens: 32 }, ctx.userId);
      if (resolved.provider === "local") return;
      const model = ctx.resources.getChatModel(resolved);
      const reply = await model.invoke(
        [new SystemMessage(TITLE_PROMPT), new HumanMessage(this.message.slice(0, TITLE_INPUT_CHARS))],
        { signal: AbortSignal.any([ctx.signal, this.stop.signal, AbortSignal.timeout(TITLE_TIMEOUT_MS)]) },
      );
      // The run's usage: counted with its answer's in the row, the conversation and the analytics.
      ctx.usageByModel = addUsage(ctx.usageByModel, usageOf(resolved, reply));
      const from = titleFromMessage(this.message);
      const to = cleanGeneratedTitle(typeof reply.content === "string" ? reply.content : reply.text);
      if (to && to !== from) this.change = { from, to };
    } catch (error) {
      // A title is a nicety, not part of the answer: the first-message title stays.
      if (!this.stop.signal.aborted && !ctx.signal.aborted)
        console.error(`[engine] could not name the conversation of run ${ctx.executionId}`, error);
    }
  }
}
