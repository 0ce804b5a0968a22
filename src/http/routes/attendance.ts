import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import {
  AttendanceCorrection,
  AttendanceLedger,
  AttendanceRecord,
  SessionRoster,
  WeeklyAttendance,
} from "../../../schemas/attendance.ts";
import { LocalDate } from "../../../schemas/common.ts";
import { FhirBundle } from "../../../schemas/fhir.ts";
import { ShownName } from "../../../schemas/people.ts";
import { attendanceCsv } from "../../attendance/csv.ts";
import { FHIR_JSON, FHIR_OFFERS, ledgerBundle, weekBundle } from "../../attendance/fhir-export.ts";
import { weeklyAttendance } from "../../attendance/weekly.ts";
import { LedgerReader } from "../../ledger/reader.ts";
import { negotiate } from "../../lib/media-type.ts";
import { isoWeekBounds, isoWeekOf, parseIsoWeek } from "../../schedule/zoned.ts";
import { audit, caller } from "../audit.ts";
import { secured } from "../middleware/auth.ts";
import { namesFor } from "../names.ts";
import { ProgramClientParams, ProgramParams, SessionClientParams, SessionParams } from "../params.ts";
import { ApiError } from "../problem.ts";
import { json, jsonBody, problems } from "../responses.ts";
import { newRouter } from "../router.ts";
import type { AppEnv } from "../types.ts";
import { unwrap } from "../unwrap.ts";

const staff = ["admin", "facilitator"] as const;
const Week = z.object({
  week: z.string().optional().meta({ description: "ISO week, e.g. 2026-W48; default: this week" }),
});
const AtRisk = z
  .object({
    week: z.string(),
    clients: z.array(
      z.object({
        clientId: z.string(),
        displayName: ShownName,
        minutesAttended: z.number(),
        minutesRequired: z.number(),
        atRisk: z.boolean(),
      }),
    ),
  })
  .meta({ id: "AtRiskClients" });
const MAX_LEDGER_DAYS = 62;
const fhirContent = { "application/fhir+json": { schema: FhirBundle } };
/** The answers the reports negotiate by `Accept` (q-values honoured); unmatched, JSON as before. */
const LEDGER_OFFERS = [{ type: "application/json" }, { type: "text/csv" }, ...FHIR_OFFERS];
const WEEK_OFFERS = [{ type: "application/json" }, ...FHIR_OFFERS];
const formatOf = (c: Context<AppEnv>, offers: readonly { type: string }[]) => {
  c.header("vary", "Accept");
  const type = offers[negotiate(c.req.header("accept"), offers) ?? 0]?.type;
  return type === "text/csv" ? "csv" : type?.includes("fhir") ? "fhir" : "json";
};
/** A FHIR Bundle answer, typed as the route's (its schema is documented in `responses`). */
const fhirAnswer = (c: Context<AppEnv>, bundle: FhirBundle) =>
  c.body(JSON.stringify(bundle), 200, { "content-type": FHIR_JSON }) as never;

const roster = createRoute({
  method: "get",
  path: "/v1/sessions/{sessionId}/attendance",
  operationId: "getSessionRoster",
  tags: ["attendance"],
  summary:
    "Roster: each participant's intervals, minutes and status (the session's facilitators and program admins only)",
  ...secured(staff, "resource"),
  request: { params: SessionParams },
  responses: { 200: json(SessionRoster, "The roster"), 401: problems[401], 403: problems[403], 404: problems[404] },
});

const correct = createRoute({
  method: "patch",
  path: "/v1/sessions/{sessionId}/attendance/{clientId}",
  operationId: "correctAttendance",
  tags: ["attendance"],
  summary: "Staff correction (excuse, status, minutes); the original and who changed it are kept",
  ...secured(staff, "resource"),
  request: {
    params: SessionClientParams,
    ...jsonBody(AttendanceCorrection),
  },
  responses: {
    200: json(
      z.object({ record: AttendanceRecord.nullable() }),
      "The corrected record (null: excuse noted for the end)",
    ),
    400: problems[400],
    401: problems[401],
    403: problems[403],
    404: problems[404],
    409: problems[409],
  },
});

