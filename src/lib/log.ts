/** Fields a log line may carry: opaque ids, codes and numbers only, never personal data or secrets. */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

/** One structured JSON line per event, so logs are searchable and reviewable for privacy. */
export function log(level: "info" | "warn" | "error", event: string, fields: LogFields = {}): void {
  const line = JSON.stringify({ level, event, time: new Date().toISOString(), ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}
