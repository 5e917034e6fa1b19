import { describe, expect, it } from "vitest";
import { DEFAULT_AFTER_SIGN_IN, safeCallbackUrl } from "@/lib/auth/callback-url";

describe("safeCallbackUrl", () => {
  it.each([
    ["/workflows/01ABC", "/workflows/01ABC"],
    ["/chat?c=1#end", "/chat?c=1#end"],
    ["/executions/../settings", "/settings"],
  ])("keeps the relative path %s", (input, expected) => {
    expect(safeCallbackUrl(input)).toBe(expected);
  });

  it.each([
    ["an absolute URL", "https://evil.example/phish"],
    ["a protocol-relative URL", "//evil.example"],
    ["a backslash trick", "/\\evil.example"],
    ["a tab trick", "/\t/evil.example"],
    ["a javascript: URL", "javascript:alert(1)"],
    ["a path without a leading slash", "workflows"],
    ["the sign-in page itself", "/signin?callbackUrl=/x"],
    ["an empty value", ""],
    ["a non-string", ["/a", "/b"]],
    ["nothing", undefined],
  ])("falls back for %s", (_case, input) => {
    expect(safeCallbackUrl(input)).toBe(DEFAULT_AFTER_SIGN_IN);
  });
});
