import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { materializeAll } from "../../src/directory/cron.ts";
import { iso } from "../dates.ts";
import { fakeGoogle } from "./fake-google.ts";
import {
  atSecond,
  burst,
  CAL,
  type CalendarProgram,
  CHANNEL,
  CLIENTS,
  calendarProgram,
  DAY_MS,
  fromStart,
  gcalEvent,
  googleDay,
  googlePusher,
  OVERSIZE,
  on,
  routeFetch,
  SECRETS,
  START,
} from "./fixtures.ts";

function setup(p: CalendarProgram) {
  const google = fakeGoogle({ accessToken: env.GOOGLE_API_TOKEN, now: () => p.clock.now() });
  google.put(CAL, gcalEvent({ id: "evt1" }));
  routeFetch({ "calendar.fake.test": google.fetch });
  const push = googlePusher(p);
  const syncs = () => google.requests.filter((u) => u.pathname.endsWith("/events"));
  return { google, push, syncs };
}

afterEach(() => vi.restoreAllMocks());

describe("Google Calendar push channels", () => {
  it("ignores `sync`; on `exists` syncs the calendar, then follows changes with the stored sync token", async () => {
    const p = await calendarProgram();
    const { google, push, syncs } = setup(p);
    expect((await push({ "x-goog-resource-state": "sync", "x-goog-message-number": "1" })).body).toEqual({
      status: "ignored",
    });
    expect(syncs()).toEqual([]);
    const res = await push();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "accepted" });
    const [session] = await p.sessions();
    expect(session).toMatchObject({
      kind: "group",
      trackId: p.trackId,
      startsAt: on(0, "09:00"),
      clientIds: [CLIENTS.calcom, CLIENTS.second, CLIENTS.jane, CLIENTS.robert].sort(),
      origin: { source: "google", externalId: "evt1" },
    });
    google.put(CAL, gcalEvent({ id: "evt1", updated: iso(atSecond(20)), ...googleDay(1) }));
    await push();
    expect(await p.sessions()).toMatchObject([{ id: session?.id, startsAt: on(1, "09:00"), version: 2 }]);
    expect(syncs().at(-1)?.searchParams.get("syncToken")).toBeTruthy();
  });

  it("refuses a wrong token, malformed headers and a long-expired channel; ignores channels it does not own", async () => {
    const p = await calendarProgram();
    const { push, syncs } = setup(p);
    expect((await push({ "x-goog-channel-token": "guess" })).status).toBe(401);
    expect((await push({ "x-goog-resource-state": "bogus" })).status).toBe(400);
    expect((await push({ "x-goog-channel-expiration": new Date(p.clock.now() - 3600_000).toUTCString() })).status).toBe(
      401,
    );
    expect((await push({ "x-goog-channel-id": "chan-other" })).body).toEqual({ status: "ignored" });
    expect((await push({ "x-goog-resource-id": "res-other" })).body).toEqual({ status: "ignored" });
    expect(syncs()).toEqual([]);
    expect(await p.sessions()).toEqual([]);
  });

  it("applies a repeated message once (5 in a row, 20 at once) and coalesces a burst of messages into few syncs", async () => {
    const p = await calendarProgram();
    const { push, syncs } = setup(p);
    const seq = [];
    for (let i = 0; i < 5; i++) seq.push((await push({ "x-goog-message-number": "7" })).body.status);
    expect(seq).toEqual(["accepted", "duplicate", "duplicate", "duplicate", "duplicate"]);
    expect(syncs()).toHaveLength(1);
    expect((await burst(20, () => push({ "x-goog-message-number": "8" }))).receipts).toEqual({
      accepted: 1,
      duplicate: 19,
    });
    const distinct = await burst(20, () => push());
    expect(distinct.receipts).toEqual({ accepted: 20 });
    expect(syncs().length).toBeLessThan(12);
    expect(await p.sessions()).toMatchObject([{ version: 1, status: "scheduled" }]);
  });

  it("is order-insensitive: a deletion seen before the event, an older version after a newer one", async () => {
    const p = await calendarProgram();
    const { google, push } = setup(p);
    await push();
    google.remove(CAL, "evt2");
    await push();
    google.put(CAL, gcalEvent({ id: "evt2", updated: iso(atSecond(0)) }));
    google.put(CAL, gcalEvent({ id: "evt1", updated: iso(atSecond(20)), ...googleDay(2) }));
    await push();
    google.put(CAL, gcalEvent({ id: "evt1", updated: iso(atSecond(10)), ...googleDay(1) }));
    await push();
    expect((await p.sessions()).map((s) => [s.origin.type === "calendar" && s.origin.externalId, s.startsAt])).toEqual([
      ["evt1", on(2, "09:00")],
    ]);
  });

  it("runs a full sync after 410 Gone and cancels upcoming events that vanished meanwhile", async () => {
    const p = await calendarProgram();
    const { google, push, syncs } = setup(p);
    google.put(CAL, gcalEvent({ id: "evt2", ...googleDay(1) }));
    await push();
    expect(await p.sessions()).toHaveLength(2);
    google.remove(CAL, "evt2");
    google.invalidateSyncTokens();
    await push();
    expect(syncs().at(-2)?.searchParams.get("syncToken")).toBeTruthy();
    expect(syncs().at(-1)?.searchParams.has("syncToken")).toBe(false);
    expect((await p.sessions()).map((s) => s.status)).toEqual(["scheduled", "cancelled"]);
  });

  it("answers 413 for an oversize body", async () => {
    const p = await calendarProgram();
    const { push } = setup(p);
    const res = await p.post("google", OVERSIZE, { "x-goog-channel-id": CHANNEL.id });
    expect(res.status).toBe(413);
    expect((await push({ "x-goog-message-number": "x1" })).status).toBe(400);
  });
});

