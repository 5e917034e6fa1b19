/**
 * Built-in templates, seeded (upserted by slug) on every start. Readable by everyone, changeable by none.
 * Graphs are in the public definition format (ARCHITECTURE.md).
 */
export interface BuiltinTemplate {
  slug: string;
  name: string;
  description: string;
  category: string;
  definition: { nodes: unknown[]; edges: unknown[]; metadata?: Record<string, unknown> };
  defaultParams: Record<string, unknown>;
}

const at = (x: number, y = 0) => ({ x, y });

export const UNIVERSAL_CHAT_SLUG = "universal-chat";

export const builtinTemplates: BuiltinTemplate[] = [
  {
    slug: UNIVERSAL_CHAT_SLUG,
    name: "Universal chat",
    description: "A conversation with memory: the last messages (and a running summary) go to the model.",
    category: "chat",
    defaultParams: {},
    definition: {
      nodes: [
        { id: "start", type: "start", position: at(0), data: { label: "Start", config: {} } },
        {
          id: "memory",
          type: "memory",
          position: at(240),
          data: { label: "Memory", config: { strategy: "window", maxMessages: 20, summarize: true } },
        },
        {
          id: "model",
          type: "model",
          position: at(480),
          data: {
            label: "Model",
            config: { provider: "local", model: "echo", systemPrompt: "You are a helpful assistant." },
          },
        },
        { id: "end", type: "end", position: at(720), data: { label: "End", config: {} } },
      ],
      edges: [
        { id: "e-start-memory", source: "start", target: "memory" },
        { id: "e-memory-model", source: "memory", target: "model" },
        { id: "e-model-end", source: "model", target: "end" },
      ],
      metadata: {},
    },
  },
];
