"use client";

/**
 * An answer's Markdown: GitHub-flavoured (tables, task lists, strikethrough), code blocks highlighted with
 * a language label and a copy button, links opening in a new tab, and `[1]`-style citation markers turned
 * into chips that name their source. Raw HTML is not rendered (react-markdown's default), and link URLs go
 * through its safe-URL filter, so a model's output cannot inject markup or scripts.
 */
import { clsx } from "clsx";
import { Check, Copy } from "lucide-react";
import { memo, useState, type ComponentPropsWithoutRef, type ReactNode } from "react";
import Markdown, { type Components } from "react-markdown";
import rehypeHighlight from "rehype-highlight";
import remarkGfm from "remark-gfm";
import type { Source } from "@/lib/contracts/execution-result";
import { focusRingTight } from "@/components/ui/focus-ring";
import { copyText } from "./copy-text";

const CITE_PREFIX = "#cite-";

interface MdNode {
  type: string;
  value?: string;
  url?: string;
  children?: MdNode[];
}

/** A remark plugin: `[n]` in running text (never in code) becomes a link to citation n. */
function remarkCitations({ count }: { count: number }) {
  const pattern = /\[(\d{1,2})\]/g;
  const visit = (node: MdNode) => {
    if (!node.children) return;
    const out: MdNode[] = [];
    for (const child of node.children) {
      if (child.type !== "text" || !child.value || !pattern.test(child.value)) {
        if (child.type !== "link" && child.type !== "linkReference") visit(child);
        out.push(child);
        continue;
      }
      pattern.lastIndex = 0;
      const text = child.value;
      let last = 0;
      for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
        const n = Number(match[1]);
        if (n < 1 || n > count) continue;
        if (match.index > last) out.push({ type: "text", value: text.slice(last, match.index) });
        out.push({ type: "link", url: `${CITE_PREFIX}${n}`, children: [{ type: "text", value: String(n) }] });
        last = match.index + match[0].length;
      }
      if (last < text.length) out.push({ type: "text", value: text.slice(last) });
    }
    node.children = out;
  };
  return (tree: MdNode) => {
    if (count > 0) visit(tree);
  };
}

interface HastNode {
  type: string;
  value?: string;
  tagName?: string;
  properties?: { className?: unknown };
  children?: HastNode[];
}

function textOf(node: HastNode | undefined): string {
  if (!node) return "";
  if (node.type === "text") return node.value ?? "";
  return (node.children ?? []).map(textOf).join("");
}

function languageOf(node: HastNode | undefined): string | undefined {
  const code = node?.children?.find((child) => child.tagName === "code");
  const classes = code?.properties?.className;
  const list = Array.isArray(classes) ? classes.map(String) : typeof classes === "string" ? classes.split(" ") : [];
  return list.find((name) => name.startsWith("language-"))?.slice("language-".length);
}

function CodeBlock({ node, children }: { node?: HastNode; children?: ReactNode }) {
  const [copied, setCopied] = useState(false);
  const language = languageOf(node);
  const code = textOf(node).replace(/\n$/, "");
  return (
    <div
      data-testid="code-block"
      className="chat-code group/code my-3 overflow-hidden rounded-lg border border-zinc-800 bg-zinc-950 first:mt-0 last:mb-0"
    >
      <div className="flex h-8 items-center justify-between border-b border-white/10 bg-zinc-900 pr-1.5 pl-3">
        <span className="font-mono text-[11px] tracking-wide text-zinc-400 lowercase">{language ?? "text"}</span>
        <button
          type="button"
          data-testid="copy-code"
          onClick={() =>
            void copyText(code).then((ok) => {
              if (!ok) return;
              setCopied(true);
              window.setTimeout(() => setCopied(false), 1500);
            })
          }
          className={clsx(
            "inline-flex h-6 items-center gap-1 rounded px-1.5 text-[11px] font-medium text-zinc-400 transition-colors hover:bg-white/10 hover:text-zinc-100",
            focusRingTight,
          )}
        >
          {copied ? (
            <Check aria-hidden className="size-3.5 text-emerald-400" />
          ) : (
            <Copy aria-hidden className="size-3.5" />
          )}
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
      <pre className="overflow-x-auto p-3.5 font-mono text-[12.5px] leading-relaxed text-zinc-100">{children}</pre>
    </div>
  );
}

function CitationChip({ n, source }: { n: number; source: Source | undefined }) {
  return (
    <a
      href={`#${source ? `source-${source.chunkId}` : ""}`}
      data-testid="citation-marker"
      title={source ? `${source.title}${source.excerpt ? ` — ${source.excerpt}` : ""}` : `Source ${n}`}
      className={clsx(
        "mx-0.5 inline-flex h-[1.15rem] min-w-[1.15rem] items-center justify-center rounded-md bg-indigo-50 px-1 align-[0.1em] text-[11px] font-semibold text-indigo-700 no-underline ring-1 ring-indigo-200 ring-inset hover:bg-indigo-100",
        focusRingTight,
      )}
      onClick={(event) => {
        if (!source) return;
        event.preventDefault();
        document.getElementById(`source-${source.chunkId}`)?.scrollIntoView({ behavior: "smooth", block: "nearest" });
      }}
    >
      {n}
    </a>
  );
}

