import { describe, expect, it } from "vitest";
import { hashEmail } from "../../../src/calendar/email-hash.ts";
import { normalizeCalcom } from "../../../src/calendar/providers/calcom/normalize.ts";
import { verifyCalcom } from "../../../src/calendar/providers/calcom/verify.ts";
import { calcomBooking } from "./fixtures.ts";
import { calcomHeaders } from "./senders.ts";

const SECRET = "cal-webhook-secret";
const NOW = Date.parse("2026-11-20T10:00:05Z");
const KEY = "program-email-key";
const body = JSON.stringify(calcomBooking("BOOKING_CREATED"));
const verify = (raw: string, headers: Headers, secrets = [SECRET]) =>
  verifyCalcom({ rawBody: raw, headers, secrets, now: NOW });

describe("Cal.com verification", () => {
  it("accepts a body signed as Cal.com signs it, with a delivery id stable across retries", async () => {
    const a = await verify(body, await calcomHeaders(SECRET, body));
    const b = await verify(body, await calcomHeaders(SECRET, body));
    expect(a).toMatchObject({ ok: true });
    expect(a.ok && b.ok && a.deliveryId === b.deliveryId).toBe(true);
    const other = JSON.stringify(calcomBooking("BOOKING_CANCELLED"));
    const c = await verify(other, await calcomHeaders(SECRET, other));
    expect(c.ok && a.ok && c.deliveryId !== a.deliveryId).toBe(true);
  });

  it("accepts an upper-case hex signature", async () => {
    const sig = (await calcomHeaders(SECRET, body)).get("x-cal-signature-256")?.toUpperCase() ?? "";
    expect(await verify(body, new Headers({ "x-cal-signature-256": sig }))).toMatchObject({ ok: true });
  });

  it("refuses the unsigned marker, a missing header, a forged or truncated signature", async () => {
    expect(await verify(body, new Headers({ "x-cal-signature-256": "no-secret-provided" }))).toEqual({
      ok: false,
      reason: "unsigned",
      status: 401,
    });
    expect(await verify(body, new Headers())).toEqual({ ok: false, reason: "missing-header", status: 400 });
    expect(await verify(body, new Headers({ "x-cal-signature-256": "0".repeat(64) }))).toMatchObject({
      reason: "bad-signature",
      status: 401,
    });
    const sig = (await calcomHeaders(SECRET, body)).get("x-cal-signature-256") ?? "";
    expect(await verify(body, new Headers({ "x-cal-signature-256": sig.slice(0, 62) }))).toMatchObject({ ok: false });
  });

  it("refuses a wrong secret and an altered body; accepts either secret during rotation", async () => {
    expect(await verify(body, await calcomHeaders("another-secret", body))).toMatchObject({ reason: "bad-signature" });
    expect(await verify(body.replace("bk_7Hq2x9", "bk_7Hq2x8"), await calcomHeaders(SECRET, body))).toMatchObject({
      reason: "bad-signature",
    });
    expect(await verify(body, await calcomHeaders("new-secret", body), [SECRET, "new-secret"])).toMatchObject({
      ok: true,
    });
    expect(await verify(body, await calcomHeaders(SECRET, body), [])).toMatchObject({ reason: "no-secret" });
  });
});

describe("Cal.com normalisation", () => {
  const mapping = { emailHashKey: KEY, now: NOW, kinds: { "4242": "individual" as const } };

  it("turns BOOKING_CREATED into an upsert with opaque ids and hashed e-mails", async () => {
    const res = await normalizeCalcom(calcomBooking("BOOKING_CREATED"), mapping);
    expect(res).toEqual({
      ok: true,
      changes: [
        {
          source: "calcom",
          externalId: "bk_7Hq2x9",
          action: "upsert",
          startsAt: "2026-11-23T17:00:00Z",
          endsAt: "2026-11-23T18:00:00Z",
          version: Date.parse("2026-11-20T10:00:00Z"),
          kind: "individual",
          trackRef: "4242",
          participants: {
            mode: "set",
            clientIds: ["clt_4k9d2m7q1x"],
            emailHashes: [await hashEmail("jane.doe@example.com", KEY)],
          },
        },
      ],
    });
  });

  it("keys a reschedule by the original booking and names the new uid as an alias", async () => {
    const payload = calcomBooking("BOOKING_RESCHEDULED", {
      uid: "bk_new",
      rescheduleUid: "bk_7Hq2x9",
      startTime: "2026-11-24T17:00:00.000Z",
      endTime: "2026-11-24T18:00:00.000Z",
    });
    const res = await normalizeCalcom(payload, mapping);
    expect(res.ok && res.changes[0]).toMatchObject({
      externalId: "bk_7Hq2x9",
      alias: "bk_new",
      action: "upsert",
      startsAt: "2026-11-24T17:00:00Z",
    });
  });

  it("turns BOOKING_CANCELLED into a cancel and ignores other triggers", async () => {
    const res = await normalizeCalcom(calcomBooking("BOOKING_CANCELLED"), mapping);
    expect(res.ok && res.changes[0]).toMatchObject({ externalId: "bk_7Hq2x9", action: "cancel" });
    expect(
      await normalizeCalcom({ triggerEvent: "PING", createdAt: "2026-11-20T10:00:00Z", payload: {} }, mapping),
    ).toEqual({
      ok: true,
      changes: [],
    });
  });

  it("refuses a delivery created more than 24 hours ago (replay), and honours a stricter policy", async () => {
    const old = calcomBooking("BOOKING_CREATED", { createdAt: "2026-11-19T09:59:00Z" });
    expect(await normalizeCalcom(old, mapping)).toEqual({ ok: false, reason: "stale" });
    const hourOld = calcomBooking("BOOKING_CREATED", { createdAt: "2026-11-20T08:59:00Z" });
    expect(await normalizeCalcom(hourOld, mapping)).toMatchObject({ ok: true });
    expect(await normalizeCalcom(hourOld, { ...mapping, maxAgeMs: 3600_000 })).toEqual({ ok: false, reason: "stale" });
  });

  it("refuses payloads that cannot make a valid session", async () => {
    const backwards = calcomBooking("BOOKING_CREATED", { endTime: "2026-11-23T16:00:00Z" });
    expect(await normalizeCalcom(backwards, mapping)).toEqual({ ok: false, reason: "invalid-payload" });
    expect(
      await normalizeCalcom({ triggerEvent: "BOOKING_CREATED", createdAt: "yesterday", payload: {} }, mapping),
    ).toEqual({
      ok: false,
      reason: "invalid-payload",
    });
    expect(await normalizeCalcom([1, 2], mapping)).toEqual({ ok: false, reason: "invalid-payload" });
    expect(await normalizeCalcom(calcomBooking("BOOKING_CREATED"), { ...mapping, emailHashKey: "" })).toEqual({
      ok: false,
      reason: "no-email-key",
    });
  });
});
