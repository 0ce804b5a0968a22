/**
 * The attendance ledger as CSV for billing and charting (RFC 4180). Ids are opaque, but the file
 * is opened in spreadsheets, so every field is also made safe against formula injection.
 */
import type { AttendanceRecord } from "../../schemas/attendance.ts";

/** Column order of the export; billing tools map columns by these names. */
export const ATTENDANCE_CSV_HEADER = [
  "date",
  "session",
  "track",
  "kind",
  "client",
  "scheduled_start",
  "scheduled_end",
  "clinicians",
  "scheduled_minutes",
  "attended_minutes",
  "status",
  "late",
  "left_early",
  "modality",
  "corrected",
  "version",
] as const;

/** The fields of a record the export reads. */
export type AttendanceCsvRow = Pick<
  AttendanceRecord,
  | "localDate"
  | "sessionId"
  | "trackId"
  | "kind"
  | "clientId"
  | "scheduledStart"
  | "scheduledEnd"
  | "scheduledMinutes"
  | "attendedMinutes"
  | "status"
  | "late"
  | "leftEarly"
  | "modality"
  | "version"
> &
  Partial<Pick<AttendanceRecord, "clinicianIds" | "correction">>;

/** Characters that make Excel, LibreOffice or Sheets read a cell as a formula (OWASP CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One field: a leading `'` disarms a formula, then quotes (doubled inside) when it holds `,` `"` CR or LF. */
export function csvField(value: string | number | boolean | null): string {
  let s = value === null ? "" : String(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The header and one line per row, in the order given, every line ending in CRLF. */
export function attendanceCsv(rows: readonly AttendanceCsvRow[]): string {
  const lines = [ATTENDANCE_CSV_HEADER.join(",")];
  for (const r of rows) {
    lines.push(
      [
        r.localDate,
        r.sessionId,
        r.trackId,
        r.kind,
        r.clientId,
        r.scheduledStart,
        r.scheduledEnd,
        // Several clinicians in one cell, space-separated (ids hold no spaces).
        (r.clinicianIds ?? []).join(" "),
        r.scheduledMinutes,
        r.attendedMinutes,
        r.status,
        r.late,
        r.leftEarly,
        r.modality,
        Boolean(r.correction),
        r.version,
      ]
        .map(csvField)
        .join(","),
    );
  }
  return `${lines.join("\r\n")}\r\n`;
}
