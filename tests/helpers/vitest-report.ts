/**
 * A vitest JSON report (`--reporter=json --outputFile.json=…`) added to a runner's tally, then removed. A suite
 * that exited non-zero with no failed test (a crash, a failing hook), or left no report, is a failure by name.
 */
import fs from "node:fs";

export interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}

export function addVitestReport(
  reportFile: string,
  { exitCode, label, total, failures }: { exitCode: number | null; label: string; total: Tally; failures: string[] },
): void {
  try {
    const r = JSON.parse(fs.readFileSync(reportFile, "utf8")) as {
      numPassedTests: number;
      numFailedTests: number;
      numPendingTests: number;
    };
    total.passed += r.numPassedTests;
    total.failed += r.numFailedTests;
    total.skipped += r.numPendingTests;
    if (exitCode !== 0 && r.numFailedTests === 0) failures.push(label);
  } catch {
    failures.push(`${label}: no report`);
  } finally {
    fs.rmSync(reportFile, { force: true });
  }
}
