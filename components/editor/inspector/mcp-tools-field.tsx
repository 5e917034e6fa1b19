"use client";

/**
 * The Tools node's "MCP tools" field: the user's MCP servers (Settings → MCP servers), each opened to pick
 * which of its tools the model may call. The value is the definition's `[{ serverId, tools }]`; a server that
 * no longer exists stays listed (by id) until it is removed, and the validator says so on the node.
 */
import { ChevronDown, ChevronRight } from "lucide-react";
import { useState } from "react";
import { useMcpServers, useMcpServerTools } from "@/components/settings/mcp-queries";
import type { McpServerDto } from "@/lib/api-client/mcp";

export interface McpSelection {
  serverId: string;
  tools: string[];
}

export function selectionsOf(value: unknown): McpSelection[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => {
    if (!item || typeof item !== "object") return [];
    const { serverId, tools } = item as { serverId?: unknown; tools?: unknown };
    if (typeof serverId !== "string") return [];
    return [{ serverId, tools: Array.isArray(tools) ? tools.filter((t): t is string => typeof t === "string") : [] }];
  });
}

export function McpToolsField({
  inputId,
  value,
  onValue,
}: {
  inputId: string;
  value: unknown;
  onValue: (next: McpSelection[]) => void;
}) {
  const servers = useMcpServers();
  const selections = selectionsOf(value);
  const known = new Set((servers.data ?? []).map((server) => server.id));
  const missing = selections.filter((selection) => servers.data && !known.has(selection.serverId));

  function toggle(serverId: string, tool: string, on: boolean) {
    const current = selections.find((s) => s.serverId === serverId)?.tools ?? [];
    const tools = on ? [...new Set([...current, tool])] : current.filter((name) => name !== tool);
    const others = selections.filter((s) => s.serverId !== serverId);
    onValue(tools.length ? [...others, { serverId, tools }] : others);
  }

  return (
    <div id={inputId} className="flex min-w-0 flex-col gap-1.5" data-testid="mcp-tools-field">
      {servers.isPending ? <p className="text-[12px] text-zinc-500">Loading your MCP servers…</p> : null}
      {servers.data?.length === 0 ? (
        <p className="text-[12px] text-zinc-500">
          No MCP servers yet: add one in{" "}
          <a href="/settings#mcp-servers" className="text-indigo-700 hover:underline">
            Settings → MCP servers
          </a>
          .
        </p>
      ) : null}
      {(servers.data ?? []).map((server) => (
        <ServerTools
          key={server.id}
          server={server}
          chosen={selections.find((s) => s.serverId === server.id)?.tools ?? []}
          onToggle={(tool, on) => toggle(server.id, tool, on)}
        />
      ))}
      {missing.map((selection) => (
        <div key={selection.serverId} className="flex items-center gap-2 text-[12px] text-red-600">
          <span className="truncate">
            Server {selection.serverId} ({selection.tools.join(", ")}) no longer exists.
          </span>
          <button
            type="button"
            className="ml-auto shrink-0 text-zinc-600 underline"
            onClick={() => onValue(selections.filter((s) => s.serverId !== selection.serverId))}
          >
            Remove
          </button>
        </div>
      ))}
    </div>
  );
}

function ServerTools({
  server,
  chosen,
  onToggle,
}: {
  server: McpServerDto;
  chosen: string[];
  onToggle: (tool: string, on: boolean) => void;
}) {
  const [open, setOpen] = useState(chosen.length > 0);
  const tools = useMcpServerTools(server.id, open);
  const names = [...new Set([...(tools.data ?? []).map((tool) => tool.name), ...chosen])];
  return (
    <div className="rounded-md border border-zinc-200" data-testid="mcp-tools-server">
      <button
        type="button"
        className="flex w-full items-center gap-1.5 px-2 py-1.5 text-left text-[12.5px] text-zinc-800"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
      >
        {open ? <ChevronDown className="size-3.5" aria-hidden /> : <ChevronRight className="size-3.5" aria-hidden />}
        <span className="truncate font-medium">{server.name}</span>
        {chosen.length ? <span className="ml-auto text-[11.5px] text-zinc-500">{chosen.length} chosen</span> : null}
      </button>
      {open ? (
        <div className="border-t border-zinc-100 px-2 py-1.5">
          {tools.isPending ? <p className="text-[12px] text-zinc-500">Connecting…</p> : null}
          {tools.isError ? (
            <p role="alert" className="text-[12px] text-red-600">
              {tools.error instanceof Error ? tools.error.message : "The server cannot be reached."}
            </p>
          ) : null}
          {tools.data && names.length === 0 ? <p className="text-[12px] text-zinc-500">It offers no tools.</p> : null}
          <fieldset aria-label={`Tools of ${server.name}`} className="flex flex-col gap-1">
            {names.map((name) => {
              const tool = tools.data?.find((t) => t.name === name);
              return (
                <label
                  key={name}
                  className="flex items-start gap-1.5 text-[12px] text-zinc-700"
                  title={tool?.description}
                >
                  <input
                    type="checkbox"
                    className="mt-0.5 size-3.5 accent-indigo-600"
                    checked={chosen.includes(name)}
                    onChange={(event) => onToggle(name, event.target.checked)}
                  />
                  <span className="min-w-0">
                    <code className="font-mono">{name}</code>
                    {tool?.description ? (
                      <span className="block truncate text-zinc-500">{tool.description}</span>
                    ) : null}
                    {tools.data && !tool ? <span className="block text-red-600">no longer offered</span> : null}
                  </span>
                </label>
              );
            })}
          </fieldset>
        </div>
      ) : null}
    </div>
  );
}