describe("calendar chores from the cron", () => {
  it("reconciles without any push, renews a channel about to expire, and stops the old one", async () => {
    const p = await calendarProgram();
    const { google, push } = setup(p);
    const soon = new Date(p.clock.now() + 3600_000).toISOString().replace(/\.\d+Z$/, "Z");
    const current = await p.call("GET", `/v1/programs/${p.programId}/integrations/calendar`, { token: p.admin });
    const { mappings, google: g, microsoft } = current.body;
    const put = await p.call("PUT", `/v1/programs/${p.programId}/integrations/calendar`, {
      token: p.admin,
      body: { mappings, microsoft, google: { ...g, channels: [{ ...CHANNEL, expiresAt: soon }] } },
    });
    expect(put.status).toBe(200);
    await p.cron();
    expect(await p.sessions()).toHaveLength(1);
    expect(google.watches).toEqual([
      { id: expect.any(String), calendarId: CAL, address: g.webhookUrl, token: SECRETS.google },
    ]);
    expect(google.stopped).toEqual([{ id: CHANNEL.id, resourceId: CHANNEL.resourceId }]);
    const after = await p.call("GET", `/v1/programs/${p.programId}/integrations/calendar`, { token: p.admin });
    expect(after.body.google.channels).toEqual([
      { id: google.watches[0]?.id, calendarId: CAL, resourceId: "res-2", expiresAt: fromStart(7 * DAY_MS) },
    ]);
    expect(after.body.syncedAt).toEqual({ [CAL]: START });
    const fresh = { "x-goog-channel-id": google.watches[0]?.id as string, "x-goog-resource-id": "res-2" };
    expect((await push(fresh)).body).toEqual({ status: "accepted" });
    expect((await push()).body).toEqual({ status: "ignored" });
  });

  it("is reached from the materialisation cron for every program", async () => {
    const p = await calendarProgram();
    const { google, syncs } = setup(p);
    google.put(CAL, gcalEvent({ id: "evt3", ...googleDay(3) }));
    await materializeAll({ ...env, ...p.overrides }, p.clock.now());
    await p.followUps();
    expect(syncs().length).toBeGreaterThan(0);
    expect((await p.sessions()).map((s) => s.startsAt)).toEqual([on(0, "09:00"), on(3, "09:00")]);
  });
});
