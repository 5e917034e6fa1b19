"use client";

/**
 * React Query hooks over lib/api-client/mcp: the user's MCP servers and their tools (Settings → MCP servers,
 * the Tools node's picker), and a workflow's "offer as an MCP tool" setting (the editor).
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  createMcpServer,
  deleteMcpServer,
  fetchMcpServers,
  fetchMcpServerTools,
  fetchWorkflowMcpTool,
  type McpServerDto,
  setWorkflowMcpTool,
} from "@/lib/api-client/mcp";

export const mcpKeys = {
  servers: ["mcp-servers"] as const,
  tools: (id: string) => ["mcp-servers", id, "tools"] as const,
  workflowTool: (id: string) => ["workflows", id, "mcp-tool"] as const,
};

export function useMcpServers() {
  return useQuery({ queryKey: mcpKeys.servers, queryFn: ({ signal }) => fetchMcpServers({ signal }) });
}

/** A server's tools, fetched when `enabled` (connecting takes a moment; a server that is down says why). */
export function useMcpServerTools(id: string | undefined, enabled = true) {
  return useQuery({
    queryKey: mcpKeys.tools(id ?? ""),
    queryFn: ({ signal }) => fetchMcpServerTools(id!, { signal }),
    enabled: Boolean(id) && enabled,
    retry: false,
    staleTime: 60_000,
  });
}

export function useCreateMcpServer() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createMcpServer,
    onSuccess: (server) => {
      queryClient.setQueryData<McpServerDto[]>(mcpKeys.servers, (old) =>
        [...(old ?? []).filter((s) => s.id !== server.id), server].sort((a, b) => a.name.localeCompare(b.name)),
      );
      void queryClient.invalidateQueries({ queryKey: mcpKeys.servers });
    },
  });
}

export function useDeleteMcpServer() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteMcpServer,
    onSuccess: (_nothing, id) => {
      queryClient.setQueryData<McpServerDto[]>(mcpKeys.servers, (old) => (old ?? []).filter((s) => s.id !== id));
      void queryClient.invalidateQueries({ queryKey: mcpKeys.servers });
    },
  });
}

export function useWorkflowMcpTool(id: string | undefined) {
  return useQuery({
    queryKey: mcpKeys.workflowTool(id ?? ""),
    queryFn: ({ signal }) => fetchWorkflowMcpTool(id!, { signal }),
    enabled: Boolean(id),
  });
}

export function useSetWorkflowMcpTool(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (offered: boolean) => setWorkflowMcpTool({ id, offered }),
    onSuccess: (setting) => queryClient.setQueryData(mcpKeys.workflowTool(id), setting),
  });
}
