import { inject } from "vitest";

const databaseUrl = inject("databaseUrl");
if (databaseUrl) {
  process.env.DATABASE_URL = databaseUrl;
} else {
  delete process.env.DATABASE_URL;
  process.env.LATTICE_DATA_DIR = "memory://";
}
process.env.LATTICE_DEMO_ACCOUNT ??= "false";
(process.env as Record<string, string>).NODE_ENV = "test";
