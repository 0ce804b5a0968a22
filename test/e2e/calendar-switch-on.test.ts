import { describe, expect, inject, it } from "vitest";
import { calcomBooking, calendlyInvitee } from "../calendar/providers/fixtures.ts";
import { calcomHeaders, calendlyHeaders, standardHeaders, svixHeaders } from "../calendar/providers/senders.ts";
import { call, tokenFor } from "./seed.ts";

/**
 * Issue 17, as a clinic sees it against `wrangler dev`: a program created through the API, its
 * calendar sources turned on by an admin through the API, and deliveries signed the way each sender
 * signs them accepted at once, with no restart; then a rotation with an overlap deadline.
 */
const HOUR = 3600_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

async function deliver(programId: string, source: string, headers: Headers, body?: string) {
  if (body !== undefined) headers.set("content-type", "application/json");
  const res = await fetch(`${inject("e2e").base}/v1/webhooks/calendar/${programId}/${source}`, {
    method: "POST",
    headers,
    body,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe("calendar sources a clinic turns on through the API, against wrangler dev", () => {
  it("accepts signed deliveries from every source moments after an admin turns it on, and rotates with an overlap", async () => {
    const admin = await tokenFor("admin", "adm_cal");
    const program = await call("POST", "/v1/programs", admin, { name: "Calendars", timezone: "America/Los_Angeles" });
    expect(program.status).toBe(201);
    const programId = program.body.id as string;
    const config = await call("PUT", `/v1/programs/${programId}/integrations/calendar`, admin, {
      mappings: [
        { source: "standard", trackRef: "*", kind: "individual", facilitatorIds: ["fac_1"] },
        { source: "calcom", trackRef: "4242", kind: "individual", facilitatorIds: ["fac_1"] },
        {
          source: "calendly",
          trackRef: "https://api.calendly.com/event_types/ET1",
          kind: "individual",
          facilitatorIds: ["fac_1"],
        },
      ],
      google: { channels: [{ id: "chan-e2e", calendarId: "clinic@example.com", resourceId: "res-e2e" }] },
      microsoft: { subscriptions: [{ id: "sub-e2e", resource: "users/u-1/events" }] },
    });
    expect(config.status).toBe(200);

    // Before an admin turns a source on, its webhook does not exist.
    const day = Date.now() + 2 * 24 * HOUR;
    const standardBody = (id: string) =>
      JSON.stringify({
        type: "session.upserted",
        data: {
          externalId: id,
          startsAt: iso(day),
          endsAt: iso(day + HOUR),
          kind: "individual",
          clientIds: ["clt_e2e_cal"],
          version: 1,
        },
      });
    const now = () => Math.floor(Date.now() / 1000);
    expect(
      (
        await deliver(
          programId,
          "standard",
          standardHeaders(`whsec_${btoa("x".repeat(32))}`, "m0", now(), standardBody("a0")),
          standardBody("a0"),
        )
      ).status,
    ).toBe(404);

    const turnOn = async (source: string, secret?: string) => {
      const res = await call("POST", `/v1/programs/${programId}/integrations/calendar/secrets`, admin, {
        source,
        ...(secret ? { secret } : {}),
      });
      expect(res.status).toBe(201);
      return { secret: res.body.secret as string, at: Date.now() };
    };
    const waited: Record<string, number> = {};

    const standard = await turnOn("standard");
    const s1 = standardBody("appt-1");
    const r1 = await deliver(programId, "standard", standardHeaders(standard.secret, "msg-1", now(), s1), s1);
    waited.standard = Date.now() - standard.at;
    expect(r1).toEqual({ status: 200, body: { status: "applied" } });
    // Svix's own header names, signed by the svix package.
    const s2 = standardBody("appt-2");
    expect((await deliver(programId, "standard", svixHeaders(standard.secret, "msg-2", now(), s2), s2)).status).toBe(
      200,
    );

    const calcom = await turnOn("calcom");
    const booking = JSON.stringify(
      calcomBooking("BOOKING_CREATED", {
        uid: "bk-e2e",
        createdAt: new Date().toISOString(),
        startTime: iso(day + 2 * HOUR),
        endTime: iso(day + 3 * HOUR),
      }),
    );
    const r2 = await deliver(programId, "calcom", await calcomHeaders(calcom.secret, booking), booking);
    waited.calcom = Date.now() - calcom.at;
    expect(r2).toEqual({ status: 200, body: { status: "applied" } });

    const calendlyKey = "calendly-signing-key-issued-by-calendly";
    const calendly = await turnOn("calendly", calendlyKey);
    const invitee = calendlyInvitee("invitee.created", { createdAt: new Date().toISOString() });
    invitee.payload.scheduled_event.start_time = new Date(day + 4 * HOUR).toISOString();
    invitee.payload.scheduled_event.end_time = new Date(day + 5 * HOUR).toISOString();
    const inviteeBody = JSON.stringify(invitee);
    const r3 = await deliver(
      programId,
      "calendly",
      await calendlyHeaders(calendlyKey, now(), inviteeBody),
      inviteeBody,
    );
    waited.calendly = Date.now() - calendly.at;
    expect(r3).toEqual({ status: 200, body: { status: "applied" } });

    const microsoft = await turnOn("microsoft");
    const notification = JSON.stringify({
      value: [
        {
          subscriptionId: "sub-e2e",
          changeType: "created",
          resource: "Users/u-1/Events/AAMk1",
          clientState: microsoft.secret,
          tenantId: "tenant-1",
        },
      ],
    });
    const r4 = await deliver(programId, "microsoft", new Headers(), notification);
    waited.microsoft = Date.now() - microsoft.at;
    // Accepted: the event itself is fetched from Graph afterwards, by the program's alarm.
    expect(r4).toEqual({ status: 202, body: { status: "accepted" } });

    const google = await turnOn("google");
    const push = new Headers({
      "x-goog-channel-id": "chan-e2e",
      "x-goog-channel-token": google.secret,
      "x-goog-resource-id": "res-e2e",
      "x-goog-resource-state": "exists",
      "x-goog-message-number": "2",
    });
    const r5 = await deliver(programId, "google", push);
    waited.google = Date.now() - google.at;
    expect(r5).toEqual({ status: 200, body: { status: "accepted" } });

    // "Within seconds": each first delivery was answered right after the secret was set.
    for (const ms of Object.values(waited)) expect(ms).toBeLessThan(5_000);
    const sessions = await call(
      "GET",
      `/v1/programs/${programId}/sessions?from=${iso(day - HOUR)}&to=${iso(day + 6 * HOUR)}`,
      admin,
    );
    expect(sessions.status).toBe(200);
    expect(sessions.body.sessions.map((s: { origin: { source: string } }) => s.origin.source).sort()).toEqual([
      "calcom",
      "calendly",
      "standard",
      "standard",
    ]);

    // Rotation: a new standard secret, the old one accepted until a deadline a few seconds ahead.
    const deadline = Math.ceil((Date.now() + 4_000) / 1000) * 1000;
    const rotated = await call("POST", `/v1/programs/${programId}/integrations/calendar/secrets`, admin, {
      source: "standard",
      replacesUntil: iso(deadline),
    });
    expect(rotated.status).toBe(201);
    const send = (secret: string, id: string) => {
      const body = standardBody(`appt-${id}`);
      return deliver(programId, "standard", standardHeaders(secret, id, now(), body), body);
    };
    expect((await send(standard.secret, "old-before")).status).toBe(200);
    expect((await send(rotated.body.secret, "new-before")).status).toBe(200);
    await new Promise((r) => setTimeout(r, deadline - Date.now() + 1_500));
    expect((await send(standard.secret, "old-after")).status).toBe(401);
    expect((await send(rotated.body.secret, "new-after")).status).toBe(200);
  });
});
