/**
 * The tools of an owner's MCP servers as LangChain tools a Tools node binds like the built-in ones: the
 * server's name, description and JSON Schema go to the model; arguments are checked against that schema
 * before the call (a mismatch is an error the model reads, nothing is sent); the call is the pooled session's
 * (lib/mcp/client.ts), cancelled with the run.
 */
import "server-only";
import { DynamicStructuredTool, type StructuredToolInterface } from "@langchain/core/tools";
import { AppError } from "@/lib/errors";
import { callMcpTool, listMcpTools, type McpEndpoint } from "./client";
import { loadMcpEndpoint } from "./servers";

/** A Tools node's MCP servers: each by id, with the tool names it may call. */
export interface McpToolSelection {
  serverId: string;
  tools: string[];
}

/** A tool name a model API accepts (OpenAI: ^[a-zA-Z0-9_-]{1,64}$). */
function modelSafeName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_-]/g, "_").slice(0, 64);
}

/**
 * The selected tools of the servers, named as the servers name them (made safe for model APIs). A tool the
 * server does not offer (any more) is an error that lists what it offers; so is a name two tools share.
 */
export async function createMcpTools({
  selections,
  endpoint,
  signal,
  taken = [],
}: {
  selections: McpToolSelection[];
  /** The owner's server as an endpoint (lib/mcp/servers.ts loadMcpEndpoint). */
  endpoint: (serverId: string) => Promise<McpEndpoint>;
  signal?: AbortSignal;
  /** Names already bound (the built-in tools of the node). */
  taken?: string[];
}): Promise<StructuredToolInterface[]> {
  const names = new Set(taken);
  const perServer = await Promise.all(
    selections.map(async (selection) => {
      signal?.throwIfAborted();
      const server = await endpoint(selection.serverId);
      const offered = await listMcpTools(server);
      return selection.tools.map((toolName) => {
        const tool = offered.find((candidate) => candidate.name === toolName);
        if (!tool) {
          throw new AppError(
            "bad_request:mcp_tool",
            `The MCP server "${server.name}" has no tool named "${toolName}" (it offers ${offered.map((t) => `"${t.name}"`).join(", ") || "none"}): choose its tools again in the node's settings.`,
          );
        }
        return { server, tool };
      });
    }),
  );
  return perServer.flat().map(({ server, tool }) => {
    const name = modelSafeName(tool.name);
    if (names.has(name)) {
      throw new AppError(
        "bad_request:mcp_tool",
        `Two tools of this node are named "${name}" (one from MCP server "${server.name}"): keep one of them.`,
      );
    }
    names.add(name);
    return new DynamicStructuredTool({
      name,
      description: (tool.description || tool.title || `The ${tool.name} tool of ${server.name}`).slice(0, 1024),
      // LangChain checks the arguments against this JSON Schema before `func` (a mismatch is an error the
      // model reads, with what did not match; nothing is sent to the server).
      schema: { type: "object", properties: {}, ...tool.inputSchema } as Record<string, unknown>,
      verboseParsingErrors: true,
      func: async (args: Record<string, unknown>, _runManager, config) => {
        const callSignal = (config as { signal?: AbortSignal } | undefined)?.signal ?? signal;
        return callMcpTool(server, tool.name, args, callSignal);
      },
    });
  });
}

/** The MCP tools a run of `ownerId` may call: the servers loaded owner-scoped (another user's id is not found). */
export function ownerMcpTools({
  ownerId,
  selections,
  signal,
  taken,
}: {
  ownerId: string;
  selections: McpToolSelection[];
  signal: AbortSignal;
  taken: string[];
}): Promise<StructuredToolInterface[]> {
  return createMcpTools({
    selections,
    endpoint: (serverId) => loadMcpEndpoint({ ownerId, serverId }),
    signal,
    taken,
  });
}
