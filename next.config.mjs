// @ts-check
// JavaScript, not TypeScript: Next compiles a `next.config.ts` with SWC every time the server starts, which maps
// SWC's native binary into the production server for good (~29 MiB of resident memory that `next start` never
// uses again: RSS at start 165 -> 136 MiB). Editors check it against the type below; Next validates it at start.

/** @type {import("next").NextConfig} */
const nextConfig = {
  // Native/wasm database drivers must be loaded by Node at run time, not bundled.
  serverExternalPackages: ["@electric-sql/pglite", "postgres", "bcryptjs"],
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
