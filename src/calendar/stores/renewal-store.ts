import type { CalendarRenewal } from "../../../schemas/calendar/integration.ts";
import { isoInstant } from "../../lib/clock.ts";

type Row = { kind: CalendarRenewal["kind"]; ref: string; attempted_at: number; ok: number; detail: string };

/**
 * The last attempt to keep each push channel and subscription alive (table `calendar_renewals`),
 * for the integration's status; the history of every attempt is the audit trail's.
 */
export class RenewalStore {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  /** Remember an attempt, replacing the one before for the same channel or subscription. */
  put(r: Omit<CalendarRenewal, "at">, at: number): void {
    const { kind, ref, ok, ...detail } = r;
    this.#sql.exec(
      `INSERT INTO calendar_renewals (kind, ref, attempted_at, ok, detail) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (kind, ref) DO UPDATE SET attempted_at = excluded.attempted_at, ok = excluded.ok,
         detail = excluded.detail`,
      kind,
      ref,
      at,
      ok ? 1 : 0,
      JSON.stringify(detail),
    );
  }

  /** Every last attempt, newest first. */
  all(): CalendarRenewal[] {
    return this.#sql
      .exec<Row>("SELECT kind, ref, attempted_at, ok, detail FROM calendar_renewals ORDER BY attempted_at DESC, ref")
      .toArray()
      .map((r) => ({
        kind: r.kind,
        ref: r.ref,
        at: isoInstant(r.attempted_at),
        ok: r.ok === 1,
        ...(JSON.parse(r.detail) as Pick<CalendarRenewal, "reason" | "replacedBy" | "expiresAt">),
      }));
  }
}
