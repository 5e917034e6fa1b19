/**
 * Sets environment variables for a test file (undefined: unset) and re-reads the validated environment;
 * the function returned puts back what was there before and re-reads it again.
 */
import { resetEnvCache } from "@/lib/env";

export function setEnv(values: Record<string, string | undefined>): () => void {
  const saved = Object.fromEntries(Object.keys(values).map((name) => [name, process.env[name]]));
  const apply = (next: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(next)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    resetEnvCache();
  };
  apply(values);
  return () => apply(saved);
}
