/**
 * Test files that need a process of their own (vitest's `isolate`), listed for `npm test`, which runs every
 * other file with modules shared across the files of a worker (`isolate: false`; see vitest.config.ts and
 * scripts/test.ts). Sharing modules spares each file the import of the whole app (most of a file's time), and
 * the database is shared per worker as the PostgreSQL pass always did. A file belongs here when it:
 * - mocks or stubs modules, globals or the environment (vi.mock, vi.stubEnv, …): the module a later file
 *   imports would be the mock, or the real one already loaded would be used instead of it;
 * - sets process.env for the app (the app reads its settings once per process);
 * - builds the app's singletons with options of its own (a tracker with injected faults, a database that
 *   goes away);
 * - measures or changes the process itself: its heap and collector, process-wide hooks and patches.
 * tests/setup/isolation.test.ts checks that every file doing the first two or the last is listed.
 */
export const ISOLATED_TEST_FILES = [
  // vi.mock / vi.doMock / vi.stub*
  "tests/monitor/hydration.test.ts",
  "tests/tracking/failed-finish.test.ts",
  "tests/tracking/event-writer.test.ts",
  // process.env set for the app
  "tests/net/safe-fetch.test.ts",
  "tests/credentials/model-credentials.test.ts",
  "tests/graph/nodes.test.ts",
  "tests/auth/throttle.test.ts",
  "tests/auth/config.test.ts",
  "tests/engine/child-runs.test.ts",
  "tests/api/chat.test.ts",
  "tests/api/mcp-endpoint.test.ts",
  "tests/api/executions.test.ts",
  "tests/api/knowledge-embeddings.test.ts",
  "tests/api/health-unavailable.test.ts",
  "tests/scale/limits-and-drain.test.ts",
  "tests/scale/queue.test.ts",
  "tests/models/providers.test.ts",
  "tests/tools/tools.test.ts",
  "tests/triggers/schedules.test.ts",
  // the process itself: heap and collector, crypto's random values, the HTTP server's hook
  "tests/process/heap-growth.test.ts",
  "tests/process/idle-gc.test.ts",
  "tests/process/random-pool.test.ts",
];
