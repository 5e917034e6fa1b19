import { describe, expect, it } from "vitest";
import { isActive, NAV_ITEMS } from "@/components/shell/app-sidebar";
import { formatRelativeTime } from "@/components/ui/relative-time";

describe("sidebar active state", () => {
  it("lights a section on its page and on the pages below it, not on look-alike paths", () => {
    expect(isActive("/workflows", "/workflows")).toBe(true);
    expect(isActive("/workflows/01JABC", "/workflows")).toBe(true);
    expect(isActive("/workflows-archive", "/workflows")).toBe(false);
    expect(isActive("/chat", "/workflows")).toBe(false);
  });

  it("has the six sections, each with its test id", () => {
    expect(NAV_ITEMS.map((i) => i.testId)).toEqual([
      "nav-workflows",
      "nav-chat",
      "nav-executions",
      "nav-templates",
      "nav-knowledge",
      "nav-settings",
    ]);
  });
});

describe("formatRelativeTime", () => {
  const now = new Date("2025-06-15T12:00:00Z");
  const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);

  it("speaks the way people do", () => {
    expect(formatRelativeTime(ago(10), now)).toBe("just now");
    expect(formatRelativeTime(ago(50), now)).toBe("1 minute ago");
    expect(formatRelativeTime(ago(5 * 60), now)).toBe("5 minutes ago");
    expect(formatRelativeTime(ago(3 * 3600), now)).toBe("3 hours ago");
    expect(formatRelativeTime(ago(26 * 3600), now)).toBe("yesterday");
    expect(formatRelativeTime(ago(3 * 86400), now)).toBe("3 days ago");
    expect(formatRelativeTime(ago(400 * 86400), now)).toBe("last year");
  });

  it("handles times in the future", () => {
    expect(formatRelativeTime(new Date(now.getTime() + 2 * 3600 * 1000), now)).toBe("in 2 hours");
  });
});
