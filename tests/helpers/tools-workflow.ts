/**
 * start → tools node "agent" → end, in the public definition format: the Tools node's config as given (the
 * local `scripted` model asks for the tools its `script` names, in turn). For API, engine and e2e tests.
 */
export function toolsNodeWorkflow(name: string, config: Record<string, unknown>) {
  return {
    name,
    description: "",
    nodes: [
      { id: "start", type: "start", position: { x: 0, y: 0 }, data: { label: "Start", config: {} } },
      { id: "agent", type: "tools", position: { x: 240, y: 0 }, data: { label: "Agent", config } },
      { id: "end", type: "end", position: { x: 480, y: 0 }, data: { label: "End", config: {} } },
    ],
    edges: [
      { id: "e1", source: "start", target: "agent" },
      { id: "e2", source: "agent", target: "end" },
    ],
    metadata: {},
  };
}
