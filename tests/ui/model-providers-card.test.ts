/**
 * Settings → Model providers: which providers this server can run, and what to set for the others — the
 * variables are named, never their values.
 */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { ModelProvidersCard } from "@/components/settings/model-providers-card";

describe("ModelProvidersCard", () => {
  it("marks the ready providers, names what to set for the others, and lists their models", () => {
    const html = renderToStaticMarkup(
      createElement(ModelProvidersCard, {
        providers: [
          {
            id: "local",
            label: "Local (built in, deterministic)",
            configured: true,
            models: ["echo", "scripted", "slow"],
          },
          { id: "openai", label: "OpenAI", configured: true, models: ["gpt-4o-mini"] },
          { id: "anthropic", label: "Anthropic", configured: false, models: ["claude-sonnet-4-5"] },
          { id: "ollama", label: "Ollama", configured: false, models: [] },
        ],
      }),
    );
    const row = (id: string) => new RegExp(`data-provider="${id}".*?</li>`).exec(html)?.[0] ?? "";
    expect(row("local")).toContain("Ready");
    expect(row("local")).toContain("Models: echo, scripted, slow");
    expect(row("local")).not.toContain("Set ");
    expect(row("openai")).toContain("Ready");
    expect(row("openai")).toContain("Suggested models: gpt-4o-mini — or any model its server knows");
    expect(row("openai")).not.toContain("OPENAI_API_KEY");
    expect(row("anthropic")).toContain("Not set up");
    expect(row("anthropic")).toContain("ANTHROPIC_API_KEY");
    expect(row("ollama")).toContain("OLLAMA_BASE_URL");
  });
});
