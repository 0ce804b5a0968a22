import ICAL from "ical.js";
import { describe, expect, it } from "vitest";
import { futureMonday, plusDays, zoned } from "../dates.ts";
import { createProgram, harness } from "../helpers.ts";

/**
 * The private iCalendar feed, black-box: made by staff, read without a bearer (the token in the URL
 * is the credential), parsed and expanded with ical.js, and compared with the API's own listing.
 */

type Listed = { id: string; startsAt: string; endsAt: string; status: string; version: number };

/** Every occurrence ical.js expands from a feed in [from, to): instants, status and sequence per UID. */
function expand(text: string, from: number, to: number) {
  const root = new ICAL.Component(ICAL.parse(text));
  for (const tz of root.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(tz);
  const byUid = new Map<string, ICAL.Component[]>();
  for (const ev of root.getAllSubcomponents("vevent")) {
    const uid = String(ev.getFirstPropertyValue("uid"));
    byUid.set(uid, [...(byUid.get(uid) ?? []), ev]);
  }
  const out: { start: string; end: string; status: string; sequence: number; uid: string }[] = [];
  for (const [uid, comps] of byUid) {
    const master = comps.find((c) => !c.hasProperty("recurrence-id")) ?? comps[0];
    const event = new ICAL.Event(master);
    for (const c of comps) if (c !== master) event.relateException(c);
    const push = (start: ICAL.Time, end: ICAL.Time, item: ICAL.Event) =>
      out.push({
        uid,
        start: new Date(start.toJSDate()).toISOString().replace(".000Z", "Z"),
        end: new Date(end.toJSDate()).toISOString().replace(".000Z", "Z"),
        status: String(item.component.getFirstPropertyValue("status") ?? "CONFIRMED"),
        sequence: Number(item.component.getFirstPropertyValue("sequence") ?? 0),
      });
    if (!event.isRecurring()) {
      if (event.startDate.toJSDate().getTime() >= from && event.startDate.toJSDate().getTime() < to)
        push(event.startDate, event.endDate, event);
      continue;
    }
    const it = event.iterator();
    for (let next = it.next(); next && next.toJSDate().getTime() < to + 86_400_000; next = it.next()) {
      const d = event.getOccurrenceDetails(next);
      const start = d.startDate.toJSDate().getTime();
      if (start >= from && start < to) push(d.startDate, d.endDate, d.item);
    }
  }
  return out.sort((a, b) => a.start.localeCompare(b.start));
}

async function setup() {
  const start = futureMonday();
  const h = harness(zoned(start, "08:00"));
  const admin = await h.token("admin", "adm_1");
  const programId = await createProgram(h.call, admin, { name: "Opioid Recovery Group" });
  const track = await h.call("POST", `/v1/programs/${programId}/tracks`, {
    token: admin,
    body: {
      name: "Opioid Recovery Group",
      days: ["MO", "WE"],
      startTime: "09:00",
      endTime: "12:00",
      startsOn: start,
      facilitatorIds: ["fac_1"],
      skipDates: [plusDays(start, 9)],
    },
  });
  expect(track.status, track.text).toBe(201);
  const feed = async (subject: Record<string, string>, token = admin) =>
    h.call("POST", `/v1/programs/${programId}/calendar-feeds`, { token, body: { subject } });
  const read = async (url: string) => {
    const res = await h.app.request(new URL(url).pathname, {}, (await import("cloudflare:workers")).env);
    return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
  };
  const list = async (from: string, to: string): Promise<Listed[]> =>
    (await h.call("GET", `/v1/programs/${programId}/sessions?from=${from}&to=${to}&limit=500`, { token: admin })).body
      .sessions;
  return { ...h, start, admin, programId, trackId: track.body.id as string, feed, read, list };
}

describe("a calendar clients and facilitators can subscribe to", () => {
  it("a track's feed expands in ical.js to exactly the API's listing; moves raise SEQUENCE, cancels say CANCELLED", async () => {
    const s = await setup();
    const made = await s.feed({ type: "track", id: s.trackId });
    expect(made.status, made.text).toBe(201);
    const from = zoned(s.start, "00:00");
    const to = zoned(plusDays(s.start, 8 * 7), "00:00");
    const sessions = await s.list(from, to);
    const moved = sessions[3] as Listed;
    const cancelled = sessions[5] as Listed;
    const day = moved.startsAt.slice(0, 10);
    const movedTo = { startsAt: zoned(day, "13:00"), endsAt: zoned(day, "15:30") };
    expect((await s.call("PATCH", `/v1/sessions/${moved.id}`, { token: s.admin, body: movedTo })).status).toBe(200);
    expect((await s.call("POST", `/v1/sessions/${cancelled.id}/cancel`, { token: s.admin })).status).toBe(200);

    const res = await s.read(made.body.url);
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/calendar/);
    expect(res.text).toContain("RRULE:");
    expect(res.text).toContain("BEGIN:VTIMEZONE");
    const expanded = expand(res.text, Date.parse(from), Date.parse(to));
    const listed = await s.list(from, to);
    expect(expanded.map((e) => [e.start, e.end, e.status])).toEqual(
      listed.map((l) => [l.startsAt, l.endsAt, l.status === "cancelled" ? "CANCELLED" : "CONFIRMED"]),
    );
    expect(expanded.find((e) => e.start === movedTo.startsAt)?.sequence).toBe(1);
    expect(expanded.find((e) => e.start === cancelled.startsAt)?.status).toBe("CANCELLED");
    // The skipped Wednesday is not there at all.
    expect(expanded.some((e) => e.start === zoned(plusDays(s.start, 9), "09:00"))).toBe(false);
    // Neutral words only: neither the program's nor the track's name.
    expect(res.text).not.toContain("Opioid");
    expect(res.text).not.toContain("Recovery");
  });

  it("a client's feed lists their own series and group sessions with join links; discharge or revocation ends it", async () => {
    const s = await setup();
    const enr = await s.call("POST", `/v1/programs/${s.programId}/enrollments`, {
      token: s.admin,
      body: { clientId: "clt_a", trackId: s.trackId, startsOn: s.start },
    });
    await s.call("POST", `/v1/programs/${s.programId}/tracks`, {
      token: s.admin,
      body: {
        name: "Individual",
        kind: "individual",
        clientIds: ["clt_a"],
        facilitatorIds: ["fac_i"],
        rrule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH",
        startTime: "15:00",
        endTime: "16:00",
        startsOn: s.start,
      },
    });
    const made = await s.feed({ type: "client", id: "clt_a" });
    expect(made.status, made.text).toBe(201);
    const res = await s.read(made.body.url);
    expect(res.status).toBe(200);
    const from = zoned(s.start, "00:00");
    const to = zoned(plusDays(s.start, 6 * 7), "00:00");
    const client = await s.token("client", "clt_a", s.programId);
    const mine = (
      await s.call("GET", `/v1/programs/${s.programId}/sessions?from=${from}&to=${to}&limit=500`, { token: client })
    ).body.sessions as Listed[];
    expect(expand(res.text, Date.parse(from), Date.parse(to)).map((e) => e.start)).toEqual(mine.map((m) => m.startsAt));
    expect(res.text).toContain(`/join/${mine[0]?.id}`);
    expect(res.text).toContain("Individual session");
    expect(res.text).not.toContain("fac_i");

    // Rotating makes the old URL stop; revoking stops the new one.
    const rotated = await s.feed({ type: "client", id: "clt_a" });
    expect((await s.read(made.body.url)).status).toBe(404);
    expect((await s.read(rotated.body.url)).status).toBe(200);
    // A discharge ends the client's feed at once.
    await s.call("PATCH", `/v1/enrollments/${enr.body.id}`, { token: s.admin, body: { status: "discharged" } });
    expect((await s.read(rotated.body.url)).status).toBe(404);
  });

  it("refuses what it must: unknown or forged tokens, clients making feeds, unknown subjects; revocation is audited", async () => {
    const s = await setup();
    const made = await s.feed({ type: "facilitator", id: "fac_1" });
    expect(made.status).toBe(201);
    expect((await s.read(made.body.url)).status).toBe(200);
    const forged = made.body.url.replace(/\.[A-Za-z0-9_-]{43}\.ics$/, `.${"A".repeat(43)}.ics`);
    expect((await s.read(forged)).status).toBe(404);
    expect((await s.read(made.body.url.replace(".ics", ".txt"))).status).toBe(404);
    expect((await s.read(`${new URL(made.body.url).origin}/v1/calendars/junk.ics`)).status).toBe(404);
    const client = await s.token("client", "clt_a", s.programId);
    expect((await s.feed({ type: "client", id: "clt_a" }, client)).status).toBe(403);
    expect((await s.feed({ type: "client", id: "clt_nobody" })).status).toBe(404);
    expect((await s.feed({ type: "track", id: "trk_x" })).status).toBe(400);
    const revoked = await s.call("DELETE", `/v1/calendar-feeds/${made.body.feedId}`, { token: s.admin });
    expect(revoked.status).toBe(200);
    expect((await s.read(made.body.url)).status).toBe(404);
    expect((await s.call("DELETE", `/v1/calendar-feeds/${made.body.feedId}`, { token: s.admin })).status).toBe(404);
    const trail = await s.call("GET", `/v1/programs/${s.programId}/audit`, { token: s.admin });
    const actions = trail.body.entries.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["feed.create", "feed.read", "feed.revoke"]));
  });
});
