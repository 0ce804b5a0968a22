import { describe, expect, it } from "vitest";
import { AttendanceRecord, SessionRoster, WeeklyAttendance } from "../../schemas/attendance.ts";
import { attendanceCsv } from "../../src/attendance/csv.ts";
import { type PresenceEvent, presenceIntervals } from "../../src/attendance/intervals.ts";
import { attendanceRecord } from "../../src/attendance/record.ts";
import { type RosterParticipant, sessionRoster } from "../../src/attendance/roster.ts";
import { DEFAULT_ATTENDANCE_POLICY } from "../../src/attendance/status.ts";
import { weeklyAttendance } from "../../src/attendance/weekly.ts";

// A Monday morning group, 09:00–12:00 in Los Angeles (PST, UTC−8).
const PROGRAM = "prg_0000000000demo";
const SESSION = "ses_0000000000mon1";
const TRACK = "trk_00000000morning";
const TZ = "America/Los_Angeles";
const local = (hhmm: string, date = "2026-11-23") => Date.parse(`${date}T${hhmm}:00-08:00`);
const START = local("09:00");
const END = local("12:00");

let n = 0;
const ev = (participantId: string, type: PresenceEvent["type"], hhmm: string, source: PresenceEvent["source"]) => ({
  eventId: `evt_${++n}`,
  participantId,
  type,
  at: local(hhmm),
  source,
});

const rejoinDrop = ev("clt_rejoin", "disconnect", "10:00", "provider");
const EVENTS: PresenceEvent[] = [
  ev("fac_lead", "connect", "08:55", "join"),
  ev("obs_super", "connect", "09:30", "join"),
  ev("obs_super", "disconnect", "10:30", "leave"),
  ev("clt_ontime", "connect", "08:58", "join"),
  ev("clt_late", "connect", "09:25", "join"),
  ev("clt_rejoin", "connect", "09:00", "admit"),
  rejoinDrop,
  ev("clt_rejoin", "connect", "10:05", "join"),
  // The provider reports the same reconnect a moment later: connected already, so no second interval.
  { ...ev("clt_rejoin", "connect", "10:05", "provider"), at: local("10:05") + 2000 },
  ev("clt_early", "connect", "09:01", "join"),
  ev("clt_early", "disconnect", "11:00", "leave"),
  ev("clt_1145", "connect", "09:00", "join"),
  ev("clt_1145", "disconnect", "11:45", "leave"),
  // The end alarm closes everyone still connected.
  ...["fac_lead", "clt_ontime", "clt_late", "clt_rejoin"].map((p) => ev(p, "disconnect", "12:00", "end")),
  rejoinDrop, // an at-least-once webhook delivered twice
];

const CLIENTS = ["clt_ontime", "clt_late", "clt_rejoin", "clt_early", "clt_1145", "clt_noshow", "clt_excused"];
const EXCUSE = { reasonCode: "illness" as const, by: "fac_lead", at: local("08:00") };

const PARTICIPANTS: RosterParticipant[] = [
  { participantId: "fac_lead", role: "facilitator", expected: false, excused: false },
  { participantId: "obs_super", role: "observer", expected: false, excused: false },
  ...CLIENTS.map((c) => ({ participantId: c, role: "client" as const, expected: true, excused: c === "clt_excused" })),
];

function mondayRecords(): AttendanceRecord[] {
  const spans = presenceIntervals(EVENTS, { sessionEnd: END });
  return CLIENTS.map((clientId) => {
    const r = attendanceRecord({
      programId: PROGRAM,
      sessionId: SESSION,
      clientId,
      trackId: TRACK,
      kind: "group",
      timeZone: TZ,
      scheduledStart: START,
      scheduledEnd: END,
      intervals: spans.get(clientId) ?? [],
      expected: true,
      excuse: clientId === "clt_excused" ? EXCUSE : null,
      policy: DEFAULT_ATTENDANCE_POLICY,
      endedAt: END,
      recordedAt: END + 1000,
    });
    if (!r.ok) throw new Error(r.reason);
    return AttendanceRecord.parse(r.record);
  });
}

const EXPECTED = {
  clt_ontime: { status: "present", attendedMinutes: 180, late: false, leftEarly: false },
  clt_late: { status: "late", attendedMinutes: 155, late: true, leftEarly: false },
  clt_rejoin: { status: "present", attendedMinutes: 175, late: false, leftEarly: false },
  clt_early: { status: "partial", attendedMinutes: 119, late: false, leftEarly: true },
  clt_1145: { status: "left-early", attendedMinutes: 165, late: false, leftEarly: true },
  clt_noshow: { status: "no-show", attendedMinutes: 0, late: false, leftEarly: false },
  clt_excused: { status: "excused", attendedMinutes: 0, late: false, leftEarly: false },
} as const;

