import { describe, expect, it } from "vitest";
import {
  atSecond,
  burst,
  type CalendarProgram,
  CLIENTS,
  calendarProgram,
  calendlyTime,
  DEEP,
  invitee,
  OVERSIZE,
  SECRETS,
} from "./fixtures.ts";
import { calendlyHeaders } from "./providers/senders.ts";

type Over = Parameters<typeof invitee>[1];
const JANE = "jane.doe@example.com";
const ROBERT = "robert.roe@example.org";
/** Calendly's `created_at`, `s` seconds into the minute the program's clock starts in. */
const at = (s: number) => calendlyTime(atSecond(s));

async function signed(p: CalendarProgram, raw: string, secret: string = SECRETS.calendly) {
  return calendlyHeaders(secret, Math.floor(p.clock.now() / 1000), raw);
}

async function deliver(p: CalendarProgram, event: string, over: Over = {}) {
  const raw = JSON.stringify(invitee(event, over));
  return p.post("calendly", raw, await signed(p, raw));
}

describe("Calendly invitees", () => {
  it("builds a group session one invitee at a time, matched by e-mail hash, and cancels it with the event", async () => {
    const p = await calendarProgram();
    expect((await deliver(p, "invitee.created", { email: JANE, createdAt: at(1) })).status).toBe(200);
    await deliver(p, "invitee.created", { email: ROBERT, createdAt: at(2) });
    await deliver(p, "invitee.created", { email: "someone.unknown@example.net", createdAt: at(3) });
    expect(await p.sessions()).toMatchObject([
      {
        kind: "group",
        cap: 12,
        facilitatorIds: ["fac_1"],
        clientIds: [CLIENTS.jane, CLIENTS.robert],
        origin: { source: "calendly", externalId: "https://api.calendly.com/scheduled_events/EV1" },
      },
    ]);
    await deliver(p, "invitee.canceled", { email: ROBERT, createdAt: at(4) });
    expect(await p.sessions()).toMatchObject([{ clientIds: [CLIENTS.jane], status: "scheduled" }]);
    await deliver(p, "invitee.canceled", { email: JANE, status: "canceled", createdAt: at(5) });
    expect(await p.sessions()).toMatchObject([{ status: "cancelled" }]);
  });

  it("refuses forged, malformed and missing signatures, and a replay older than three minutes", async () => {
    const p = await calendarProgram();
    const raw = JSON.stringify(invitee("invitee.created", { email: JANE }));
    expect((await p.post("calendly", raw, await signed(p, raw, "not-the-key"))).status).toBe(401);
    expect((await p.post("calendly", raw, { "calendly-webhook-signature": "t=abc,v1=zz" })).status).toBe(400);
    expect((await p.post("calendly", raw, {})).status).toBe(400);
    expect(await p.sessions()).toEqual([]);
    const headers = await signed(p, raw);
    p.clock.advance(4 * 60_000);
    expect((await p.post("calendly", raw, headers)).status).toBe(401);
    expect(await p.sessions()).toEqual([]);
  });

  it("applies a duplicate once (5 in a row, 20 at once)", async () => {
    const p = await calendarProgram();
    const raw = JSON.stringify(invitee("invitee.created", { email: JANE }));
    const headers = await signed(p, raw);
    const seq = [];
    for (let i = 0; i < 5; i++) seq.push((await p.post("calendly", raw, headers)).body.status);
    expect(seq).toEqual(["applied", "duplicate", "duplicate", "duplicate", "duplicate"]);
    const another = JSON.stringify(invitee("invitee.created", { email: ROBERT, createdAt: at(9) }));
    const h2 = await signed(p, another);
    expect((await burst(20, () => p.post("calendly", another, h2))).receipts).toEqual({ applied: 1, duplicate: 19 });
    expect(await p.sessions()).toMatchObject([{ clientIds: [CLIENTS.jane, CLIENTS.robert], version: 1 }]);
  });

  it("is order-insensitive: an invitee's cancel before their booking, an event's cancel before its creation", async () => {
    const p = await calendarProgram();
    await deliver(p, "invitee.created", { email: JANE, createdAt: at(1) });
    await deliver(p, "invitee.canceled", { email: ROBERT, createdAt: at(20) });
    await deliver(p, "invitee.created", { email: ROBERT, createdAt: at(10) });
    expect(await p.sessions()).toMatchObject([{ clientIds: [CLIENTS.jane] }]);

    const q = await calendarProgram();
    await deliver(q, "invitee.canceled", { email: JANE, status: "canceled", createdAt: at(20) });
    await deliver(q, "invitee.created", { email: JANE, createdAt: at(10) });
    expect(await q.sessions()).toEqual([]);
  });

  it("answers 413 before any HMAC and 400 for a signed body that is malformed, too deep or not an invitee", async () => {
    const p = await calendarProgram();
    expect((await p.post("calendly", OVERSIZE, await signed(p, OVERSIZE))).status).toBe(413);
    const notInvitee = JSON.stringify({ event: "invitee.created", created_at: at(1), payload: { email: JANE } });
    for (const raw of ['{"event":"invitee.created"', DEEP, notInvitee]) {
      expect((await p.post("calendly", raw, await signed(p, raw))).status).toBe(400);
    }
    expect(await p.sessions()).toEqual([]);
  });
});
