import { inject } from "vitest";

const databaseUrl = inject("databaseUrl");
if (databaseUrl) {
  process.env.DATABASE_URL = databaseUrl;
} else {
  delete process.env.DATABASE_URL;
  process.env.LATTICE_DATA_DIR = "memory://";
}
process.env.LATTICE_DEMO_ACCOUNT ??= "false";
// Every test signs up from the same (unknown) client address: the per-address sign-in limit would stop the
// suite. The throttle's own tests use distinct addresses and their own limits.
process.env.LATTICE_AUTH_ATTEMPTS_PER_IP ??= "1000000";
(process.env as Record<string, string>).NODE_ENV = "test";
