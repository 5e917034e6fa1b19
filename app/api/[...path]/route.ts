/** Any /api path no route claims: a JSON 404 for every method (instead of Next's HTML not-found page). */
import { AppError } from "@/lib/errors";
import { apiRoute } from "@/lib/http";

const notFound = apiRoute(async () => {
  throw new AppError("not_found:route", "No API route matches this path");
});

export {
  notFound as DELETE,
  notFound as GET,
  notFound as HEAD,
  notFound as OPTIONS,
  notFound as PATCH,
  notFound as POST,
  notFound as PUT,
};
