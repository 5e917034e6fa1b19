/**
 * Secrets a fresh clone needs but nobody configured: the session-signing secret and the demo account's
 * password. Generated once and kept in the data folder (mode 0600), so they survive restarts.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { env } from "@/lib/env";

export interface LocalSecrets {
  authSecret: string;
  demoPassword: string;
}

let cached: LocalSecrets | undefined;

function generate(): LocalSecrets {
  return {
    authSecret: crypto.randomBytes(32).toString("base64url"),
    demoPassword: `demo-${crypto.randomBytes(6).toString("base64url")}`,
  };
}

export function getLocalSecrets(dataDir = env().LATTICE_DATA_DIR): LocalSecrets {
  if (cached) return cached;
  if (dataDir.startsWith("memory://")) return (cached = generate());
  const dir = path.resolve(dataDir);
  const file = path.join(dir, "secrets.json");
  try {
    const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<LocalSecrets>;
    if (parsed.authSecret && parsed.demoPassword) return (cached = parsed as LocalSecrets);
  } catch {
    // first start: generate below
  }
  const fresh = generate();
  fs.mkdirSync(dir, { recursive: true });
  try {
    fs.writeFileSync(file, JSON.stringify(fresh, null, 2), { mode: 0o600, flag: "wx" });
    return (cached = fresh);
  } catch {
    // another process won the race: use what it wrote
    return (cached = JSON.parse(fs.readFileSync(file, "utf8")) as LocalSecrets);
  }
}

/** The secret that signs sessions: AUTH_SECRET, else the generated one. */
export function getAuthSecret(): string {
  return env().AUTH_SECRET ?? getLocalSecrets().authSecret;
}

export const DEMO_EMAIL = "demo@lattice.local";

/** Demo account: on by default in embedded mode only. */
export function demoAccountEnabled(): boolean {
  const e = env();
  return e.LATTICE_DEMO_ACCOUNT ?? !e.DATABASE_URL;
}
