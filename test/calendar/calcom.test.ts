import { describe, expect, it } from "vitest";
import {
  atSecond,
  booking,
  burst,
  type CalendarProgram,
  CLIENTS,
  calendarProgram,
  DEEP,
  OVERSIZE,
  on,
  SECRETS,
} from "./fixtures.ts";
import { calcomHeaders } from "./providers/senders.ts";

type Over = Parameters<typeof booking>[1];
const body = (trigger: string, over: Over = {}) => JSON.stringify(booking(trigger, over));

async function deliver(p: CalendarProgram, trigger: string, over: Over = {}, secret: string = SECRETS.calcom) {
  const raw = body(trigger, over);
  return p.post("calcom", raw, await calcomHeaders(secret, raw));
}

/** Cal.com's `createdAt`, `s` seconds into the minute the program's clock starts in. */
const at = (s: number) => new Date(atSecond(s)).toISOString();
/** A reschedule to 09:00–10:00 Los Angeles time, `days` after the fixtures' Monday. */
const moved = (uid: string, from: string, createdAt: string, days: number) => ({
  uid,
  rescheduleUid: from,
  createdAt,
  startTime: on(days, "09:00"),
  endTime: on(days, "10:00"),
});

describe("Cal.com bookings", () => {
  it("creates an individual session with the client named in metadata and the attendee matched by e-mail hash", async () => {
    const p = await calendarProgram();
    const res = await deliver(p, "BOOKING_CREATED");
    expect(res.status).toBe(200);
    expect(await p.sessions()).toMatchObject([
      {
        kind: "individual",
        cap: null,
        startsAt: on(0, "09:00"),
        endsAt: on(0, "10:00"),
        facilitatorIds: ["fac_1"],
        clientIds: [CLIENTS.calcom, CLIENTS.jane].sort(),
        origin: { source: "calcom", externalId: "bk_7Hq2x9" },
      },
    ]);
  });

  it("refuses forged, unsigned and headerless deliveries; acknowledges a ping without storing anything", async () => {
    const p = await calendarProgram();
    expect((await deliver(p, "BOOKING_CREATED", {}, "wrong-secret")).status).toBe(401);
    const raw = body("BOOKING_CREATED");
    expect((await p.post("calcom", raw, { "x-cal-signature-256": "no-secret-provided" })).status).toBe(401);
    expect((await p.post("calcom", raw, {})).status).toBe(400);
    const ping = await deliver(p, "PING");
    expect(ping.body).toEqual({ status: "ignored" });
    expect(await p.sessions()).toEqual([]);
    expect(await p.rows("SELECT * FROM calendar_deliveries")).toEqual([]);
  });

  it("applies a duplicate once (5 in a row, 20 at once) and refuses a replay once createdAt is stale", async () => {
    const p = await calendarProgram();
    const replies = [];
    for (let i = 0; i < 5; i++) replies.push((await deliver(p, "BOOKING_CREATED")).body.status);
    expect(replies).toEqual(["applied", "duplicate", "duplicate", "duplicate", "duplicate"]);
    const raw = body("BOOKING_RESCHEDULED", moved("bk_new", "bk_7Hq2x9", at(20), 1));
    const headers = await calcomHeaders(SECRETS.calcom, raw);
    const { receipts } = await burst(20, () => p.post("calcom", raw, headers));
    expect(receipts).toEqual({ applied: 1, duplicate: 19 });
    expect(await p.sessions()).toMatchObject([{ startsAt: on(1, "09:00"), version: 2 }]);
    p.clock.advance(25 * 3600_000);
    expect((await p.post("calcom", raw, headers)).status).toBe(401);
  });

  it("follows a reschedule's new booking uid: cancelling the new uid cancels the same session", async () => {
    const p = await calendarProgram();
    await deliver(p, "BOOKING_CREATED");
    await deliver(p, "BOOKING_RESCHEDULED", moved("bk_new", "bk_7Hq2x9", at(10), 1));
    await deliver(p, "BOOKING_CANCELLED", { uid: "bk_new", createdAt: at(20) });
    const sessions = await p.sessions();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ status: "cancelled", startsAt: on(1, "09:00"), version: 3 });
  });

  it("is order-insensitive: cancel before create, an older reschedule after a newer one, a cancel before its reschedule", async () => {
    const a = await calendarProgram();
    await deliver(a, "BOOKING_CANCELLED", { createdAt: at(10) });
    expect((await deliver(a, "BOOKING_CREATED")).status).toBe(200);
    expect(await a.sessions()).toEqual([]);

    const b = await calendarProgram();
    await deliver(b, "BOOKING_CREATED");
    await deliver(b, "BOOKING_RESCHEDULED", moved("bk_2", "bk_7Hq2x9", at(20), 2));
    await deliver(b, "BOOKING_RESCHEDULED", moved("bk_3", "bk_7Hq2x9", at(10), 1));
    expect(await b.sessions()).toMatchObject([{ startsAt: on(2, "09:00"), status: "scheduled", version: 2 }]);

    const c = await calendarProgram();
    await deliver(c, "BOOKING_CREATED");
    await deliver(c, "BOOKING_CANCELLED", { uid: "bk_2", createdAt: at(20) });
    await deliver(c, "BOOKING_RESCHEDULED", moved("bk_2", "bk_7Hq2x9", at(10), 1));
    expect(await c.sessions()).toMatchObject([{ status: "cancelled" }]);
    expect(await c.rows("SELECT external_id FROM calendar_events")).toEqual([{ external_id: "bk_7Hq2x9" }]);
  });

  it("answers 413 before any HMAC and 400 for a signed body that is malformed, too deep or not a booking", async () => {
    const p = await calendarProgram();
    expect((await p.post("calcom", OVERSIZE, await calcomHeaders(SECRETS.calcom, OVERSIZE))).status).toBe(413);
    for (const raw of ['{"triggerEvent":', DEEP, '{"triggerEvent":"BOOKING_CREATED","createdAt":"x","payload":{}}']) {
      expect((await p.post("calcom", raw, await calcomHeaders(SECRETS.calcom, raw))).status).toBe(400);
    }
    expect(await p.sessions()).toEqual([]);
  });
});
