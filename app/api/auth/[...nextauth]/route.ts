/** next-auth's endpoints (sign-in callbacks, session, CSRF, sign-out) under /api/auth. */
import type { NextRequest } from "next/server";
import { handlers } from "@/lib/auth";
import { apiRoute } from "@/lib/http";

// next-auth answers with redirects and its own JSON; apiRoute only keeps its failures from leaking details.
export const GET = apiRoute(async (request) => handlers.GET(request as NextRequest));
export const POST = apiRoute(async (request) => handlers.POST(request as NextRequest));
