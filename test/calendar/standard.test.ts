import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { iso } from "../dates.ts";
import {
  atSecond,
  burst,
  type CalendarProgram,
  CLIENTS,
  calendarProgram,
  DAY_MS,
  DEEP,
  OVERSIZE,
  on,
  SECRETS,
  START,
  withOffset,
} from "./fixtures.ts";
import { STANDARD_SPEC_VECTOR as SPEC } from "./providers/fixtures.ts";
import { standardHeaders, svixHeaders } from "./providers/senders.ts";

/** A session on the fixtures' Monday, 09:00–12:00 in Los Angeles, unless moved. */
function upserted(version: number, startsAt = on(0, "09:00"), endsAt = on(0, "12:00")) {
  return JSON.stringify({
    type: "session.upserted",
    timestamp: iso(atSecond(0)),
    data: { externalId: "ehr-appt-1", startsAt, endsAt, kind: "group", clientIds: [CLIENTS.calcom], version },
  });
}
const cancelled = (version: number) =>
  JSON.stringify({ type: "session.cancelled", data: { externalId: "ehr-appt-1", version } });

/** A delivery signed by the official `standardwebhooks` package, as an EHR would send it. */
function deliver(
  p: CalendarProgram,
  body: string,
  id = `msg_${crypto.randomUUID()}`,
  secret: string = SECRETS.standard,
) {
  return p.post("standard", body, standardHeaders(secret, id, Math.floor(p.clock.now() / 1000), body));
}

