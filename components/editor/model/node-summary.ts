/**
 * The one-line preview a canvas node shows under its title, so a workflow reads at a glance without opening
 * each node: "local · echo", "Last 20 messages", "GET https://…". Config may be half-edited: every read is
 * defensive and an unreadable config gives null.
 */
export interface SummaryContext {
  knowledgeBaseName?: (id: string) => string | undefined;
  workflowName?: (id: string) => string | undefined;
  credentialName?: (id: string) => string | undefined;
}

/** "Default model", "openai · gpt-4o-mini", "openai · gpt-4o-mini (Team key)". */
function modelSummary(config: Record<string, unknown>, context: SummaryContext): string {
  if (config.provider === "default") return "Default model";
  const base = [str(config.provider) || "local", str(config.model) || "echo"].join(" · ");
  const id = str(config.credentialId);
  return id ? `${base} (${context.credentialName?.(id) ?? "missing credential"})` : base;
}

const str = (value: unknown): string => (typeof value === "string" ? value : "");
const num = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isFinite(value) ? value : undefined;

function excerpt(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function nodeSummary(
  type: string | undefined,
  config: Record<string, unknown>,
  context: SummaryContext = {},
): string | null {
  switch (type) {
    case "start": {
      const variables = config.variables;
      const names =
        variables && typeof variables === "object" && !Array.isArray(variables) ? Object.keys(variables) : [];
      return names.length ? `Variables: ${names.join(", ")}` : "Receives the message";
    }
    case "end":
      return str(config.outputTemplate) ? excerpt(str(config.outputTemplate)) : "Returns the last message";
    case "model":
    case "tools":
    case "router":
      return (
        modelSummary(config, context) +
        (type === "tools" && Array.isArray(config.tools) ? ` — ${toolCount(config)}` : "")
      );
    case "prompt":
      return `${str(config.role) || "user"}: ${excerpt(str(config.template) || "{{input.message}}", 48)}`;
    case "memory":
      return config.strategy === "tokens"
        ? `Fits ${num(config.maxTokens) ?? 4000} tokens${config.summarize === false ? "" : " + summary"}`
        : `Last ${num(config.maxMessages) ?? 20} messages${config.summarize === false ? "" : " + summary"}`;
    case "retrieval": {
      const id = str(config.knowledgeBaseId);
      const name = id ? (context.knowledgeBaseName?.(id) ?? (id.includes("{{") ? id : null)) : null;
      return id ? `Top ${num(config.topK) ?? 4} from ${name ?? "a knowledge base"}` : "Choose a knowledge base";
    }
    case "conditional":
      return "First true branch wins";
    case "loop":
      return `Up to ${num(config.maxIterations) ?? 5} passes${str(config.until).trim() ? " or until" : ""}`;
    case "variable": {
      const names = Array.isArray(config.assignments)
        ? config.assignments.map((item) => str((item as { name?: unknown } | null)?.name)).filter(Boolean)
        : [];
      return names.length ? `Sets ${names.join(", ")}` : "Sets variables";
    }
    case "transform":
      return `${excerpt(str(config.expression), 36)} → ${config.target === "message" ? "message" : str(config.variable) || "result"}`;
    case "http":
      return str(config.url) ? `${str(config.method) || "GET"} ${excerpt(str(config.url), 44)}` : "Enter a URL";
    case "subworkflow": {
      const id = str(config.definitionId);
      return id ? `Runs ${context.workflowName?.(id) ?? id}` : "Choose a workflow";
    }
    case "human":
      return excerpt(str(config.question) || "Asks a person");
    case "error":
      return str(config.fallbackMessage)
        ? `Fallback: ${excerpt(str(config.fallbackMessage), 40)}`
        : "Records the failure";
    default:
      return null;
  }
}

/** A Tools node's tools: the built-in ones and those it picked from MCP servers. */
function toolCount(config: Record<string, unknown>): string {
  const builtin = Array.isArray(config.tools) ? config.tools.length : 0;
  const mcp = Array.isArray(config.mcp)
    ? config.mcp.reduce<number>(
        (sum, server) =>
          sum +
          (Array.isArray((server as { tools?: unknown })?.tools) ? (server as { tools: unknown[] }).tools.length : 0),
        0,
      )
    : 0;
  const count = builtin + mcp;
  return `${count} tool${count === 1 ? "" : "s"}${mcp ? ` (${mcp} MCP)` : ""}`;
}
