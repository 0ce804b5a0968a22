import { describe, expect, it } from "vitest";
import { hashEmail } from "../../../src/calendar/email-hash.ts";
import { normalizeCalcom } from "../../../src/calendar/providers/calcom/normalize.ts";
import { normalizeCalendly } from "../../../src/calendar/providers/calendly/normalize.ts";
import { normalizeGoogleEvent } from "../../../src/calendar/providers/google/normalize.ts";
import { normalizeStandard } from "../../../src/calendar/providers/standard/normalize.ts";
import { calcomBooking, calendlyInvitee, googleEvent, PERSONAL } from "./fixtures.ts";

const KEY = "program-email-key";
const NOW = Date.parse("2026-11-20T10:00:05Z");

/** Every normalised change of every fixture, serialised. */
async function everything(): Promise<string[]> {
  const results = [
    await normalizeCalcom(calcomBooking("BOOKING_CREATED"), { emailHashKey: KEY, now: NOW }),
    await normalizeCalcom(calcomBooking("BOOKING_RESCHEDULED", { uid: "bk_2", rescheduleUid: "bk_1" }), {
      emailHashKey: KEY,
      now: NOW,
    }),
    await normalizeCalcom(calcomBooking("BOOKING_CANCELLED"), { emailHashKey: KEY, now: NOW }),
    await normalizeCalendly(calendlyInvitee("invitee.created"), { emailHashKey: KEY }),
    await normalizeCalendly(calendlyInvitee("invitee.canceled"), { emailHashKey: KEY }),
    await normalizeCalendly(calendlyInvitee("invitee.canceled", { status: "canceled" }), { emailHashKey: KEY }),
    await normalizeGoogleEvent(googleEvent(), { emailHashKey: KEY, calendarId: "cal", syncedAt: NOW }),
  ];
  for (const r of results) expect(r.ok).toBe(true);
  return results.map((r) => JSON.stringify(r));
}

describe("normalised changes carry no personal data", () => {
  it("contain none of the fixtures' names, e-mails, phone numbers, titles or answers", async () => {
    for (const out of await everything()) {
      for (const personal of PERSONAL) expect(out.toLowerCase()).not.toContain(personal.toLowerCase());
      expect(out).not.toMatch(/[^\s"]+@[^\s"]+\.[a-z]{2,}/i);
    }
  });

  it("ignores an opaque-looking id that is really an e-mail", async () => {
    const booking = calcomBooking("BOOKING_CREATED");
    booking.payload.metadata.clientId = "jane.doe@example.com";
    const res = await normalizeCalcom(booking, { emailHashKey: KEY, now: NOW });
    expect(res.ok && res.changes[0]?.participants.clientIds).toEqual([]);
    expect(JSON.stringify(res)).not.toContain("jane.doe");
  });

  it("hashes e-mails with the program's key: case and spacing do not matter, the key does", async () => {
    const a = await hashEmail(" Jane.Doe@Example.COM ", KEY);
    expect(a).toBe(await hashEmail("jane.doe@example.com", KEY));
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(await hashEmail("jane.doe@example.com", "another-program"));
  });
});

describe("the product's own standard payload", () => {
  const upserted = {
    type: "session.upserted",
    timestamp: "2026-11-20T10:00:00Z",
    data: {
      externalId: "ehr-appt-991",
      startsAt: "2026-11-23T17:00:00Z",
      endsAt: "2026-11-23T20:00:00Z",
      kind: "group",
      trackRef: "morning",
      clientIds: ["clt_4k9d2m7q1x", "clt_4k9d2m7q1x"],
      facilitatorIds: ["stf_9q8w7e6r5t"],
      version: 17,
    },
  };

  it("becomes an upsert that sets the named clients", () => {
    expect(normalizeStandard(upserted)).toEqual({
      ok: true,
      changes: [
        {
          source: "standard",
          externalId: "ehr-appt-991",
          action: "upsert",
          startsAt: "2026-11-23T17:00:00Z",
          endsAt: "2026-11-23T20:00:00Z",
          version: 17,
          kind: "group",
          trackRef: "morning",
          facilitatorIds: ["stf_9q8w7e6r5t"],
          participants: { mode: "set", clientIds: ["clt_4k9d2m7q1x"], emailHashes: [] },
        },
      ],
    });
  });

  it("cancels with only an id and a version", () => {
    const res = normalizeStandard({ type: "session.cancelled", data: { externalId: "ehr-appt-991", version: 18 } });
    expect(res).toMatchObject({
      ok: true,
      changes: [{ action: "cancel", version: 18, participants: { mode: "unchanged" } }],
    });
  });

  it("refuses unknown fields, e-mails as ids, and backwards times", () => {
    const bad = [
      { ...upserted, data: { ...upserted.data, title: "Relapse Prevention" } },
      { ...upserted, data: { ...upserted.data, clientIds: ["jane.doe@example.com"] } },
      { ...upserted, data: { ...upserted.data, endsAt: "2026-11-23T16:00:00Z" } },
      { ...upserted, type: "session.deleted" },
    ];
    for (const p of bad) expect(normalizeStandard(p)).toEqual({ ok: false, reason: "invalid-payload" });
  });
});
