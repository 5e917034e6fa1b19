// @ts-check
// JavaScript, not TypeScript: Next compiles a `next.config.ts` with SWC every time the server starts, which maps
// SWC's native binary into the production server for good (~29 MiB of resident memory that `next start` never
// uses again: in an A/B of one build, RSS at start 172 -> 138 MiB). Editors check it against the type below; Next
// validates it at start.

/** @type {import("next").NextConfig} */
const nextConfig = {
  serverExternalPackages: [
    // Native/wasm database drivers must be loaded by Node at run time, not bundled.
    "@electric-sql/pglite",
    "postgres",
    "bcryptjs",
    // The large libraries the API's routes share: Turbopack copies a route's libraries into that route's own
    // chunks, so every route the server had loaded held its own copy of LangChain, LangGraph, langsmith,
    // undici and the MCP SDK (~2.3 MB of source each time, kept as text, compiled, and instantiated again).
    // Loaded by Node instead, they are loaded once per process and shared by every route.
    "@langchain/core",
    "@langchain/langgraph",
    "@langchain/langgraph-checkpoint",
    "@langchain/anthropic",
    "@langchain/ollama",
    "langsmith",
    "undici",
    "@modelcontextprotocol/sdk",
    // The tokenizer's ranks (~1 MB of text), which every route that counts tokens copied too.
    "js-tiktoken",
  ],
  poweredByHeader: false,
  // NEXT_DIST_DIR lets two builds of one checkout live side by side (e.g. `.next-a`); `.next` by default.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  typedRoutes: false,
  experimental: {
    // Load a route's code when it is first asked for, not every page's at start: a server that only serves
    // the API (chat, runs) holds ~35 MiB less, at the cost of one module load on a page's first visit.
    preloadEntriesOnStart: false,
    // A CI run builds once, from a fresh clone: writing Turbopack's build cache (about 50 s of a 2-core
    // machine, beside the test passes) would serve no later build there. Local builds keep it.
    turbopackFileSystemCacheForBuild: process.env.CI !== "true",
  },
  // The build type-checks the app; tests and scripts are checked by `npm run typecheck` (whole tree).
  typescript: { tsconfigPath: "tsconfig.build.json" },
};

export default nextConfig;
