/**
 * A user's MCP servers (Settings → MCP servers): register, rename or change, delete, list their tools; and
 * whether one of their workflows is offered as a tool at /api/mcp. A server's URL must pass the same SSRF
 * guard as the HTTP node (LATTICE_HTTP_ALLOWLIST applies), checked when it is saved and again on every
 * connection. The auth header's value is sealed; answers show a hint only.
 */
import "server-only";
import { maskedHint, seal } from "@/lib/credentials/crypto";
import {
  type McpServerRecord,
  type McpServerValues,
  deleteMcpServer as deleteRow,
  insertMcpServer,
  listMcpServers as listRows,
  setOfferedAsTool,
  updateMcpServer as updateRow,
} from "@/lib/db/queries/mcp-servers";
import {
  type CreateMcpServerBody,
  MCP_SERVER_LIMITS,
  type McpServerDto,
  type McpToolDto,
  type UpdateMcpServerBody,
  type WorkflowMcpTool,
  workflowToolName,
} from "@/lib/contracts/mcp";
import { AppError } from "@/lib/errors";
import { listMcpTools } from "@/lib/mcp/client";
import { loadMcpEndpoint, mcpServerNotFound } from "@/lib/mcp/servers";
import { checkOutboundUrl, type HostLookup } from "@/lib/net/safe-fetch";
import { secretNamesIn } from "@/lib/nodes/secret-names";
import { requireWorkflow, workflowNotFound } from "./workflows";

function toDto(row: McpServerRecord): McpServerDto {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    authHeader: row.authHeaderName ? { name: row.authHeaderName, hint: row.authHeaderHint } : null,
    timeoutMs: row.timeoutMs,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function nameTaken(name: string): AppError {
  return new AppError("conflict:mcp_server_name", `You already have an MCP server named "${name}".`);
}

/** The sealed header and what lists show of it: its secret references as written, else a masked tail. */
function sealedHeader(
  header: { name: string; value: string } | null,
): Pick<McpServerValues, "authHeaderName" | "authHeaderHint" | "auth"> {
  if (!header) return { authHeaderName: null, authHeaderHint: "", auth: null };
  const onlyReferences =
    secretNamesIn([header.value]).length > 0 && !/[A-Za-z0-9]{12,}/.test(header.value.replace(/\{\{[^}]*\}\}/g, ""));
  return {
    authHeaderName: header.name,
    authHeaderHint: (onlyReferences ? header.value : maskedHint(header.value)).slice(0, 200),
    auth: seal(header.value),
  };
}

async function checkUrl(url: string, lookup?: HostLookup): Promise<void> {
  try {
    await checkOutboundUrl(url, lookup ? { lookup } : {});
  } catch (error) {
    if (error instanceof AppError && error.status < 500) {
      throw new AppError("bad_request:mcp_server_url", error.message, {
        issues: [{ path: "url", message: error.message }],
      });
    }
    throw error;
  }
}

export async function listMcpServers({ ownerId }: { ownerId: string }): Promise<McpServerDto[]> {
  return (await listRows({ ownerId })).map(toDto);
}

export async function createMcpServer({
  ownerId,
  body,
  lookup,
}: {
  ownerId: string;
  body: CreateMcpServerBody;
  lookup?: HostLookup;
}): Promise<McpServerDto> {
  await checkUrl(body.url, lookup);
  const row = await insertMcpServer(ownerId, {
    name: body.name,
    url: body.url,
    timeoutMs: body.timeoutMs ?? MCP_SERVER_LIMITS.defaultTimeoutMs,
    ...sealedHeader(body.authHeader ?? null),
  });
  if (!row) throw nameTaken(body.name);
  return toDto(row);
}

export async function updateMcpServer({
  ownerId,
  id,
  body,
  lookup,
}: {
  ownerId: string;
  id: string;
  body: UpdateMcpServerBody;
  lookup?: HostLookup;
}): Promise<McpServerDto> {
  if (body.url !== undefined) await checkUrl(body.url, lookup);
  const row = await updateRow({
    id,
    ownerId,
    changes: {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.url !== undefined ? { url: body.url } : {}),
      ...(body.timeoutMs !== undefined ? { timeoutMs: body.timeoutMs } : {}),
      ...(body.authHeader !== undefined ? sealedHeader(body.authHeader) : {}),
    },
  });
  if (row === undefined) throw mcpServerNotFound(id);
  if (row === null) throw nameTaken(body.name ?? "");
  return toDto(row);
}

export async function deleteMcpServer({ ownerId, id }: { ownerId: string; id: string }): Promise<void> {
  if (!(await deleteRow({ id, ownerId }))) throw mcpServerNotFound(id);
}

/** Connects to one of the owner's servers and lists its tools (503 with the reason when it cannot). */
export async function listMcpServerTools({
  ownerId,
  id,
  lookup,
}: {
  ownerId: string;
  id: string;
  lookup?: HostLookup;
}): Promise<McpToolDto[]> {
  return listMcpTools(await loadMcpEndpoint({ ownerId, serverId: id, ...(lookup ? { lookup } : {}) }));
}

export async function getWorkflowMcpTool({ ownerId, id }: { ownerId: string; id: string }): Promise<WorkflowMcpTool> {
  const workflow = await requireWorkflow({ ownerId, id });
  return { offered: workflow.offeredAsTool, toolName: workflowToolName(workflow) };
}

/** Offers the workflow as a tool at /api/mcp, or stops offering it (saying so twice changes nothing). */
export async function setWorkflowMcpTool({
  ownerId,
  id,
  offered,
}: {
  ownerId: string;
  id: string;
  offered: boolean;
}): Promise<WorkflowMcpTool> {
  const workflow = await requireWorkflow({ ownerId, id });
  if (!(await setOfferedAsTool({ id, ownerId, offered }))) throw workflowNotFound();
  return { offered, toolName: workflowToolName(workflow) };
}
