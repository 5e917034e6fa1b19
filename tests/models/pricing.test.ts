import { describe, expect, it } from "vitest";
import { computeCost, getPricing, parseUsageKey } from "@/lib/models";

/** Price per million tokens, the unit providers publish. */
function perMillion(provider: string, model: string) {
  const p = getPricing(provider, model);
  return {
    input: Number((p.inputPerToken * 1e6).toFixed(6)),
    output: Number((p.outputPerToken * 1e6).toFixed(6)),
    known: p.known,
  };
}

describe("pricing", () => {
  it("local and self-hosted models are free and known", () => {
    expect(getPricing("local", "echo")).toEqual({ inputPerToken: 0, outputPerToken: 0, known: true });
    expect(getPricing("ollama", "llama3.2:8b")).toEqual({ inputPerToken: 0, outputPerToken: 0, known: true });
  });

  it("uses list prices per token, matching dated model ids to their family", () => {
    expect(perMillion("openai", "gpt-4o-mini")).toEqual({ input: 0.15, output: 0.6, known: true });
    expect(getPricing("openai", "gpt-4o-mini-2024-07-18")).toEqual(getPricing("openai", "gpt-4o-mini"));
    expect(perMillion("openai", "gpt-4o-2024-08-06")).toEqual({ input: 2.5, output: 10, known: true });
    expect(perMillion("openai", "gpt-4.1-mini")).toEqual({ input: 0.4, output: 1.6, known: true });
    expect(perMillion("anthropic", "claude-sonnet-4-5-20250929")).toEqual({ input: 3, output: 15, known: true });
    expect(perMillion("anthropic", "claude-3-5-haiku-latest")).toEqual({ input: 0.8, output: 4, known: true });
    expect(perMillion("anthropic", "claude-opus-4-5")).toEqual({ input: 5, output: 25, known: true });
    expect(perMillion("anthropic", "claude-opus-4-1")).toEqual({ input: 15, output: 75, known: true });
  });

  it("prices unknown models at 0 and says so", () => {
    expect(getPricing("openai", "my-finetune")).toEqual({ inputPerToken: 0, outputPerToken: 0, known: false });
    expect(getPricing("acme", "x")).toMatchObject({ known: false });
    // A prefix is not a family: "gpt-4o" must not price "gpt-4omega".
    expect(getPricing("openai", "gpt-4omega").known).toBe(false);
  });

  it("parses provider:model keys whose model contains a colon", () => {
    expect(parseUsageKey("ollama:llama3.2:8b")).toEqual({ provider: "ollama", model: "llama3.2:8b" });
  });

  it("sums the cost of usage across models", () => {
    const cost = computeCost({
      "openai:gpt-4o-mini": { inputTokens: 1_000_000, outputTokens: 1_000_000 },
      "anthropic:claude-haiku-4-5": { inputTokens: 2000, outputTokens: 1000 },
      "local:echo": { inputTokens: 999, outputTokens: 999 },
      "ollama:llama3.2:8b": { inputTokens: 5, outputTokens: 5 },
    });
    expect(cost).toBeCloseTo(0.757, 9);
    expect(computeCost({})).toBe(0);
    expect(computeCost({ "openai:gpt-4o-mini": { inputTokens: 1, outputTokens: 2 } })).toBe(0.00000135);
  });
});