describe("standard webhooks (EHRs and integrators)", () => {
  it("takes Svix's own svix-* headers as well, signed by the svix package and checked by it", async () => {
    const { Webhook } = await import("svix");
    const p = await calendarProgram();
    const body = upserted(1);
    const seconds = Math.floor(p.clock.now() / 1000);
    const headers = svixHeaders(SECRETS.standard, "msg_svix_1", seconds, body);
    // The referee: svix's own verifier accepts exactly these headers and body (at their own time).
    const asObject = Object.fromEntries(headers);
    // svix reads Date.now() itself, so its clock is set to the program's for the check.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(p.clock.now());
    try {
      expect(() => new Webhook(SECRETS.standard).verify(body, asObject)).not.toThrow();
    } finally {
      vi.useRealTimers();
    }
    const res = await p.post("standard", body, headers);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ status: "applied" });
    expect(await p.sessions()).toMatchObject([{ origin: { source: "standard", externalId: "ehr-appt-1" } }]);
    // A replay under the other header names is the same delivery.
    const again = await p.post("standard", body, standardHeaders(SECRETS.standard, "msg_svix_1", seconds, body));
    expect(again.body).toEqual({ status: "duplicate" });
    // A mixed set (one name of each) is not a signed delivery: each set is read whole.
    const mixed = new Headers(asObject);
    mixed.delete("svix-id");
    mixed.set("webhook-id", "msg_svix_2");
    expect((await p.post("standard", body, mixed)).status).toBe(400);
  });

  it("applies deliveries signed by the official package: a session is created, moved and cancelled", async () => {
    const p = await calendarProgram();
    const created = await deliver(p, upserted(1));
    expect(created.status).toBe(200);
    expect(created.body).toEqual({ status: "applied" });
    const [session] = await p.sessions();
    expect(session).toMatchObject({
      kind: "group",
      trackId: p.trackId,
      status: "scheduled",
      startsAt: on(0, "09:00"),
      clientIds: [CLIENTS.calcom],
      facilitatorIds: ["fac_1"],
      origin: { type: "calendar", source: "standard", externalId: "ehr-appt-1", version: 1 },
      version: 1,
    });
    await deliver(p, upserted(2, on(1, "09:00"), on(1, "12:00")));
    expect(await p.sessions()).toMatchObject([{ id: session?.id, startsAt: on(1, "09:00"), version: 2 }]);
    await deliver(p, cancelled(3));
    expect(await p.sessions()).toMatchObject([{ id: session?.id, status: "cancelled", version: 3 }]);
  });

  it("gives a session a new version when someone is taken off it, so their outstanding tokens stop", async () => {
    const p = await calendarProgram();
    await deliver(p, upserted(1));
    const withoutClient = JSON.parse(upserted(2));
    withoutClient.data.clientIds = [];
    expect((await deliver(p, JSON.stringify(withoutClient))).status).toBe(200);
    expect(await p.sessions()).toMatchObject([{ clientIds: [], version: 2, startsAt: on(0, "09:00") }]);
  });

  it("passes the specification's test vector through verification (its body is no session: 400, not 401)", async () => {
    const p = await calendarProgram({ start: SPEC.timestamp * 1000, secrets: { standard: [SPEC.secret] } });
    const headers = {
      "webhook-id": SPEC.id,
      "webhook-timestamp": String(SPEC.timestamp),
      "webhook-signature": SPEC.signature,
    };
    const res = await p.post("standard", SPEC.body, headers);
    expect(res.status).toBe(400);
    expect(res.body.detail).toBe("The body is not a delivery this webhook understands.");
    const altered = await p.post("standard", SPEC.body.replace("4}", "5}"), headers);
    expect(altered.status).toBe(401);
  });

  it("refuses the specification's negative cases with 400 or 401, the same vague body, and no effect", async () => {
    const p = await calendarProgram();
    const body = upserted(1);
    const now = Math.floor(p.clock.now() / 1000);
    const good = Object.fromEntries(standardHeaders(SECRETS.standard, "msg_neg", now, body));
    const sig = good["webhook-signature"] as string;
    const cases: [Record<string, string | undefined>, string, number][] = [
      [{ "webhook-id": undefined }, body, 400],
      [{ "webhook-timestamp": undefined }, body, 400],
      [{ "webhook-signature": undefined }, body, 400],
      [{ "webhook-timestamp": String(now - 301) }, body, 401],
      [{ "webhook-timestamp": String(now + 301) }, body, 401],
      [{ "webhook-signature": sig.slice(0, -6) }, body, 401],
      [{ "webhook-signature": "v1," }, body, 401],
      [{}, body.replace("ehr-appt-1", "ehr-appt-2"), 401],
      [{ "webhook-signature": `v2,${sig.slice(3)} v1a,${sig.slice(3)}` }, body, 401],
    ];
    const details = new Set<string>();
    for (const [over, sent, status] of cases) {
      const headers = Object.fromEntries(
        Object.entries({ ...good, ...over }).filter((e): e is [string, string] => e[1] !== undefined),
      );
      const res = await p.post("standard", sent, headers);
      expect(res.status, JSON.stringify(over)).toBe(status);
      details.add(res.body.detail);
    }
    expect([...details]).toEqual(["The delivery could not be verified."]);
    expect(await p.sessions()).toEqual([]);
    const beside = await p.post("standard", body, { ...good, "webhook-signature": `v2,${sig.slice(3)} ${sig}` });
    expect(beside.status).toBe(200);
  });

  it("refuses a forged delivery and accepts both secrets during a rotation", async () => {
    const next = `whsec_${btoa("the rotated-in standard secret!")}`;
    const p = await calendarProgram({ secrets: { standard: [next, SECRETS.standard] } });
    expect((await deliver(p, upserted(1), "msg_f", `whsec_${btoa("an attacker's guess at a secret")}`)).status).toBe(
      401,
    );
    expect(await p.sessions()).toEqual([]);
    expect((await deliver(p, upserted(1), "msg_old")).status).toBe(200);
    expect((await deliver(p, upserted(2, on(0, "10:00")), "msg_new", next)).status).toBe(200);
    expect(await p.sessions()).toMatchObject([{ startsAt: on(0, "10:00") }]);
  });

  it("refuses a replay after the tolerance and applies a duplicate once (5 in a row, 20 at once)", async () => {
    const p = await calendarProgram();
    const body = upserted(1);
    const headers = standardHeaders(SECRETS.standard, "msg_dup", Math.floor(p.clock.now() / 1000), body);
    for (let i = 0; i < 5; i++)
      expect((await p.post("standard", body, headers)).body.status).toBe(i === 0 ? "applied" : "duplicate");
    const move = upserted(2, on(1, "09:00"), on(1, "12:00"));
    const moveHeaders = standardHeaders(SECRETS.standard, "msg_move", Math.floor(p.clock.now() / 1000), move);
    const { statuses, receipts } = await burst(20, () => p.post("standard", move, moveHeaders));
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(receipts).toEqual({ applied: 1, duplicate: 19 });
    expect(await p.sessions()).toMatchObject([{ startsAt: on(1, "09:00"), version: 2 }]);
    expect(await p.rows("SELECT delivery_id FROM calendar_deliveries ORDER BY delivery_id")).toEqual([
      { delivery_id: "msg_dup" },
      { delivery_id: "msg_move" },
    ]);
    p.clock.advance(6 * 60_000);
    expect((await p.post("standard", move, moveHeaders)).status).toBe(401);
  });

  it("is order-insensitive: a cancel before its create wins, an older move never overwrites a newer one", async () => {
    const p = await calendarProgram();
    await deliver(p, cancelled(5));
    expect((await deliver(p, upserted(4))).status).toBe(200);
    expect(await p.sessions()).toEqual([]);

    const q = await calendarProgram();
    await deliver(q, upserted(1));
    await deliver(q, upserted(3, on(2, "09:00"), on(2, "12:00")));
    await deliver(q, upserted(2, on(1, "09:00"), on(1, "12:00")));
    expect(await q.sessions()).toMatchObject([{ startsAt: on(2, "09:00"), version: 2 }]);
  });

  it("answers 413 for an oversize body before any HMAC, 400 for a signed malformed or deep body, 415 and 404", async () => {
    const p = await calendarProgram();
    expect((await deliver(p, OVERSIZE)).status).toBe(413);
    const big = await p.post("standard", OVERSIZE, { "webhook-id": "x" });
    expect(big.status).toBe(413);
    for (const bad of ['{"type":"session.upserted",', DEEP, "[]", '{"type":"session.upserted","data":{}}']) {
      const res = await deliver(p, bad);
      expect(res.status, bad.slice(0, 30)).toBe(400);
    }
    const body = upserted(1);
    const headers = Object.fromEntries(standardHeaders(SECRETS.standard, "m", Math.floor(p.clock.now() / 1000), body));
    expect((await p.post("standard", body, { ...headers, "content-type": "text/plain" })).status).toBe(415);
    expect((await p.send("POST", p.webhook("outlook"), { headers, body })).status).toBe(404);
    const other = `/v1/webhooks/calendar/prg_00000000000000000000/standard`;
    expect(
      (await p.send("POST", other, { headers: { ...headers, "content-type": "application/json" }, body })).status,
    ).toBe(404);
    expect(await p.sessions()).toEqual([]);
  });

  it("never answers 5xx to a correctly signed body, whatever it holds", async () => {
    const p = await calendarProgram();
    const now = Math.floor(p.clock.now() / 1000);
    const longAgo = iso(Date.parse(START) - 7 * 365 * DAY_MS);
    const shaped = fc.record({
      type: fc.constantFrom("session.upserted", "session.cancelled", "other"),
      data: fc.record(
        {
          externalId: fc.string({ maxLength: 300 }),
          // The same instant written in UTC and with its offset, nothing, and a start years gone.
          startsAt: fc.constantFrom(on(0, "09:00"), withOffset(0, "09:00"), "", longAgo),
          // An hour after, ten hours after, and an hour before that start.
          endsAt: fc.constantFrom(on(0, "10:00"), on(0, "19:00"), on(0, "08:00")),
          kind: fc.constantFrom("group", "individual", "family", "retreat"),
          clientIds: fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }),
          version: fc.oneof(fc.integer(), fc.double(), fc.constant(Number.MAX_SAFE_INTEGER + 2)),
        },
        { requiredKeys: [] },
      ),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          shaped.map((v) => JSON.stringify(v)),
          fc.json(),
          fc.string(),
        ),
        async (body) => {
          const res = await p.post(
            "standard",
            body,
            standardHeaders(SECRETS.standard, `msg_${crypto.randomUUID()}`, now, body),
          );
          expect([200, 400]).toContain(res.status);
        },
      ),
      { numRuns: 60 },
    );
  });
});
