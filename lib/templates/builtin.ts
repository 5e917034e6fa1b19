/**
 * Built-in templates, seeded (upserted by slug) on every start. Readable by everyone, changeable by none.
 * Graphs are in the public definition format (ARCHITECTURE.md). Their model nodes use "the default model"
 * (resolved per run: the user's choice, else the server's), so a fresh install with a provider answers with it.
 */
import { DEFAULT_MODEL_PROVIDER } from "@/lib/models/catalog";
import {
  HUMAN_APPROVAL_SLUG,
  RAG_QA_SLUG,
  ROUTER_CLASSIFIER_SLUG,
  SUMMARIZE_LOOP_SLUG,
  TOOL_AGENT_SLUG,
  UNIVERSAL_CHAT_SLUG,
} from "./slugs";

export interface BuiltinTemplate {
  slug: string;
  name: string;
  description: string;
  category: string;
  definition: { nodes: unknown[]; edges: unknown[]; metadata?: Record<string, unknown> };
  defaultParams: Record<string, unknown>;
}

const at = (x: number, y = 0) => ({ x, y });

export {
  HUMAN_APPROVAL_SLUG,
  RAG_QA_SLUG,
  ROUTER_CLASSIFIER_SLUG,
  SUMMARIZE_LOOP_SLUG,
  TOOL_AGENT_SLUG,
  UNIVERSAL_CHAT_SLUG,
} from "./slugs";

