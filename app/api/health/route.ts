/**
 * GET /api/health — public liveness check: 200 when the database answers, 503 when it does not or while the
 * instance drains. Anonymous callers get the status only; signed-in ones (session or API key) also get the
 * version, the database (backend, location, migration) and who is calling. A wrong or revoked API key is
 * still a 401, so scripts can check their key here.
 */
import packageJson from "@/package.json";
import type { HealthResponse } from "@/lib/contracts/account";
import { authenticateOptional } from "@/lib/auth/authenticate";
import { getDbHandle } from "@/lib/db/client";
import { getAppliedMigration } from "@/lib/db/migrate";
import { AppError } from "@/lib/errors";
import { apiRoute, json, methodNotAllowed } from "@/lib/http";
import { isDraining, shuttingDownError } from "@/lib/queue/lifecycle";

export const GET = apiRoute(async (request) => {
  // A draining instance (SIGTERM) is unhealthy to a load balancer: send new requests elsewhere.
  if (isDraining()) throw shuttingDownError();
  let report: {
    backend: "pglite" | "postgres";
    location: string;
    migration: Awaited<ReturnType<typeof getAppliedMigration>>;
  };
  try {
    const handle = await getDbHandle();
    report = { backend: handle.backend, location: handle.location, migration: await getAppliedMigration(handle.db) };
  } catch (cause) {
    // The cause (connection refused, locked folder…) goes to the server log through apiRoute, not to the client.
    throw new AppError("unavailable:database", "The database is unavailable", { cause });
  }
  const user = await authenticateOptional(request);
  // Where the database lives (a host and port, an absolute folder) is for users of this instance only.
  const body: HealthResponse = user
    ? {
        status: "ok",
        version: packageJson.version,
        backend: report.backend,
        database: { location: report.location, migration: report.migration },
        user: { id: user.id, email: user.email },
      }
    : { status: "ok" };
  return json(body);
});

const others = methodNotAllowed(["GET"]);
export { others as DELETE, others as PATCH, others as POST, others as PUT };