function buildComponents(sources: readonly Source[]): Components {
  return {
    pre: ({ node, children }) => <CodeBlock node={node as HastNode | undefined}>{children}</CodeBlock>,
    code: ({ className, children, node: _node, ...rest }: ComponentPropsWithoutRef<"code"> & { node?: unknown }) => {
      // Inside a <pre> the block styles apply; alone, it is inline code.
      const block = typeof className === "string" && /\b(language-|hljs)/.test(className);
      return block ? (
        <code className={className} {...rest}>
          {children}
        </code>
      ) : (
        <code
          className="rounded bg-zinc-100 px-1 py-0.5 font-mono text-[0.85em] text-zinc-800 ring-1 ring-zinc-200 ring-inset"
          {...rest}
        >
          {children}
        </code>
      );
    },
    a: ({ href, children }) => {
      if (href?.startsWith(CITE_PREFIX)) {
        const n = Number(href.slice(CITE_PREFIX.length));
        return <CitationChip n={n} source={sources[n - 1]} />;
      }
      return (
        <a
          href={href}
          target="_blank"
          rel="noopener noreferrer"
          className="font-medium text-indigo-600 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-600"
        >
          {children}
        </a>
      );
    },
    p: ({ children }) => <p className="my-3 first:mt-0 last:mb-0">{children}</p>,
    ul: ({ children, className }) => (
      <ul
        className={clsx(
          "my-3 flex flex-col gap-1 pl-5 first:mt-0 last:mb-0",
          className?.includes("contains-task-list") ? "list-none pl-1" : "list-disc",
        )}
      >
        {children}
      </ul>
    ),
    ol: ({ children }) => (
      <ol className="my-3 flex list-decimal flex-col gap-1 pl-5 first:mt-0 last:mb-0">{children}</ol>
    ),
    li: ({ children }) => <li className="pl-0.5 marker:text-zinc-400">{children}</li>,
    h1: ({ children }) => <h3 className="mt-5 mb-2 text-lg font-semibold first:mt-0">{children}</h3>,
    h2: ({ children }) => <h3 className="mt-5 mb-2 text-base font-semibold first:mt-0">{children}</h3>,
    h3: ({ children }) => <h4 className="mt-4 mb-1.5 text-[15px] font-semibold first:mt-0">{children}</h4>,
    h4: ({ children }) => <h5 className="mt-4 mb-1.5 font-semibold first:mt-0">{children}</h5>,
    blockquote: ({ children }) => (
      <blockquote className="my-3 border-l-2 border-zinc-300 pl-3 text-zinc-600">{children}</blockquote>
    ),
    hr: () => <hr className="my-5 border-zinc-200" />,
    table: ({ children }) => (
      <div className="my-3 overflow-x-auto rounded-lg border border-zinc-200">
        <table className="w-full border-collapse text-left text-[13px]">{children}</table>
      </div>
    ),
    thead: ({ children }) => <thead className="bg-zinc-50 text-zinc-600">{children}</thead>,
    th: ({ children, style }) => (
      <th style={style} className="border-b border-zinc-200 px-3 py-2 font-medium">
        {children}
      </th>
    ),
    td: ({ children, style }) => (
      <td style={style} className="border-b border-zinc-100 px-3 py-2 align-top">
        {children}
      </td>
    ),
    input: ({ type, checked }) =>
      type === "checkbox" ? (
        <input
          type="checkbox"
          checked={checked}
          readOnly
          disabled
          className="mr-1.5 size-3.5 translate-y-[2px] accent-indigo-600"
        />
      ) : null,
  };
}

export const ChatMarkdown = memo(function ChatMarkdown({
  text,
  sources = [],
  streaming = false,
}: {
  text: string;
  sources?: readonly Source[];
  /** Shows a caret after the last character while tokens arrive. */
  streaming?: boolean;
}) {
  return (
    <div
      data-testid="markdown"
      className="min-w-0 text-[14.5px] leading-7 break-words text-zinc-800 [&_strong]:font-semibold [&_strong]:text-zinc-900"
      {...(streaming ? { "data-chat-caret": "" } : {})}
    >
      <Markdown
        remarkPlugins={[remarkGfm, [remarkCitations, { count: sources.length }]]}
        rehypePlugins={[[rehypeHighlight, { detect: false }]]}
        components={buildComponents(sources)}
      >
        {text}
      </Markdown>
    </div>
  );
});
