import type { CalendarSource } from "../../schemas/calendar/change.ts";
import { WebhookSecrets } from "../../schemas/calendar/integration.ts";
import { log } from "../lib/log.ts";

let cached: { raw: string; parsed: WebhookSecrets } | null = null;

/**
 * Every current secret of one program and source, from the `WEBHOOK_SECRETS` secret (JSON, see
 * docs/calendar.md). Empty when the program has none for that source: its webhook does not exist.
 * A malformed secret is logged (never echoed) and treated as empty, so it cannot turn into a 500.
 */
export function webhookSecrets(raw: string | undefined, programId: string, source: CalendarSource): string[] {
  const all = parse(raw ?? "");
  const entry = Object.hasOwn(all, programId) ? all[programId] : undefined;
  return (entry?.[source] ?? []).filter((s) => s.length > 0);
}

function parse(raw: string): WebhookSecrets {
  if (cached?.raw === raw) return cached.parsed;
  let parsed: WebhookSecrets = {};
  if (raw.trim().length > 0) {
    try {
      const result = WebhookSecrets.safeParse(JSON.parse(raw));
      if (result.success) parsed = result.data;
      else log("error", "calendar.secrets.invalid", { issues: result.error.issues.length });
    } catch {
      log("error", "calendar.secrets.invalid", { issues: 0 });
    }
  }
  cached = { raw, parsed };
  return parsed;
}
