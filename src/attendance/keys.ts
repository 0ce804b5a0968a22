/**
 * Key builders for the `ATTENDANCE` KV namespace. KV is last-write-wins with no compare-and-set,
 * so every record has its own key and no key is read-modified-written; reports are prefix
 * listings. Every segment must be an opaque id: letters, digits, `_ - . :` only. `/` would let a
 * segment forge another key's prefix, and refusing `@` keeps an e-mail address out of every key.
 *
 * | prefix | one key per | value |
 * | --- | --- | --- |
 * | `att/{programId}/{clientId}/{isoWeek}/{sessionId}` | client and occurrence | `AttendanceRecord` — a client's week is one listing |
 * | `led/{programId}/{localDate}/{sessionId}/{clientId}` | occurrence and client | `AttendanceRecord` — the program ledger, listed day by day |
 */
import { IsoWeek } from "../../schemas/attendance.ts";
import { LocalDate } from "../../schemas/common.ts";

/** A key, or which segment was refused (by name only: the value might be personal). */
export type KeyResult = { ok: true; key: string } | { ok: false; reason: "invalid-segment"; segment: string };

const OPAQUE = /^[A-Za-z0-9_.:-]{1,128}$/;

/** An opaque id fit for a key segment; all-dot segments are refused so no key reads like a path walk. */
export function isOpaqueSegment(s: string): boolean {
  return OPAQUE.test(s) && !/^\.+$/.test(s);
}

type Segment = [name: string, value: string, check?: (v: string) => boolean];

const isWeek = (v: string) => IsoWeek.safeParse(v).success;
const isDate = (v: string) => LocalDate.safeParse(v).success;

/** Join checked segments; the failure names the segment, never echoes its value (it might be an e-mail). */
function build(prefix: string, segments: Segment[], trailingSlash = false): KeyResult {
  for (const [name, value, check] of segments) {
    if (typeof value !== "string" || !isOpaqueSegment(value) || (check && !check(value))) {
      return { ok: false, reason: "invalid-segment", segment: name };
    }
  }
  const key = [prefix, ...segments.map(([, v]) => v)].join("/");
  return { ok: true, key: trailingSlash ? `${key}/` : key };
}

/** `att/{programId}/{clientId}/{isoWeek}/{sessionId}`: one client's record for one occurrence. */
export function attendanceKey(programId: string, clientId: string, isoWeek: string, sessionId: string): KeyResult {
  return build("att", [
    ["programId", programId],
    ["clientId", clientId],
    ["isoWeek", isoWeek, isWeek],
    ["sessionId", sessionId],
  ]);
}

/** `att/{programId}/{clientId}/{isoWeek}/`: list it to get one client's week in one call. */
export function attendanceWeekPrefix(programId: string, clientId: string, isoWeek: string): KeyResult {
  return build(
    "att",
    [
      ["programId", programId],
      ["clientId", clientId],
      ["isoWeek", isoWeek, isWeek],
    ],
    true,
  );
}

/** `led/{programId}/{localDate}/{sessionId}/{clientId}`: the program ledger entry, ordered by local date. */
export function ledgerKey(programId: string, localDate: string, sessionId: string, clientId: string): KeyResult {
  return build("led", [
    ["programId", programId],
    ["localDate", localDate, isDate],
    ["sessionId", sessionId],
    ["clientId", clientId],
  ]);
}

/** `led/{programId}/{localDate}/`: list it once per day of a `from…to` range (KV lists by prefix only, not by range). */
export function ledgerDayPrefix(programId: string, localDate: string): KeyResult {
  return build(
    "led",
    [
      ["programId", programId],
      ["localDate", localDate, isDate],
    ],
    true,
  );
}
