import { describe, expect, it } from "vitest";
import { hashEmail } from "../../../src/calendar/email-hash.ts";
import { normalizeGoogleEvent } from "../../../src/calendar/providers/google/normalize.ts";
import { syncEvents } from "../../../src/calendar/providers/google/sync-api.ts";
import { fakeGoogleCalendar } from "./fake-google-calendar.ts";
import { googleEvent } from "./fixtures.ts";

const BASE = "https://calendar.fake.test/calendar/v3";
const CAL = "clinic.example_abc@group.calendar.google.com";
const TOKEN = "ya29.fake-access-token";

function setup(events = 5) {
  const google = fakeGoogleCalendar({ accessToken: TOKEN, maxPageSize: 2 });
  for (let i = 1; i <= events; i++) google.put(CAL, googleEvent({ id: `evt${i}` }));
  const sync = (syncToken?: string, over: Record<string, unknown> = {}) =>
    syncEvents({ fetch: google.fetch, baseUrl: `${BASE}/`, calendarId: CAL, accessToken: TOKEN, syncToken, ...over });
  return { google, sync };
}

describe("Google Calendar incremental sync", () => {
  it("runs a full sync across pages and returns the token for next time", async () => {
    const { google, sync } = setup(5);
    const res = await sync();
    expect(res.ok && res.events.map((e) => e.id)).toEqual(["evt1", "evt2", "evt3", "evt4", "evt5"]);
    expect(res.ok && res.nextSyncToken).toBeTruthy();
    expect(google.requests).toHaveLength(3);
    for (const url of google.requests) {
      expect(url.pathname).toBe(`/calendar/v3/calendars/${encodeURIComponent(CAL)}/events`);
      expect(url.searchParams.get("singleEvents")).toBe("true");
      expect(url.searchParams.has("syncToken")).toBe(false);
    }
  });

  it("then returns only what changed, deletions included, and nothing when nothing changed", async () => {
    const { google, sync } = setup(3);
    const first = await sync();
    if (!first.ok) throw new Error("full sync failed");
    google.put(
      CAL,
      googleEvent({
        id: "evt2",
        updated: "2026-11-21T10:00:00Z",
        start: { dateTime: "2026-11-24T09:00:00-08:00" },
        end: { dateTime: "2026-11-24T12:00:00-08:00" },
      }),
    );
    google.remove(CAL, "evt3");
    google.put(CAL, googleEvent({ id: "evt4" }));
    const second = await sync(first.nextSyncToken);
    if (!second.ok) throw new Error("incremental sync failed");
    expect(second.events.map((e) => [e.id, e.status])).toEqual([
      ["evt2", "confirmed"],
      ["evt3", "cancelled"],
      ["evt4", "confirmed"],
    ]);
    expect(google.requests.at(-1)?.searchParams.get("syncToken")).toBe(first.nextSyncToken);
    const third = await sync(second.nextSyncToken);
    expect(third).toMatchObject({ ok: true, events: [] });
  });

  it("answers full-resync-required when Google invalidates the token (410), and a full sync recovers", async () => {
    const { google, sync } = setup(2);
    const first = await sync();
    if (!first.ok) throw new Error("full sync failed");
    google.invalidateSyncTokens();
    expect(await sync(first.nextSyncToken)).toEqual({ ok: false, reason: "full-resync-required" });
    expect(await sync()).toMatchObject({ ok: true, events: [{ id: "evt1" }, { id: "evt2" }] });
  });

  it("gives up after the timeout instead of hanging", async () => {
    const { google, sync } = setup(1);
    google.slowDown(5_000);
    const started = Date.now();
    expect(await sync(undefined, { timeoutMs: 50 })).toEqual({ ok: false, reason: "timeout" });
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it("reports HTTP failures with their status (a refused access token, an unknown calendar)", async () => {
    const { google } = setup(1);
    const base = { fetch: google.fetch, baseUrl: BASE };
    expect(await syncEvents({ ...base, calendarId: CAL, accessToken: "expired" })).toEqual({
      ok: false,
      reason: "http",
      status: 401,
    });
    expect(await syncEvents({ ...base, calendarId: "nope", accessToken: TOKEN })).toEqual({
      ok: false,
      reason: "http",
      status: 404,
    });
    const broken = async () => new Response("<html>oops</html>", { status: 200 });
    expect(await syncEvents({ fetch: broken, calendarId: CAL, accessToken: TOKEN })).toEqual({
      ok: false,
      reason: "http",
    });
  });

  it("skips unreadable events rather than stalling the calendar", async () => {
    const { google, sync } = setup(1);
    google.put(CAL, { id: "evt9", start: "not an object" } as never);
    const res = await sync();
    expect(res).toMatchObject({ ok: true, skipped: 1, events: [{ id: "evt1" }] });
  });
});

describe("Google event normalisation", () => {
  const KEY = "program-email-key";
  const mapping = {
    calendarId: CAL,
    emailHashKey: KEY,
    syncedAt: Date.parse("2026-11-22T00:00:00Z"),
    kinds: { [CAL]: "group" as const },
  };

  it("turns an event into an upsert in UTC with opaque ids and hashed guests only", async () => {
    const res = await normalizeGoogleEvent(googleEvent(), mapping);
    expect(res).toEqual({
      ok: true,
      changes: [
        {
          source: "google",
          externalId: "evt1",
          action: "upsert",
          startsAt: "2026-11-23T17:00:00Z",
          endsAt: "2026-11-23T20:00:00Z",
          version: Date.parse("2026-11-20T10:00:00.123Z"),
          kind: "group",
          trackRef: CAL,
          participants: {
            mode: "set",
            clientIds: ["clt_4k9d2m7q1x", "clt_8z7y6x5w4v"],
            emailHashes: [await hashEmail("jane.doe@example.com", KEY), await hashEmail("robert.roe@example.org", KEY)],
          },
        },
      ],
    });
  });

  it("cancels a deleted event even when Google sends only its id, versioned by the sync time", async () => {
    const res = await normalizeGoogleEvent({ kind: "calendar#event", id: "evt3", status: "cancelled" }, mapping);
    expect(res).toMatchObject({
      ok: true,
      changes: [{ externalId: "evt3", action: "cancel", version: mapping.syncedAt }],
    });
  });

  it("ignores all-day events and refuses events without times", async () => {
    const allDay = googleEvent({ start: { date: "2026-11-23" }, end: { date: "2026-11-24" } });
    expect(await normalizeGoogleEvent(allDay, mapping)).toEqual({ ok: true, changes: [] });
    expect(await normalizeGoogleEvent(googleEvent({ start: undefined }), mapping)).toEqual({
      ok: false,
      reason: "invalid-payload",
    });
  });
});