const node = (id: string, type: string, x: number, label: string, config: Record<string, unknown>, y = 0) => ({
  id,
  type,
  position: at(x, y),
  data: { label, config },
});
const edge = (source: string, target: string, sourceHandle?: string) => ({
  id: `e-${source}-${sourceHandle ? `${sourceHandle}-` : ""}${target}`,
  source,
  target,
  ...(sourceHandle ? { sourceHandle } : {}),
});

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
          data: {
            label: "Memory",
            config: {
              strategy: "window",
              maxMessages: 20,
              summarize: true,
              provider: DEFAULT_MODEL_PROVIDER,
              model: "default",
            },
          },
        },
        {
          id: "model",
          type: "model",
          position: at(480),
          data: {
            label: "Model",
            config: {
              provider: DEFAULT_MODEL_PROVIDER,
              model: "default",
              systemPrompt: "You are a helpful assistant.",
            },
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
  {
    slug: RAG_QA_SLUG,
    name: "Knowledge base Q&A",
    description: "Answers from a knowledge base: finds the relevant passages, then answers citing them as [1], [2]…",
    category: "retrieval",
    defaultParams: { knowledgeBaseId: "" },
    definition: {
      nodes: [
        node("start", "start", 0, "Start", {}),
        node("retrieve", "retrieval", 240, "Find passages", {
          knowledgeBaseId: "{{params.knowledgeBaseId}}",
          query: "{{input.message}}",
          topK: 4,
        }),
        node("instructions", "prompt", 480, "Citation rules", {
          role: "system",
          template:
            "Answer the user's question using only the numbered passages you were given, and cite them like [1]. " +
            "If the passages do not contain the answer, say that the knowledge base does not cover it.",
        }),
        node("answer", "model", 720, "Answer", {
          provider: DEFAULT_MODEL_PROVIDER,
          model: "default",
          systemPrompt: "You answer questions from a knowledge base.",
        }),
        node("end", "end", 960, "End", {}),
      ],
      edges: [
        edge("start", "retrieve"),
        edge("retrieve", "instructions"),
        edge("instructions", "answer"),
        edge("answer", "end"),
      ],
      metadata: {},
    },
  },
  {
    slug: TOOL_AGENT_SLUG,
    name: "Tool agent",
    description:
      "A model that may call tools — calculator, current time, HTTP GET, knowledge search — before it answers.",
    category: "agents",
    defaultParams: {},
    definition: {
      nodes: [
        node("start", "start", 0, "Start", {}),
        node("agent", "tools", 240, "Agent", {
          provider: DEFAULT_MODEL_PROVIDER,
          model: "default",
          systemPrompt: "Use the tools when they help answer the question, then answer briefly.",
          tools: ["calculator", "current_time", "http_get", "knowledge_search"],
          maxCalls: 5,
        }),
        node("end", "end", 480, "End", {}),
      ],
      edges: [edge("start", "agent"), edge("agent", "end")],
      metadata: {},
    },
  },
  {
    slug: ROUTER_CLASSIFIER_SLUG,
    name: "Router",
    description: "A model classifies each message — question, request or anything else — and a specialist answers it.",
    category: "routing",
    defaultParams: {},
    definition: {
      nodes: [
        node("start", "start", 0, "Start", {}),
        node("classify", "router", 240, "Classify", {
          provider: DEFAULT_MODEL_PROVIDER,
          model: "default",
          input: "{{input.message}}",
          routes: [
            { key: "question", description: "The user asks a question and wants information." },
            { key: "request", description: "The user asks for something to be done." },
          ],
        }),
        node(
          "explain",
          "model",
          480,
          "Explain",
          {
            provider: DEFAULT_MODEL_PROVIDER,
            model: "default",
            systemPrompt: "Answer the question clearly and briefly.",
          },
          -160,
        ),
        node("act", "model", 480, "Plan", {
          provider: DEFAULT_MODEL_PROVIDER,
          model: "default",
          systemPrompt: "Say how you will carry out the request, step by step.",
        }),
        node(
          "chat",
          "model",
          480,
          "Chat",
          { provider: DEFAULT_MODEL_PROVIDER, model: "default", systemPrompt: "You are a friendly assistant." },
          160,
        ),
        node("end", "end", 720, "End", {}),
      ],
      edges: [
        edge("start", "classify"),
        edge("classify", "explain", "question"),
        edge("classify", "act", "request"),
        edge("classify", "chat", "default"),
        edge("explain", "end"),
        edge("act", "end"),
        edge("chat", "end"),
      ],
      metadata: {},
    },
  },
  {
    slug: SUMMARIZE_LOOP_SLUG,
    name: "Summarize until short",
    description: "Shortens a text pass after pass until it fits in 280 characters (at most five passes).",
    category: "loops",
    defaultParams: {},
    definition: {
      nodes: [
        node("start", "start", 0, "Start", {}),
        node("take", "variable", 200, "Take the text", {
          assignments: [{ name: "text", expression: "input.message" }],
        }),
        node("loop", "loop", 400, "Until short", {
          until: "$length(variables.text) <= 280",
          maxIterations: 5,
        }),
        node(
          "ask",
          "prompt",
          600,
          "Ask to shorten",
          {
            role: "user",
            template: "Shorten this text to about half its length, keeping its meaning:\n\n{{variables.text}}",
          },
          -140,
        ),
        node(
          "shorten",
          "model",
          800,
          "Shorten",
          { provider: DEFAULT_MODEL_PROVIDER, model: "default", systemPrompt: "You shorten texts." },
          -140,
        ),
        node(
          "keep",
          "variable",
          1000,
          "Keep the result",
          { assignments: [{ name: "text", expression: "last_message" }] },
          -140,
        ),
        node("end", "end", 600, "End", { outputTemplate: "{{variables.text}}" }, 140),
      ],
      edges: [
        edge("start", "take"),
        edge("take", "loop"),
        edge("loop", "ask", "body"),
        edge("ask", "shorten"),
        edge("shorten", "keep"),
        edge("keep", "loop"),
        edge("loop", "end", "done"),
      ],
      metadata: {},
    },
  },
  {
    slug: HUMAN_APPROVAL_SLUG,
    name: "Human approval",
    description: "A model drafts the answer and a person approves it before it is sent; a rejected draft is withheld.",
    category: "human",
    defaultParams: {},
    definition: {
      nodes: [
        node("start", "start", 0, "Start", {}),
        node("draft", "model", 240, "Draft", {
          provider: DEFAULT_MODEL_PROVIDER,
          model: "default",
          systemPrompt: "Draft a helpful answer.",
        }),
        node("review", "human", 480, "Review", {
          mode: "approval",
          question: "Send this answer?\n\n{{last_message}}",
          variable: "approved",
        }),
        node("send", "end", 720, "Send", { outputTemplate: "{{last_message}}" }, -100),
        node("withhold", "end", 720, "Withhold", { outputTemplate: "The draft answer was not approved." }, 100),
      ],
      edges: [
        edge("start", "draft"),
        edge("draft", "review"),
        edge("review", "send", "approved"),
        edge("review", "withhold", "rejected"),
      ],
      metadata: {},
    },
  },
];
