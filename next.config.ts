import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native/wasm database drivers must be loaded by Node at run time, not bundled.
  serverExternalPackages: ["@electric-sql/pglite", "postgres", "bcryptjs"],
  poweredByHeader: false,
  // NEXT_DIST_DIR lets two builds of one checkout live side by side (e.g. `.next-a`); `.next` by default.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  typedRoutes: false,
  // The build type-checks the app; tests and scripts are checked by `npm run typecheck` (whole tree).
  typescript: { tsconfigPath: "tsconfig.build.json" },
};

export default nextConfig;
