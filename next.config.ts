import type { NextConfig } from "next";

const nextConfig: NextConfig = {
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
