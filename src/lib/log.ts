/** Fields a log line may carry: opaque ids, codes and numbers only, never personal data or secrets. */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

type Level = "info" | "warn" | "error";
const RANK: Record<Level, number> = { info: 0, warn: 1, error: 2 };
let threshold: Level = "info";

/** Set the lowest level written (from the `LOG_LEVEL` var); unknown values keep `info`. */
export function setLogLevel(level: string | undefined): void {
  if (level === "info" || level === "warn" || level === "error") threshold = level;
}

/** One structured JSON line per event, so logs are searchable and reviewable for privacy. */
export function log(level: Level, event: string, fields: LogFields = {}): void {
  if (RANK[level] < RANK[threshold]) return;
  const line = JSON.stringify({ level, event, time: new Date().toISOString(), ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}
