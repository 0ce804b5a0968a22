import { afterEach, describe, expect, it } from "vitest";
import { RESCHEDULE_HOLD_MS } from "../../src/calendar/apply-changes.ts";
import { atSecond, booking, type CalendarProgram, calendarProgram, on, SECRETS } from "../calendar/fixtures.ts";
import { calcomHeaders } from "../calendar/providers/senders.ts";
import { type Rx, receiver, register, settle, travel } from "./receiver.ts";

const made: Rx[] = [];
const use = (r: Rx) => {
  made.push(r);
  return r;
};
afterEach(() => {
  for (const r of made.splice(0)) r.restore();
});

const at = (s: number) => new Date(atSecond(s)).toISOString();
type Over = Parameters<typeof booking>[1];
async function deliver(p: CalendarProgram, trigger: string, over: Over) {
  const raw = JSON.stringify(booking(trigger, over));
  const res = await p.post("calcom", raw, await calcomHeaders(SECRETS.calcom, raw));
  expect(res.body, res.text).toEqual({ status: "applied" });
}
const A = { uid: "bk_A" };
const TO_B = {
  uid: "bk_B",
  rescheduleUid: "bk_A",
  createdAt: at(10),
  startTime: on(1, "09:00"),
  endTime: on(1, "10:00"),
};
const TO_C = {
  uid: "bk_C",
  rescheduleUid: "bk_B",
  createdAt: at(20),
  startTime: on(2, "11:00"),
  endTime: on(2, "12:00"),
};

const SECRET_WORDS = ["Jane", "jane.doe", "JANE.DOE", "555", "drinking", "Relapse", "Alice", "alice@", "cal.example"];

describe("calendar sessions as events", () => {
  it("Cal.com: created → session.scheduled, rescheduled → session.moved, request-reschedule → cancelled, rebooked → scheduled", async () => {
    const p = await calendarProgram();
    const rx = use(receiver());
    const { secret } = await register(p.call, p.programId, p.admin, rx.url);
    await deliver(p, "BOOKING_CREATED", A);
    await deliver(p, "BOOKING_RESCHEDULED", TO_B);
    await deliver(p, "BOOKING_CANCELLED", { uid: "bk_B", requestReschedule: true, createdAt: at(15) });
    await deliver(p, "BOOKING_RESCHEDULED", TO_C);
    const now = Date.now() + 1000;
    await travel(p.programId, now, () => rx.ok().filter((r) => r.body.includes('"session.')).length >= 4);
    await settle(p.programId, now + 1000);
    const got = rx.ok().map((r) => ({ id: r.id, p: rx.verify(secret, r) }));
    const sess = got.filter((g) => g.p.type.startsWith("session."));
    expect(sess.map((g) => [g.p.type, g.p.data.version, g.p.data.startsAt])).toEqual([
      ["session.scheduled", 1, on(0, "09:00")],
      ["session.moved", 2, on(1, "09:00")],
      ["session.cancelled", 3, on(1, "09:00")],
      ["session.scheduled", 4, on(2, "11:00")],
    ]);
    expect(new Set(got.map((g) => g.id)).size).toBe(got.length);
    for (const r of rx.seen) for (const w of SECRET_WORDS) expect(r.body).not.toContain(w);
  });

  it("a calendar merge removal: session.cancelled with removed: true, status cancelled, a version after the last", async () => {
    const p = await calendarProgram();
    const rx = use(receiver());
    const { secret } = await register(p.call, p.programId, p.admin, rx.url);
    await deliver(p, "BOOKING_RESCHEDULED", TO_C);
    p.clock.advance(RESCHEDULE_HOLD_MS);
    // The held reschedule is released by the alarm (it once threw here: setAlarm(0), calendar-alarm.test.ts).
    await p.followUps();
    p.clock.advance(60_000);
    await deliver(p, "BOOKING_CREATED", A);
    await deliver(p, "BOOKING_RESCHEDULED", TO_B);
    const sessions = await p.sessions();
    expect(sessions).toHaveLength(1);
    const now = Date.now() + 1000;
    await travel(p.programId, now, () => rx.ok().some((r) => r.body.includes('"removed":true')));
    await settle(p.programId, now + 1000);
    const got = rx.ok().map((r) => rx.verify(secret, r));
    const removed = got.find((g) => g.data.removed === true);
    expect(removed?.type).toBe("session.cancelled");
    const earlier = got.filter((g) => g.data.sessionId === removed?.data.sessionId && g !== removed);
    const lastVersion = Math.max(...earlier.map((g) => g.data.version as number));
    // A receiver orders by version: the removal must come after what it saw before, and say cancelled.
    expect({ status: removed?.data.status, newer: (removed?.data.version as number) > lastVersion }).toEqual({
      status: "cancelled",
      newer: true,
    });
  });
});
