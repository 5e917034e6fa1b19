"use client";

/**
 * Settings → MCP servers: the Model Context Protocol servers (Streamable HTTP) whose tools a Tools node can
 * call. Each row can show the server's tools (connecting to it: a server that is down says why). The auth
 * header's value may use {{secrets.NAME}}; it is kept encrypted and only a hint is shown again.
 */
import { ChevronDown, ChevronRight, Plug, Plus } from "lucide-react";
import { type FormEvent, useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Input, Label } from "@/components/ui/input";
import { useSingleFlight } from "@/components/ui/single-flight";
import type { McpServerDto } from "@/lib/api-client/mcp";
import { useCreateMcpServer, useDeleteMcpServer, useMcpServers, useMcpServerTools } from "./mcp-queries";

export function McpServersPanel() {
  const servers = useMcpServers();
  const create = useCreateMcpServer();
  const creating = useSingleFlight();
  const ids = { name: useId(), url: useId(), header: useId(), value: useId() };
  const [name, setName] = useState("");
  const [url, setUrl] = useState("");
  const [headerName, setHeaderName] = useState("Authorization");
  const [headerValue, setHeaderValue] = useState("");
  const [localError, setLocalError] = useState<string | null>(null);
  const error = localError ?? (create.isError && create.error instanceof Error ? create.error.message : null);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!name.trim()) return setLocalError("Give the server a name.");
    if (!/^https?:\/\//i.test(url.trim()))
      return setLocalError("Enter the server's http(s) URL, e.g. https://mcp.example.com/mcp.");
    setLocalError(null);
    creating.run(async () => {
      await create.mutateAsync({
        name: name.trim(),
        url: url.trim(),
        ...(headerValue.trim()
          ? { authHeader: { name: headerName.trim() || "Authorization", value: headerValue.trim() } }
          : {}),
      });
      setName("");
      setUrl("");
      setHeaderValue("");
    });
  }

  return (
    <Card aria-labelledby="mcp-servers-title" data-testid="mcp-servers">
      <CardHeader
        title={<span id="mcp-servers-title">MCP servers</span>}
        description={
          <>
            Model Context Protocol servers (Streamable HTTP) whose tools your Tools nodes can call. An auth header may
            use{" "}
            <code className="rounded bg-zinc-100 px-1 py-0.5 font-mono text-xs text-zinc-700">
              {"{{secrets.NAME}}"}
            </code>
            . Private addresses are refused unless the server's LATTICE_HTTP_ALLOWLIST names them.
          </>
        }
      />
      <form onSubmit={submit} noValidate className="grid gap-3 border-b border-zinc-200 px-5 py-4 sm:grid-cols-2">
        <div className="flex flex-col gap-1.5">
          <Label htmlFor={ids.name}>Name</Label>
          <Input
            id={ids.name}
            data-testid="mcp-server-name"
            value={name}
            maxLength={100}
            onChange={(e) => setName(e.target.value)}
            placeholder="e.g. GitHub"
            autoComplete="off"
          />
        </div>
        <div className="flex flex-col gap-1.5">
          <Label htmlFor={ids.url}>URL</Label>
          <Input
            id={ids.url}
            data-testid="mcp-server-url"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            placeholder="https://mcp.example.com/mcp"
            autoComplete="off"
          />
        </div>
        <div className="flex flex-col gap-1.5">
          <Label htmlFor={ids.header}>Auth header (optional)</Label>
          <Input
            id={ids.header}
            data-testid="mcp-server-header-name"
            value={headerName}
            onChange={(e) => setHeaderName(e.target.value)}
            autoComplete="off"
          />
        </div>
        <div className="flex flex-col gap-1.5">
          <Label htmlFor={ids.value}>Header value</Label>
          <Input
            id={ids.value}
            data-testid="mcp-server-header-value"
            type="password"
            value={headerValue}
            onChange={(e) => setHeaderValue(e.target.value)}
            placeholder="Bearer {{secrets.MY_TOKEN}}"
            autoComplete="off"
          />
        </div>
        <div className="flex items-center gap-3 sm:col-span-2">
          <Button type="submit" data-testid="mcp-server-add" disabled={create.isPending || creating.pending}>
            <Plus aria-hidden />
            {create.isPending ? "Adding…" : "Add server"}
          </Button>
          {error ? (
            <p role="alert" className="text-[13px] text-red-600">
              {error}
            </p>
          ) : null}
        </div>
      </form>
      {servers.data && servers.data.length > 0 ? (
        <ul className="flex flex-col divide-y divide-zinc-100">
          {servers.data.map((server) => (
            <ServerRow key={server.id} server={server} />
          ))}
        </ul>
      ) : servers.data ? (
        <EmptyState
          compact
          icon={Plug}
          title="No MCP servers yet"
          description="Add one above; its tools then appear in the Tools node's settings."
        />
      ) : null}
    </Card>
  );
}

function ServerRow({ server }: { server: McpServerDto }) {
  const [open, setOpen] = useState(false);
  const tools = useMcpServerTools(server.id, open);
  const remove = useDeleteMcpServer();
  const deleting = useSingleFlight();
  return (
    <li data-testid="mcp-server-row" className="px-5 py-3">
      <div className="flex items-center gap-3">
        <button
          type="button"
          className="flex min-w-0 items-center gap-1.5 text-left"
          aria-expanded={open}
          onClick={() => setOpen((o) => !o)}
          data-testid="mcp-server-toggle"
        >
          {open ? (
            <ChevronDown className="size-4 text-zinc-500" aria-hidden />
          ) : (
            <ChevronRight className="size-4 text-zinc-500" aria-hidden />
          )}
          <span className="text-[13px] font-medium text-zinc-900">{server.name}</span>
        </button>
        <span className="truncate font-mono text-[12px] text-zinc-500">{server.url}</span>
        {server.authHeader ? (
          <span className="shrink-0 font-mono text-[12px] text-zinc-400">
            {server.authHeader.name}: {server.authHeader.hint}
          </span>
        ) : null}
        <Button
          variant="danger-ghost"
          size="sm"
          className="ml-auto"
          disabled={remove.isPending || deleting.pending}
          onClick={() => deleting.run(() => remove.mutateAsync(server.id))}
          aria-label={`Delete ${server.name}`}
        >
          Delete
        </Button>
      </div>
      {open ? (
        <div className="mt-2 pl-6" data-testid="mcp-server-tools">
          {tools.isPending ? (
            <p className="text-[12px] text-zinc-500">Connecting…</p>
          ) : tools.isError ? (
            <p role="alert" className="text-[12px] text-red-600">
              {tools.error instanceof Error ? tools.error.message : "The server cannot be reached."}
            </p>
          ) : tools.data.length === 0 ? (
            <p className="text-[12px] text-zinc-500">This server offers no tools.</p>
          ) : (
            <ul className="flex flex-col gap-1">
              {tools.data.map((tool) => (
                <li key={tool.name} className="text-[12px]">
                  <code className="font-mono text-zinc-800">{tool.name}</code>
                  {tool.description ? <span className="text-zinc-500"> — {tool.description}</span> : null}
                </li>
              ))}
            </ul>
          )}
        </div>
      ) : null}
    </li>
  );
}
