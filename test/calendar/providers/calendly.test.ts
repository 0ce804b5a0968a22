import { describe, expect, it } from "vitest";
import { hashEmail } from "../../../src/calendar/email-hash.ts";
import { normalizeCalendly } from "../../../src/calendar/providers/calendly/normalize.ts";
import { verifyCalendly } from "../../../src/calendar/providers/calendly/verify.ts";
import { calendlyInvitee } from "./fixtures.ts";
import { calendlyHeaders } from "./senders.ts";

const SECRET = "calendly-signing-key";
const T = 1_795_000_000;
const NOW = T * 1000;
const body = JSON.stringify(calendlyInvitee("invitee.created"));
const verify = (raw: string, headers: Headers, now = NOW, secrets = [SECRET], toleranceSeconds?: number) =>
  verifyCalendly({ rawBody: raw, headers, secrets, now, toleranceSeconds });

describe("Calendly verification", () => {
  it("accepts a delivery signed as Calendly signs it", async () => {
    const res = await verify(body, await calendlyHeaders(SECRET, T, body));
    expect(res).toMatchObject({ ok: true, timestamp: NOW });
    expect(res.ok && res.deliveryId).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuses a forged signature, a wrong secret, an altered body and a re-dated t", async () => {
    const h = await calendlyHeaders(SECRET, T, body);
    const forged = new Headers({ "calendly-webhook-signature": `t=${T},v1=${"ab".repeat(32)}` });
    expect(await verify(body, forged)).toEqual({ ok: false, reason: "bad-signature", status: 401 });
    expect(await verify(body, await calendlyHeaders("wrong", T, body))).toMatchObject({ reason: "bad-signature" });
    expect(await verify(body.replace("EV1", "EV2"), h)).toMatchObject({ reason: "bad-signature" });
    const redated = new Headers({
      "calendly-webhook-signature": (h.get("calendly-webhook-signature") ?? "").replace(`t=${T}`, `t=${T + 1}`),
    });
    expect(await verify(body, redated)).toMatchObject({ reason: "bad-signature" });
  });

  it("refuses stale deliveries beyond three minutes by default, configurable", async () => {
    const h = await calendlyHeaders(SECRET, T, body);
    expect(await verify(body, h, NOW + 180_000)).toMatchObject({ ok: true });
    expect(await verify(body, h, NOW + 181_000)).toEqual({ ok: false, reason: "stale", status: 401 });
    expect(await verify(body, h, NOW - 181_000)).toMatchObject({ reason: "stale" });
    expect(await verify(body, h, NOW + 600_000, [SECRET], 900)).toMatchObject({ ok: true });
  });

  it("refuses missing and malformed headers with 400", async () => {
    expect(await verify(body, new Headers())).toEqual({ ok: false, reason: "missing-header", status: 400 });
    for (const v of ["v1=abc", `t=${T}`, `t=soon,v1=${"ab".repeat(32)}`, `t=${T},v1=zz`]) {
      expect(await verify(body, new Headers({ "calendly-webhook-signature": v }))).toMatchObject({ status: 400 });
    }
  });

  it("rotates: either configured key verifies", async () => {
    expect(await verify(body, await calendlyHeaders("next", T, body), NOW, [SECRET, "next"])).toMatchObject({
      ok: true,
    });
  });
});

describe("Calendly normalisation", () => {
  const KEY = "program-email-key";
  const mapping = { emailHashKey: KEY, kinds: { "https://api.calendly.com/event_types/ET1": "individual" as const } };

  it("turns invitee.created into an upsert adding one hashed participant", async () => {
    const res = await normalizeCalendly(calendlyInvitee("invitee.created"), mapping);
    expect(res).toEqual({
      ok: true,
      changes: [
        {
          source: "calendly",
          externalId: "https://api.calendly.com/scheduled_events/EV1",
          action: "upsert",
          startsAt: "2026-11-23T17:00:00Z",
          endsAt: "2026-11-23T18:00:00Z",
          version: Date.parse("2026-11-20T10:00:00Z"),
          kind: "individual",
          trackRef: "https://api.calendly.com/event_types/ET1",
          participants: { mode: "add", clientIds: [], emailHashes: [await hashEmail("jane.doe@example.com", KEY)] },
        },
      ],
    });
  });

  it("cancels the event when Calendly canceled it, and only removes the invitee when it goes on", async () => {
    const cancelled = await normalizeCalendly(calendlyInvitee("invitee.canceled", { status: "canceled" }), mapping);
    expect(cancelled.ok && cancelled.changes[0]).toMatchObject({
      action: "cancel",
      participants: { mode: "unchanged" },
    });
    const left = await normalizeCalendly(calendlyInvitee("invitee.canceled", { status: "active" }), mapping);
    expect(left.ok && left.changes[0]).toMatchObject({ action: "upsert", participants: { mode: "remove" } });
  });

  it("ignores other events and refuses malformed payloads", async () => {
    expect(
      await normalizeCalendly({ event: "routing_form_submission.created", created_at: "x", payload: {} }, mapping),
    ).toEqual({
      ok: true,
      changes: [],
    });
    expect(
      await normalizeCalendly({ event: "invitee.created", created_at: "2026-11-20T10:00:00Z", payload: {} }, mapping),
    ).toEqual({
      ok: false,
      reason: "invalid-payload",
    });
  });
});
