/**
 * The attendance reports' FHIR answer: the KV records of a range or a client's week, plus the
 * cancelled sessions the directory knows (which have no records), as one Bundle; fhir-encounter.ts
 * maps each Encounter. No Hono, no bindings: the route hands in the directory stub and the reader.
 */
import type { AttendanceRecord } from "../../schemas/attendance.ts";
import type { FhirBundle } from "../../schemas/fhir.ts";
import type { Viewer } from "../../schemas/room.ts";
import type { Session, SessionRange } from "../../schemas/session.ts";
import { isoInstant } from "../lib/clock.ts";
import { isoWeekBounds, localToInstant } from "../schedule/zoned.ts";
import { attendanceBundle, type EncounterSession, sessionsFromRecords } from "./fhir-encounter.ts";

/** The media type of the answer: R4 is `fhirVersion=4.0` (hl7.org/fhir/R4/versioning.html#mt-version). */
export const FHIR_JSON = "application/fhir+json; fhirVersion=4.0";

/** What a FHIR client may ask for: the R4 type, and the pre-STU3 name R4 lets servers keep accepting. */
export const FHIR_OFFERS = [
  { type: "application/fhir+json", params: { fhirVersion: "4.0" } },
  { type: "application/json+fhir", params: { fhirVersion: "4.0" } },
] as const;

/** A cancelled session and the clients it was booked for. */
export interface CancelledBooking {
  session: Session;
  clientIds: readonly string[];
}

/** What the export reads from the program's directory (the ProgramDirectory stub's RPC methods). */
export interface BookingSource {
  listSessions(range: SessionRange, viewer: Viewer): Promise<{ sessions: Session[]; next: string | null }>;
  roomLookup(sessionId: string): Promise<{ binding: { session: Session }; expected: string[] } | null>;
}

/** The sessions, local dates and (for one client's week) the client whose cancelled bookings to find. */
export interface BookingQuery {
  /** Instants (epoch ms) that cover every date in `dates`; sessions are kept by their local date. */
  from: number;
  to: number;
  dates: readonly string[];
  viewer: Viewer;
  clientId?: string;
}

/**
 * Cancelled sessions on the given local dates with the clients each expected: listed clients, or
 * the track's clients enrolled on that date (family members are not the Encounter's patient).
 * One RPC for the listing page and one per cancelled session, which are few.
 */
export async function cancelledBookings(dir: BookingSource, q: BookingQuery): Promise<CancelledBooking[]> {
  const days = new Set(q.dates);
  const cancelled: Session[] = [];
  let cursor: string | null = null;
  do {
    const range: SessionRange = { from: isoInstant(q.from), to: isoInstant(q.to), limit: 500 };
    const page = await dir.listSessions(cursor ? { ...range, cursor } : range, q.viewer);
    cancelled.push(...page.sessions.filter((s) => s.status === "cancelled" && days.has(s.localDate)));
    cursor = page.next;
  } while (cursor);
  const booked = await Promise.all(
    cancelled.map(async (listed): Promise<CancelledBooking | null> => {
      const found = await dir.roomLookup(listed.id);
      if (!found) return null;
      const { session } = found.binding;
      const family = new Set(session.familyIds);
      const clientIds = found.expected.filter((id) => !family.has(id) && (!q.clientId || id === q.clientId));
      return clientIds.length > 0 ? { session, clientIds } : null;
    }),
  );
  return booked.filter((b) => b !== null);
}

/** The directory's listing as staff see it, for the client-week export, which filters it to one client. */
const PROGRAM_VIEW: Viewer = { sub: "system:fhir-export", roles: ["admin"] };

/** The program as the export reads it. */
export interface ExportProgram {
  id: string;
  timezone: string;
  settings: { part2: boolean };
}

/** Everything the Bundle is assembled from. */
export interface FhirExportInput {
  program: Pick<ExportProgram, "id" | "settings">;
  /** The injected clock's now, for the Bundle's `timestamp`. */
  now: number;
  records: readonly AttendanceRecord[];
  cancelled: readonly CancelledBooking[];
}

function cancelledSession(b: CancelledBooking): EncounterSession {
  const { session: s } = b;
  return {
    sessionId: s.id,
    kind: s.kind,
    scheduledStart: s.startsAt,
    scheduledEnd: s.endsAt,
    status: "cancelled",
    facilitatorIds: s.facilitatorIds,
    clients: b.clientIds.map((clientId) => ({ clientId, record: null })),
  };
}

/**
 * The Bundle, sessions by scheduled start and clients by id. A session with ledger records was held
 * and is exported as its records say, even if the directory cancelled it afterwards.
 */
export function attendanceExport(input: FhirExportInput): FhirBundle {
  const held = sessionsFromRecords(input.records);
  const heldIds = new Set(held.map((s) => s.sessionId));
  const sessions = [...held, ...input.cancelled.filter((b) => !heldIds.has(b.session.id)).map(cancelledSession)]
    .map((s) => ({ ...s, clients: [...s.clients].sort((a, b) => a.clientId.localeCompare(b.clientId)) }))
    .sort((a, b) => a.scheduledStart.localeCompare(b.scheduledStart) || a.sessionId.localeCompare(b.sessionId));
  return attendanceBundle({
    programId: input.program.id,
    part2: input.program.settings.part2,
    generatedAt: isoInstant(input.now),
    sessions,
  });
}

/** Who asks, of which program, through which directory, and when. */
export interface ExportContext {
  dir: BookingSource;
  program: ExportProgram;
  viewer: Viewer;
  now: number;
}

/** The program ledger's Bundle for local `dates` (ascending), given their ledger records. */
export async function ledgerBundle(
  x: ExportContext,
  records: readonly AttendanceRecord[],
  dates: readonly string[],
): Promise<FhirBundle> {
  const first = dates[0];
  const last = dates.at(-1);
  if (!first || !last) return attendanceExport({ ...x, records, cancelled: [] });
  const cancelled = await cancelledBookings(x.dir, {
    from: localToInstant(first, "00:00", x.program.timezone),
    // The day after the last starts within 25 hours of its midnight, whatever the DST change.
    to: localToInstant(last, "00:00", x.program.timezone) + 25 * 3_600_000,
    dates,
    viewer: x.viewer,
  });
  return attendanceExport({ ...x, records, cancelled });
}

/** One client's ISO week as a Bundle: their ledger records and the cancelled sessions they were booked into. */
export async function weekBundle(
  x: ExportContext,
  reader: { week(programId: string, clientId: string, isoWeek: string): Promise<AttendanceRecord[]> },
  clientId: string,
  isoWeek: string,
): Promise<FhirBundle> {
  const bounds = isoWeekBounds(isoWeek, x.program.timezone);
  const [records, cancelled] = await Promise.all([
    reader.week(x.program.id, clientId, isoWeek),
    // Listed as the program sees them, then narrowed to this client's bookings: a discharged client
    // reading their own week no longer sees track sessions, yet they were booked into these.
    cancelledBookings(x.dir, {
      from: bounds.start,
      to: bounds.end,
      dates: bounds.dates,
      viewer: PROGRAM_VIEW,
      clientId,
    }),
  ]);
  return attendanceExport({ ...x, records, cancelled });
}