const week = createRoute({
  method: "get",
  path: "/v1/programs/{programId}/clients/{clientId}/attendance",
  operationId: "getClientWeek",
  tags: ["attendance"],
  summary:
    "A client's week against the program minimum (a client may read only their own); a FHIR R4 Bundle of Encounters with Accept: application/fhir+json",
  ...secured(["admin", "facilitator", "client"], "program"),
  request: { params: ProgramClientParams, query: Week },
  responses: {
    200: {
      description: "The week (JSON), or its sessions as FHIR R4 Encounters",
      content: { "application/json": { schema: WeeklyAttendance }, ...fhirContent },
    },
    400: problems[400],
    401: problems[401],
    403: problems[403],
    404: problems[404],
  },
});

const ledger = createRoute({
  method: "get",
  path: "/v1/programs/{programId}/attendance",
  operationId: "getAttendanceLedger",
  tags: ["attendance"],
  summary:
    "The ledger for a date range; CSV with Accept: text/csv, a FHIR R4 Bundle of Encounters with Accept: application/fhir+json",
  ...secured(staff, "program"),
  request: { params: ProgramParams, query: z.object({ from: LocalDate, to: LocalDate }) },
  responses: {
    200: {
      description: "Records by local date (JSON, CSV), or one FHIR R4 Encounter per client per session",
      content: {
        "application/json": { schema: AttendanceLedger },
        "text/csv": { schema: z.string() },
        ...fhirContent,
      },
    },
    400: problems[400],
    401: problems[401],
    403: problems[403],
    404: problems[404],
  },
});

const atRisk = createRoute({
  method: "get",
  path: "/v1/programs/{programId}/attendance/at-risk",
  operationId: "listAtRiskClients",
  tags: ["attendance"],
  summary: "Clients with a place or a session this week who are below the weekly minimum",
  ...secured(staff, "program"),
  request: { params: ProgramParams, query: Week },
  responses: {
    200: json(AtRisk, "Clients below the minimum"),
    400: problems[400],
    401: problems[401],
    403: problems[403],
    404: problems[404],
  },
});

async function program(c: Context<AppEnv>, programId: string) {
  const dir = c.var.services.directory.program(programId);
  const found = dir ? await dir.getProgram() : null;
  if (!dir || !found) throw new ApiError("not-found", "No such program.");
  return { dir, program: found };
}

type Found = Awaited<ReturnType<typeof program>>;

/** The FHIR export's view of this request: the directory, the program, the caller and the clock's now. */
function exporting(c: Context<AppEnv>, dir: Found["dir"], p: Found["program"]) {
  const { principal, services } = c.var;
  return { dir, program: p, viewer: { sub: principal.sub, roles: principal.roles }, now: services.clock.now() };
}

/** One client's week against the minimum: their ledger records and what is still scheduled from now. */
async function clientWeek(q: {
  reader: LedgerReader;
  dir: Found["dir"];
  program: Found["program"];
  clientId: string;
  isoWeek: string;
  now: number;
}) {
  const { program: p, clientId, isoWeek } = q;
  const bounds = isoWeekBounds(isoWeek, p.timezone);
  const [records, remaining] = await Promise.all([
    q.reader.week(p.id, clientId, isoWeek),
    q.dir.scheduledMinutes(clientId, Math.max(q.now, bounds.start), bounds.end),
  ]);
  return weeklyAttendance({
    week: isoWeek,
    clientId,
    records,
    minimumWeeklyHours: p.settings.minimumWeeklyHours,
    dailyMinimumHours: p.settings.attendance.dailyMinimumHours,
    remaining: { scheduledMinutes: remaining },
  });
}

function resolveWeek(requested: string | undefined, now: number, timezone: string): string {
  const week = requested ?? isoWeekOf(now, timezone);
  const parsed = parseIsoWeek(week);
  if (!parsed.ok)
    throw new ApiError("invalid-request", "Not an ISO week.", { errors: [{ path: "week", message: parsed.reason }] });
  return week;
}

