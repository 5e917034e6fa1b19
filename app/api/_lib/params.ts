/**
 * Path parameters. Row ids are ULIDs: anything else cannot name a row, so it is the same 404 as a missing
 * or foreign row (no query, and nothing learned about what exists).
 */
import "server-only";
import { z } from "zod";
import { isId } from "@/lib/contracts/common";
import type { AppError } from "@/lib/errors";

type Params = Promise<Record<string, string | string[]>>;

export async function idParam(params: Params, name: string, notFound: () => AppError): Promise<string> {
  const value = (await params)[name];
  if (!isId(value)) throw notFound();
  return value;
}

const versionSchema = z.string().regex(/^[1-9][0-9]{0,8}$/);

/** A version number in the path (1, 2, …); anything else names no version. */
export async function versionParam(params: Params, notFound: () => AppError): Promise<number> {
  const value = (await params).version;
  if (!versionSchema.safeParse(value).success) throw notFound();
  return Number(value);
}
