"use client";

/**
 * The workflow's "Offer as an MCP tool" switch (inspector, with no node selected): an offered workflow is
 * listed at /api/mcp to the owner's MCP clients (authenticated by an API key). Saved at once, apart from the
 * workflow's versions; a workflow not saved yet says so.
 */
import { useId } from "react";
import { useSingleFlight } from "@/components/ui/single-flight";
import { useSetWorkflowMcpTool, useWorkflowMcpTool } from "@/components/settings/mcp-queries";
import { useEditor } from "../editor-context";

export function McpToolSetting() {
  const workflowId = useEditor((state) => state.workflowId);
  return (
    <div className="rounded-lg border border-zinc-200 p-3" data-testid="mcp-tool-setting">
      <p className="text-[12px] font-semibold text-zinc-700">MCP tool</p>
      {workflowId ? (
        <OfferSwitch workflowId={workflowId} />
      ) : (
        <p className="mt-1 text-[12px] text-zinc-500">Save the workflow to offer it to MCP clients as a tool.</p>
      )}
    </div>
  );
}

function OfferSwitch({ workflowId }: { workflowId: string }) {
  const id = useId();
  const setting = useWorkflowMcpTool(workflowId);
  const change = useSetWorkflowMcpTool(workflowId);
  const flight = useSingleFlight();
  // The box follows the click at once; the saved setting takes over when the server has answered.
  const offered = change.isPending ? Boolean(change.variables) : (setting.data?.offered ?? false);
  return (
    <>
      <label htmlFor={id} className="mt-1 flex items-center gap-2 text-[12px] text-zinc-700">
        <input
          id={id}
          type="checkbox"
          data-testid="mcp-tool-offered"
          className="size-3.5 accent-indigo-600"
          checked={offered}
          disabled={!setting.data || change.isPending || flight.pending}
          onChange={(event) => {
            const next = event.target.checked;
            flight.run(() => change.mutateAsync(next));
          }}
        />
        Offer as a tool to my MCP clients
      </label>
      {offered && setting.data ? (
        <p className="mt-1 text-[11.5px] leading-snug text-zinc-500">
          Listed at <code className="font-mono">/api/mcp</code> as{" "}
          <code className="font-mono text-zinc-700">{setting.data.toolName}</code>, with an API key as Bearer token.
        </p>
      ) : null}
      {change.isError ? (
        <p role="alert" className="mt-1 text-[12px] text-red-600">
          {change.error instanceof Error ? change.error.message : "The setting was not saved."}
        </p>
      ) : null}
    </>
  );
}
