import { NextResponse, type NextRequest } from "next/server";

/** Header carrying the requested path + query to server components (a layout does not know its URL). */
export const REQUEST_PATH_HEADER = "x-lattice-path";

/**
 * Passes the requested path to the app so a signed-out visitor is sent back where they were going after
 * signing in. No auth decision is made here: the layouts and route handlers check the session themselves.
 */
export function proxy(request: NextRequest) {
  const headers = new Headers(request.headers);
  headers.set(REQUEST_PATH_HEADER, request.nextUrl.pathname + request.nextUrl.search);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  matcher: ["/((?!api/|_next/|favicon.ico|.*\\.(?:png|svg|ico|jpg|css|js)$).*)"],
};
