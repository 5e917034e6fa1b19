/**
 * The same suite runs on both backends. TEST_BACKEND=postgres: a fresh database is created on the server
 * named by TEST_DATABASE_URL (or DATABASE_URL) for this run, migrated by the first test that opens it, and
 * dropped afterwards. Otherwise every worker uses an in-memory PGlite.
 */
import type { TestProject } from "vitest/node";

export default async function setup(project: TestProject) {
  if (process.env.TEST_BACKEND !== "postgres") {
    project.provide("databaseUrl", "");
    return;
  }
  const base = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!base) throw new Error("TEST_BACKEND=postgres needs TEST_DATABASE_URL or DATABASE_URL");
  const { default: postgres } = await import("postgres");
  const name = `lattice_vitest_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  project.provide("databaseUrl", url.toString());
  return async () => {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}