describe("a three-hour group with a late arrival, a rejoin, early leaves, a no-show and an excuse", () => {
  const records = mondayRecords();
  const byClient = Object.fromEntries(records.map((r) => [r.clientId, r]));

  it("gives each client the status, minutes and flags a facilitator would chart", () => {
    for (const [clientId, want] of Object.entries(EXPECTED)) expect(byClient[clientId], clientId).toMatchObject(want);
    expect(byClient.clt_ontime).toMatchObject({
      localDate: "2026-11-23",
      isoWeek: "2026-W48",
      scheduledStart: "2026-11-23T17:00:00Z",
      scheduledMinutes: 180,
      firstArrivalAt: "2026-11-23T16:58:00Z",
      lastDepartureAt: "2026-11-23T20:00:00Z",
      modality: "telehealth",
      version: 1,
    });
    expect(byClient.clt_rejoin?.intervals).toEqual([
      { start: "2026-11-23T17:00:00Z", end: "2026-11-23T18:00:00Z" },
      { start: "2026-11-23T18:05:00Z", end: "2026-11-23T20:00:00Z" },
    ]);
    expect(byClient.clt_excused?.excuse).toEqual({ reasonCode: "illness", by: "fac_lead", at: "2026-11-23T16:00:00Z" });
    expect(byClient.clt_noshow).toMatchObject({ intervals: [], firstArrivalAt: null, excuse: null });
  });

  it("shows the same minutes, statuses and intervals on the final roster, with no status for staff", () => {
    const roster = SessionRoster.parse(
      sessionRoster({
        sessionId: SESSION,
        scheduledStart: START,
        scheduledEnd: END,
        participants: PARTICIPANTS,
        events: EVENTS,
        policy: DEFAULT_ATTENDANCE_POLICY,
        final: true,
        asOf: END,
      }),
    );
    const rows = Object.fromEntries(roster.participants.map((p) => [p.participantId, p]));
    for (const r of records) {
      expect(rows[r.clientId]).toMatchObject({
        status: r.status,
        attendedMinutes: r.attendedMinutes,
        late: r.late,
        leftEarly: r.leftEarly,
        intervals: r.intervals,
        firstArrivalAt: r.firstArrivalAt,
        lastDepartureAt: r.lastDepartureAt,
      });
    }
    expect(rows.fac_lead).toMatchObject({ role: "facilitator", status: null, attendedMinutes: 180 });
    expect(rows.obs_super).toMatchObject({ role: "observer", status: null, attendedMinutes: 60, late: true });
  });

  it("judges a live roster on the elapsed part only: at 10:02 the rejoining client is present, not gone", () => {
    const roster = sessionRoster({
      sessionId: SESSION,
      scheduledStart: START,
      scheduledEnd: END,
      participants: PARTICIPANTS,
      events: EVENTS.filter((e) => e.at <= local("10:02")),
      policy: DEFAULT_ATTENDANCE_POLICY,
      final: false,
      asOf: local("10:02"),
    });
    const rows = Object.fromEntries(roster.participants.map((p) => [p.participantId, p]));
    expect(roster.final).toBe(false);
    expect(rows.clt_ontime).toMatchObject({ status: "present", attendedMinutes: 62, leftEarly: false });
    expect(rows.clt_rejoin).toMatchObject({ status: "present", attendedMinutes: 60, leftEarly: false });
    expect(rows.clt_noshow?.status).toBe("no-show");
  });

  it("adds up to the same week for the client who came late, and the CSV carries the same rows", () => {
    const later = (date: string, sessionId: string, clientId: string, from: string) => {
      const r = attendanceRecord({
        programId: PROGRAM,
        sessionId,
        clientId,
        trackId: TRACK,
        kind: "group",
        timeZone: TZ,
        scheduledStart: local("09:00", date),
        scheduledEnd: local("12:00", date),
        intervals: [{ start: local(from, date), end: local("12:00", date) }],
        expected: true,
        excuse: null,
        policy: DEFAULT_ATTENDANCE_POLICY,
        endedAt: local("12:00", date),
        recordedAt: local("12:01", date),
      });
      if (!r.ok) throw new Error(r.reason);
      return r.record;
    };
    const week = [
      ...records,
      later("2026-11-25", "ses_0000000000wed1", "clt_late", "09:00"),
      later("2026-11-26", "ses_0000000000thu1", "clt_late", "09:00"),
    ];
    const report = WeeklyAttendance.parse(
      weeklyAttendance({
        week: "2026-W48",
        clientId: "clt_late",
        records: week,
        minimumWeeklyHours: 9,
        remaining: { scheduledMinutes: 0 },
      }),
    );
    expect(report).toMatchObject({
      minutesAttended: 155 + 180 + 180,
      minutesRequired: 540,
      meetsMinimum: false,
      atRisk: true,
      daysMeetingDailyMinimum: 2,
      days: [
        { date: "2026-11-23", minutes: 155, meetsDailyMinimum: false },
        { date: "2026-11-25", minutes: 180, meetsDailyMinimum: true },
        { date: "2026-11-26", minutes: 180, meetsDailyMinimum: true },
      ],
    });
    expect(report.sessions[0]).toEqual({
      sessionId: SESSION,
      localDate: "2026-11-23",
      kind: "group",
      scheduledMinutes: 180,
      attendedMinutes: 155,
      status: "late",
    });

    const lines = attendanceCsv(records).split("\r\n");
    expect(lines).toHaveLength(records.length + 2); // header, rows, and the empty string after the last CRLF
    expect(lines).toContain(
      `2026-11-23,${SESSION},${TRACK},group,clt_late,2026-11-23T17:00:00Z,2026-11-23T20:00:00Z,,180,155,late,true,false,telehealth,false,1`,
    );
    expect(lines).toContain(
      `2026-11-23,${SESSION},${TRACK},group,clt_early,2026-11-23T17:00:00Z,2026-11-23T20:00:00Z,,180,119,partial,false,true,telehealth,false,1`,
    );
    expect(lines).toContain(
      `2026-11-23,${SESSION},${TRACK},group,clt_noshow,2026-11-23T17:00:00Z,2026-11-23T20:00:00Z,,180,0,no-show,false,false,telehealth,false,1`,
    );
  });
});
