/**
 * Price per token by provider and model, in USD, from the providers' public list prices (per million
 * tokens, divided here). Local and self-hosted models cost nothing. A model not in the table costs 0 and is
 * flagged `known: false`, so a report can say "cost unknown" instead of pretending it was free.
 * Dated model ids ("gpt-4o-mini-2024-07-18") match their family by the longest listed prefix.
 */
export interface ModelPricing {
  inputPerToken: number;
  outputPerToken: number;
  /** false when the model is not in the table (its cost is reported as 0). */
  known: boolean;
}

const PER_MILLION = 1_000_000;

/** [input, output] USD per million tokens. */
const LIST_PRICES: Record<string, Record<string, readonly [number, number]>> = {
  openai: {
    "gpt-4o": [2.5, 10],
    "gpt-4o-mini": [0.15, 0.6],
    "gpt-4.1": [2, 8],
    "gpt-4.1-mini": [0.4, 1.6],
    "gpt-4.1-nano": [0.1, 0.4],
    "gpt-4-turbo": [10, 30],
    "gpt-3.5-turbo": [0.5, 1.5],
    "o3-mini": [1.1, 4.4],
    "o4-mini": [1.1, 4.4],
    o1: [15, 60],
    "o1-mini": [1.1, 4.4],
  },
  anthropic: {
    "claude-3-haiku": [0.25, 1.25],
    "claude-3-5-haiku": [0.8, 4],
    "claude-haiku-4-5": [1, 5],
    "claude-3-5-sonnet": [3, 15],
    "claude-3-7-sonnet": [3, 15],
    "claude-sonnet-4": [3, 15],
    "claude-3-opus": [15, 75],
    "claude-opus-4": [15, 75],
    "claude-opus-4-5": [5, 25],
  },
};

/** Providers whose models run on the user's own hardware. */
const FREE_PROVIDERS = new Set(["local", "ollama"]);

export function getPricing(provider: string, model: string): ModelPricing {
  if (FREE_PROVIDERS.has(provider)) return { inputPerToken: 0, outputPerToken: 0, known: true };
  const table = LIST_PRICES[provider];
  if (table) {
    const name = model.toLowerCase();
    let best: string | undefined;
    for (const key of Object.keys(table)) {
      if (
        (name === key || name.startsWith(`${key}-`) || name.startsWith(`${key}@`)) &&
        (!best || key.length > best.length)
      ) {
        best = key;
      }
    }
    if (best) {
      const [input, output] = table[best]!;
      return { inputPerToken: input / PER_MILLION, outputPerToken: output / PER_MILLION, known: true };
    }
  }
  return { inputPerToken: 0, outputPerToken: 0, known: false };
}

/** Splits a usage key "provider:model" (the model may itself contain ":", as Ollama tags do). */
export function parseUsageKey(key: string): { provider: string; model: string } {
  const at = key.indexOf(":");
  return at < 0 ? { provider: key, model: "" } : { provider: key.slice(0, at), model: key.slice(at + 1) };
}

/** Total USD cost of token usage keyed by "provider:model". */
export function computeCost(usage: Record<string, { inputTokens: number; outputTokens: number }>): number {
  let total = 0;
  for (const [key, { inputTokens, outputTokens }] of Object.entries(usage)) {
    const { provider, model } = parseUsageKey(key);
    const price = getPricing(provider, model);
    total += inputTokens * price.inputPerToken + outputTokens * price.outputPerToken;
  }
  // Drop binary floating-point noise; stored money has 6 decimals, keep a few more for sums.
  return Math.round(total * 1e9) / 1e9;
}
