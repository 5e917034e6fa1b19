import { describe, expect, it } from "vitest";
import { checkUrlTarget, forbiddenAddressRange, isAllowListed } from "@/lib/validation";

describe("checkUrlTarget", () => {
  it.each([
    "http://127.0.0.1/",
    "http://127.1:8080/",
    "http://2130706433/",
    "http://0x7f.0.0.1/",
    "http://0.0.0.0/",
    "http://10.1.2.3/",
    "http://172.16.0.1/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.64.0.1/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[fd00::1]/",
    "http://[fe80::1]/",
    "http://localhost:3000/api",
    "http://LOCALHOST./",
    "http://app.localhost/",
    "http://metadata.google.internal/computeMetadata/v1/",
  ])("refuses %s", (url) => {
    expect(checkUrlTarget(url)).toMatchObject({ kind: "forbidden" });
  });

  it.each([
    "https://api.example.com/items?q=1",
    "http://8.8.8.8/",
    "https://[2001:4860:4860::8888]/",
    "https://example.com/{{variables.path}}",
  ])("allows %s", (url) => {
    expect(checkUrlTarget(url)).toEqual({ kind: "allowed" });
  });

  it("leaves a templated host to the run-time guard", () => {
    expect(checkUrlTarget("{{variables.url}}")).toEqual({ kind: "dynamic" });
    expect(checkUrlTarget("https://{{variables.host}}/x")).toEqual({ kind: "dynamic" });
  });

  it.each([
    "not a url",
    "ftp://example.com/file",
    "file:///etc/passwd",
    "javascript:alert(1)",
    "https://user:pass@example.com/",
  ])("calls %s invalid", (url) => {
    expect(checkUrlTarget(url)).toMatchObject({ kind: "invalid" });
  });

  it("exempts allow-listed hosts, by name, wildcard and port", () => {
    expect(checkUrlTarget("http://localhost:11434/api", ["localhost:11434"])).toEqual({ kind: "allowed" });
    expect(checkUrlTarget("http://localhost:8080/api", ["localhost:11434"])).toMatchObject({ kind: "forbidden" });
    expect(checkUrlTarget("http://llm.corp.internal/v1", ["*.corp.internal"])).toEqual({ kind: "allowed" });
    expect(isAllowListed("10.0.0.5", "", ["10.0.0.5"])).toBe(true);
    expect(isAllowListed("evil.com", "", ["*.corp.internal", ""])).toBe(false);
  });
});

describe("forbiddenAddressRange", () => {
  it("names the range of a non-public address and passes public ones", () => {
    expect(forbiddenAddressRange("127.0.0.1")).toBe("loopback");
    expect(forbiddenAddressRange("169.254.169.254")).toBe("linkLocal");
    expect(forbiddenAddressRange("::ffff:10.0.0.1")).toBe("private");
    expect(forbiddenAddressRange("93.184.216.34")).toBeNull();
    expect(forbiddenAddressRange("not-an-ip")).toBeNull();
  });
});
