import { afterEach, describe, expect, it } from "vitest";
import { RESCHEDULE_HOLD_MS } from "../../src/calendar/apply-changes.ts";
import { atSecond, booking, type CalendarProgram, calendarProgram, on, SECRETS } from "../calendar/fixtures.ts";
import { calcomHeaders } from "../calendar/providers/senders.ts";
import { type Rx, receiver, register } from "./receiver.ts";

const made: Rx[] = [];
const use = (r: Rx) => {
  made.push(r);
  return r;
};
afterEach(() => {
  for (const r of made.splice(0)) r.restore();
});
const at = (s: number) => new Date(atSecond(s)).toISOString();
async function deliver(p: CalendarProgram, trigger: string, over: Parameters<typeof booking>[1]) {
  const raw = JSON.stringify(booking(trigger, over));
  return p.post("calcom", raw, await calcomHeaders(SECRETS.calcom, raw), { wait: false });
}
const TO_C = {
  uid: "bk_C",
  rescheduleUid: "bk_B",
  createdAt: at(20),
  startTime: on(2, "11:00"),
  endTime: on(2, "12:00"),
};

describe("the directory's alarm with outbound events on", () => {
  it("a held reschedule released by the alarm (a session created there) does not make the alarm throw", async () => {
    const p = await calendarProgram();
    const rx = use(receiver());
    await register(p.call, p.programId, p.admin, rx.url, ["session.scheduled"]);
    expect((await deliver(p, "BOOKING_RESCHEDULED", TO_C)).body).toEqual({ status: "applied" });
    p.clock.advance(RESCHEDULE_HOLD_MS);
    await expect(p.followUps()).resolves.toBeGreaterThanOrEqual(1);
  });

  it("a calendar delivery that is held while a session event waits to be handed over answers 200, not 500", async () => {
    const p = await calendarProgram();
    const rx = use(receiver());
    await register(p.call, p.programId, p.admin, rx.url, ["session.scheduled"]);
    // A session created through the API queues session.scheduled (due at once, next_at 0) ...
    const s = await p.call("POST", `/v1/programs/${p.programId}/sessions`, {
      token: p.admin,
      body: {
        kind: "individual",
        startsAt: on(3, "10:00"),
        endsAt: on(3, "11:00"),
        facilitatorIds: ["fac_9"],
        clientIds: ["clt_x"],
      },
    });
    expect(s.status, s.text).toBe(201);
    // ... and before the directory's alarm hands it over, a reschedule is held.
    const res = await deliver(p, "BOOKING_RESCHEDULED", TO_C);
    expect(res.status, res.text).toBe(200);
  });
});
