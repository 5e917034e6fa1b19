/**
 * When a schedule fires. Cron expressions are read by `cron-parser` (well kept, time zones and daylight
 * saving through luxon, five or six fields, L/W/# and ranges) rather than a parser of our own: its edge cases
 * (DST gaps and repeats, day-of-month OR day-of-week) are where home-made schedulers go wrong. "Every N
 * minutes" counts from the schedule's last tick (or from when it was enabled).
 */
import "server-only";
import { CronExpressionParser } from "cron-parser";
import { AppError, type FieldIssue } from "@/lib/errors";
import type { ScheduleTiming } from "@/lib/contracts/triggers";

export interface Timing {
  kind: "cron" | "interval";
  cron: string | null;
  timezone: string;
  intervalMinutes: number | null;
}

function invalid(path: string, message: string): AppError {
  const issues: FieldIssue[] = [{ path, message }];
  return new AppError("validation:schedule", `The schedule's ${path} ${message}.`, { issues });
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The timing of a body, checked whole (422 naming the field at fault). */
export function parseTiming(body: ScheduleTiming): Timing {
  const timezone = body.timezone ?? "UTC";
  if (!isTimeZone(timezone))
    throw invalid("timezone", `"${timezone}" is not a known time zone (IANA, e.g. Europe/Paris)`);
  if (body.kind === "interval") {
    if (!body.intervalMinutes) throw invalid("intervalMinutes", "is needed for an interval schedule");
    return { kind: "interval", cron: null, timezone, intervalMinutes: body.intervalMinutes };
  }
  if (!body.cron) throw invalid("cron", "is needed for a cron schedule");
  const fields = body.cron.trim().split(/\s+/).length;
  if (fields !== 5) throw invalid("cron", "must have five fields: minute hour day-of-month month day-of-week");
  try {
    CronExpressionParser.parse(body.cron, { tz: timezone });
  } catch (error) {
    throw invalid("cron", `is not a valid cron expression (${error instanceof Error ? error.message : "unreadable"})`);
  }
  return { kind: "cron", cron: body.cron.trim(), timezone, intervalMinutes: null };
}

/**
 * The first `count` ticks strictly after `after`. An interval schedule's ticks are `anchor` + k·N minutes
 * (anchor: its last tick, else `after` itself).
 */
export function nextTicks(timing: Timing, after: Date, count: number, anchor?: Date | null): Date[] {
  if (timing.kind === "interval") {
    const step = (timing.intervalMinutes ?? 1) * 60_000;
    const base = anchor ?? after;
    const k = Math.max(1, Math.floor((after.getTime() - base.getTime()) / step) + 1);
    return Array.from({ length: count }, (_, i) => new Date(base.getTime() + (k + i) * step));
  }
  const iterator = CronExpressionParser.parse(timing.cron ?? "", { tz: timing.timezone, currentDate: after });
  return iterator.take(count).map((at) => at.toDate());
}

export function nextTick(timing: Timing, after: Date, anchor?: Date | null): Date {
  return nextTicks(timing, after, 1, anchor)[0]!;
}

/** A short sentence for the preview ("Every 15 minutes", "Cron 0 9 * * 1-5 in Europe/Paris"). */
export function describeTiming(timing: Timing): string {
  if (timing.kind === "interval") {
    const n = timing.intervalMinutes ?? 1;
    return n === 1 ? "Every minute" : `Every ${n} minutes`;
  }
  return `Cron ${timing.cron} (${timing.timezone})`;
}
