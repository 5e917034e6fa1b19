/**
 * A small chat page on LangGraph's React hook `useStream` (@langchain/langgraph-sdk/react), as Agent Chat UI
 * builds on it: bundled by e2e/langgraph-use-stream.spec.ts and served from another origin, it talks to
 * Lattice's /api/langgraph with an API key (CORS), streams a workflow's answer and answers a human node.
 */
import { useStream } from "@langchain/langgraph-sdk/react";
import { useState } from "react";
import { createRoot } from "react-dom/client";

declare global {
  interface Window {
    LG: { apiUrl: string; apiKey: string; assistantId: string };
  }
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content))
    return content.map((part) => (typeof part === "string" ? part : (part?.text ?? ""))).join("");
  return "";
}

function App() {
  const { apiUrl, apiKey, assistantId } = window.LG;
  const [threadId, setThreadId] = useState<string | null>(null);
  const [text, setText] = useState("");
  const stream = useStream<{ messages: Array<{ type: string; content: unknown; id?: string }> }>({
    apiUrl,
    apiKey,
    assistantId,
    messagesKey: "messages",
    threadId,
    onThreadId: setThreadId,
  });
  const interrupt = stream.interrupt as { value?: { question?: string } } | undefined;
  return (
    <main>
      <ol data-testid="messages">
        {stream.messages.map((message, index) => (
          <li key={message.id ?? index} data-testid={`message-${message.type}`}>
            {textOf(message.content)}
          </li>
        ))}
      </ol>
      {interrupt?.value?.question ? (
        <div data-testid="interrupt">
          <span>{interrupt.value.question}</span>
          <button
            type="button"
            data-testid="approve"
            onClick={() => stream.submit(undefined, { command: { resume: true } })}
          >
            Approve
          </button>
        </div>
      ) : null}
      <p data-testid="status">{stream.isLoading ? "loading" : "idle"}</p>
      <p data-testid="thread">{threadId ?? ""}</p>
      <p data-testid="values">{JSON.stringify((stream.values as { variables?: unknown })?.variables ?? null)}</p>
      {stream.error ? <p data-testid="error">{String((stream.error as Error).message ?? stream.error)}</p> : null}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          stream.submit(text ? { messages: [{ type: "human", content: text }] } : { variables: { start: true } });
          setText("");
        }}
      >
        <input data-testid="input" value={text} onChange={(e) => setText(e.target.value)} />
        <button type="submit" data-testid="send">
          Send
        </button>
      </form>
    </main>
  );
}

createRoot(document.getElementById("root")!).render(<App />);
