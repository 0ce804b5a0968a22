import { AttendanceRecord } from "../../schemas/attendance.ts";
import { attendanceWeekPrefix, ledgerDayPrefix } from "../attendance/keys.ts";

/**
 * Reads the attendance ledger from KV. A week is one prefix listing; a date range is one listing
 * per day. KV is eventually consistent, so a record written seconds ago in another location may
 * not be listed yet; the SessionRoom holds the authoritative copy (the session roster).
 */
export class LedgerReader {
  private readonly kv: KVNamespace;

  constructor(kv: KVNamespace) {
    this.kv = kv;
  }

  /** A client's records for one ISO week. */
  async week(programId: string, clientId: string, isoWeek: string): Promise<AttendanceRecord[]> {
    const prefix = attendanceWeekPrefix(programId, clientId, isoWeek);
    return prefix.ok ? this.read(prefix.key) : [];
  }

  /** The program's records for each local date given. */
  async days(programId: string, dates: readonly string[]): Promise<AttendanceRecord[]> {
    const all = await Promise.all(
      dates.map((d) => {
        const prefix = ledgerDayPrefix(programId, d);
        return prefix.ok ? this.read(prefix.key) : Promise.resolve([]);
      }),
    );
    return all.flat();
  }

  private async read(prefix: string): Promise<AttendanceRecord[]> {
    const names: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.kv.list({ prefix, cursor });
      names.push(...page.keys.map((k) => k.name));
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor);
    const values = await Promise.all(names.map((n) => this.kv.get(n, "json")));
    return values.flatMap((v) => {
      const parsed = AttendanceRecord.safeParse(v);
      return parsed.success ? [parsed.data] : [];
    });
  }
}
