import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeGoogle } from "./fake-google.ts";
import {
  atSecond,
  booking,
  CAL,
  type CalendarProgram,
  calendarProgram,
  gcalEvent,
  googleDay,
  googlePusher,
  on,
  routeFetch,
  SECRETS,
} from "./fixtures.ts";
import { calcomHeaders } from "./providers/senders.ts";

afterEach(() => vi.restoreAllMocks());

async function calcom(p: CalendarProgram, trigger: string, over: Parameters<typeof booking>[1]) {
  const raw = JSON.stringify(booking(trigger, over));
  return p.post("calcom", raw, await calcomHeaders(SECRETS.calcom, raw));
}

const at = (s: number) => new Date(atSecond(s)).toISOString();
/** Each session as [status, startsAt], in the order the program lists them. */
const shape = async (p: CalendarProgram) => (await p.sessions()).map((s) => [s.status, s.startsAt]);

/**
 * Cancellations a sender takes back (issue 17, items 3 and 5): Cal.com's "request reschedule"
 * cancels booking A, and the attendee's new booking comes later as a reschedule of A; an event
 * deleted in Google Calendar is restored from the bin. Ordered by the sender's versions, in any
 * arrival order; a plain cancellation stays final.
 */
describe("cancellations the calendar takes back", () => {
  const cancelA = { uid: "bk_A", requestReschedule: true, createdAt: at(10) };
  const rebookB = {
    uid: "bk_B",
    rescheduleUid: "bk_A",
    createdAt: at(20),
    startTime: on(2, "09:00"),
    endTime: on(2, "10:00"),
  };

  it("Cal.com request-reschedule: cancelled, then the rebooking brings the one session back at the new time", async () => {
    const p = await calendarProgram();
    await calcom(p, "BOOKING_CREATED", { uid: "bk_A" });
    expect(await shape(p)).toEqual([["scheduled", on(0, "09:00")]]);
    expect((await calcom(p, "BOOKING_CANCELLED", cancelA)).body).toEqual({ status: "applied" });
    expect(await shape(p)).toEqual([["cancelled", on(0, "09:00")]]);
    expect((await calcom(p, "BOOKING_RESCHEDULED", rebookB)).body).toEqual({ status: "applied" });
    const [session] = await p.sessions();
    expect(await shape(p)).toEqual([["scheduled", on(2, "09:00")]]);
    expect(session?.origin).toMatchObject({ source: "calcom", externalId: "bk_A" });
    // Both uids name that one session from now on: a later cancellation of B cancels it.
    await calcom(p, "BOOKING_CANCELLED", { uid: "bk_B", createdAt: at(30) });
    expect(await shape(p)).toEqual([["cancelled", on(2, "09:00")]]);
  });

  it("the same in the other arrival order: the older cancellation does not undo the newer rebooking", async () => {
    const p = await calendarProgram();
    await calcom(p, "BOOKING_CREATED", { uid: "bk_A" });
    await calcom(p, "BOOKING_RESCHEDULED", rebookB);
    await calcom(p, "BOOKING_CANCELLED", cancelA);
    expect(await shape(p)).toEqual([["scheduled", on(2, "09:00")]]);
  });

  it("a plain cancellation stays final: a late reschedule of it does not bring it back", async () => {
    const p = await calendarProgram();
    await calcom(p, "BOOKING_CREATED", { uid: "bk_A" });
    await calcom(p, "BOOKING_CANCELLED", { uid: "bk_A", createdAt: at(10) });
    await calcom(p, "BOOKING_RESCHEDULED", rebookB);
    expect(await shape(p)).toEqual([["cancelled", on(0, "09:00")]]);
  });

  it("the room of a session the calendar restored opens again; tokens of before stay revoked", async () => {
    const p = await calendarProgram();
    await calcom(p, "BOOKING_CREATED", { uid: "bk_A" });
    const [first] = await p.sessions();
    await calcom(p, "BOOKING_CANCELLED", cancelA);
    await calcom(p, "BOOKING_RESCHEDULED", rebookB);
    p.clock.set(on(2, "08:55"));
    const facilitator = await p.token("facilitator", "fac_1", p.programId);
    const open = await p.call("POST", `/v1/sessions/${first?.id}/open`, { token: facilitator });
    expect(open.status, open.text).toBe(200);
  });

  it("Google: an event deleted, then restored from the bin, comes back (ordered by `updated`)", async () => {
    const p = await calendarProgram();
    const google = fakeGoogle({ accessToken: env.GOOGLE_API_TOKEN, now: () => p.clock.now() });
    google.put(CAL, gcalEvent({ id: "evt1" }));
    routeFetch({ "calendar.fake.test": google.fetch });
    const push = googlePusher(p);
    await push();
    expect((await shape(p)).map(([s]) => s)).toEqual(["scheduled"]);
    p.clock.advance(60_000);
    google.remove(CAL, "evt1");
    await push();
    expect((await shape(p)).map(([s]) => s)).toEqual(["cancelled"]);
    p.clock.advance(60_000);
    google.put(CAL, gcalEvent({ id: "evt1", updated: new Date(p.clock.now()).toISOString(), ...googleDay(1) }));
    await push();
    const [restored] = await p.sessions();
    expect(restored).toMatchObject({ status: "scheduled", origin: { externalId: "evt1" } });
    expect(await p.sessions()).toHaveLength(1);
  });
});