/** Attendance: live rosters from the rooms, corrections, and reports from the KV ledger. */
export function attendanceRoutes() {
  return newRouter()
    .openapi(roster, async (c) => {
      const { sessionId } = c.req.valid("param");
      // Reading who attended is a read of patient data (42 CFR Part 2): the room records it as it answers.
      const { roster } = unwrap(await c.var.services.gateway.roster(sessionId, caller(c)));
      const names = await namesFor(
        c,
        sessionId,
        roster.participants.map((p) => p.participantId),
      );
      const participants = roster.participants.map((p) => ({ ...p, displayName: names?.get(p.participantId) ?? null }));
      return c.json({ ...roster, participants }, 200);
    })
    .openapi(correct, async (c) => {
      const { sessionId, clientId } = c.req.valid("param");
      const { services } = c.var;
      const result = unwrap(await services.gateway.correct(sessionId, caller(c), clientId, c.req.valid("json")));
      return c.json({ record: result.record }, 200);
    })
    .openapi(week, async (c) => {
      const { programId, clientId } = c.req.valid("param");
      const { principal, services } = c.var;
      if (!principal.roles.some((r) => r !== "client") && principal.sub !== clientId) {
        throw new ApiError("forbidden", "A client may read only their own attendance.");
      }
      const { dir, program: p } = await program(c, programId);
      const now = services.clock.now();
      const isoWeek = resolveWeek(c.req.valid("query").week, now, p.timezone);
      if (formatOf(c, WEEK_OFFERS) === "fhir") {
        const bundle = await weekBundle(exporting(c, dir, p), new LedgerReader(c.env.ATTENDANCE), clientId, isoWeek);
        await audit(c, programId, [{ action: "attendance.read", object: clientId, outcome: `fhir:week:${isoWeek}` }]);
        return fhirAnswer(c, bundle);
      }
      const [weekly, names] = await Promise.all([
        clientWeek({ reader: new LedgerReader(c.env.ATTENDANCE), dir, program: p, clientId, isoWeek, now }),
        namesFor(c, programId, [clientId]),
      ]);
      await audit(c, programId, [{ action: "attendance.read", object: clientId, outcome: `week:${isoWeek}` }]);
      const named = names ? { displayName: names.get(clientId) ?? null } : {};
      return c.json({ ...weekly, ...named }, 200);
    })
    .openapi(ledger, async (c) => {
      const { programId } = c.req.valid("param");
      const { from, to } = c.req.valid("query");
      const { dir, program: p } = await program(c, programId);
      const days = (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
      if (days < 1 || days > MAX_LEDGER_DAYS) {
        throw new ApiError("invalid-request", "Invalid range.", {
          errors: [{ path: "to", message: `from…to spans 1 to ${MAX_LEDGER_DAYS} days` }],
        });
      }
      const dates = Array.from({ length: days }, (_, i) =>
        new Date(Date.parse(from) + i * 86_400_000).toISOString().slice(0, 10),
      );
      const records = await new LedgerReader(c.env.ATTENDANCE).days(programId, dates);
      records.sort(
        (a, b) =>
          a.localDate.localeCompare(b.localDate) ||
          a.sessionId.localeCompare(b.sessionId) ||
          a.clientId.localeCompare(b.clientId),
      );
      const format = formatOf(c, LEDGER_OFFERS);
      if (format === "fhir") {
        const bundle = await ledgerBundle(exporting(c, dir, p), records, dates);
        await audit(c, programId, [
          { action: "attendance.export", object: programId, outcome: `fhir:${bundle.entry.length}` },
        ]);
        return fhirAnswer(c, bundle);
      }
      await audit(c, programId, [
        { action: "attendance.export", object: programId, outcome: `${format}:${records.length}` },
      ]);
      if (format === "csv") {
        c.header("content-disposition", `attachment; filename="attendance-${from}-${to}.csv"`);
        return c.body(attendanceCsv(records), 200, { "content-type": "text/csv; charset=utf-8" }) as never;
      }
      return c.json({ programId, from, to, records }, 200);
    })
    .openapi(atRisk, async (c) => {
      const { programId } = c.req.valid("param");
      const { dir, program: p } = await program(c, programId);
      const now = c.var.services.clock.now();
      const isoWeek = resolveWeek(c.req.valid("query").week, now, p.timezone);
      const reader = new LedgerReader(c.env.ATTENDANCE);
      const clients = await Promise.all(
        (await dir.weekClients(isoWeekBounds(isoWeek, p.timezone))).map(async (clientId) => {
          const w = await clientWeek({ reader, dir, program: p, clientId, isoWeek, now });
          return {
            clientId,
            minutesAttended: w.minutesAttended,
            minutesRequired: w.minutesRequired,
            atRisk: w.atRisk,
            meets: w.meetsMinimum,
          };
        }),
      );
      const below = clients.filter((x) => !x.meets);
      const names = await namesFor(
        c,
        programId,
        below.map((x) => x.clientId),
      );
      const listed = below.map(({ meets: _m, clientId, ...rest }) => ({
        clientId,
        displayName: names?.get(clientId) ?? null,
        ...rest,
      }));
      await audit(c, programId, [{ action: "attendance.read", object: programId, outcome: `at-risk:${isoWeek}` }]);
      return c.json({ week: isoWeek, clients: listed }, 200);
    });
}
