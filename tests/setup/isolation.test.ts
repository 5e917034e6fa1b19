import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ISOLATED_TEST_FILES } from "./isolated-files";

const root = path.resolve(import.meta.dirname, "../..");

function testFiles(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true }).flatMap((entry) => {
    if (!entry.isFile() || !/\.test\.tsx?$/.test(entry.name)) return [];
    return [path.relative(root, path.join(entry.parentPath, entry.name))];
  });
}

/** What makes a file unfit to share its modules with the next file of its worker. */
const NEEDS_ITS_OWN_PROCESS = [
  /\bvi\.(mock|doMock|unmock|stubEnv|stubGlobal|resetModules)\(/,
  /process\.env(\.\w+|\[[^\]]+\])\s*=[^=]/,
  /delete process\.env/,
  /process\.memoryUsage|v8\.setFlagsFromString|getHeapStatistics|installRandomPool|installPeerAddressHook/,
];

describe("test files that mock, stub or set the environment run in a process of their own", () => {
  const files = ["tests", "lib", "components"].flatMap(testFiles).filter((f) => f !== "tests/setup/isolation.test.ts");

  it("lists every such file in tests/setup/isolated-files.ts", () => {
    const unlisted = files.filter(
      (file) =>
        !ISOLATED_TEST_FILES.includes(file) &&
        NEEDS_ITS_OWN_PROCESS.some((pattern) => pattern.test(fs.readFileSync(path.join(root, file), "utf8"))),
    );
    expect(unlisted).toEqual([]);
  });

  it("lists only files that exist", () => {
    expect(ISOLATED_TEST_FILES.filter((file) => !files.includes(file))).toEqual([]);
  });
});
