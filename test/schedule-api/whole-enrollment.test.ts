import { Temporal } from "temporal-polyfill";
import { describe, expect, it } from "vitest";
import { futureMonday, LA, nextTransition, plusDays } from "../dates.ts";
import { createProgram, harness } from "../helpers.ts";

/**
 * Schedules for the whole enrollment, through the HTTP API: every occurrence of an 8- or 16-week
 * plan is listed (across the next DST change), ranges list what overlaps them, a long listing pages,
 * a session far ahead can be joined, and double-bookings far ahead are refused. Expected instants
 * come from Temporal (the referee), not from the product's own conversion.
 */

const DAY = 86_400_000;
const WEEKDAY = { MO: 1, TU: 2, WE: 3, TH: 4, FR: 5, SA: 6, SU: 7 } as const;

/** Every start of a weekly rule on `days` at `time` in `zone`, for local dates in [from, until). */
function referee(days: (keyof typeof WEEKDAY)[], time: string, from: string, until: string, zone = LA): string[] {
  const out: string[] = [];
  const wanted = new Set(days.map((d) => WEEKDAY[d]));
  for (let d = Temporal.PlainDate.from(from); Temporal.PlainDate.compare(d, until) < 0; d = d.add({ days: 1 })) {
    if (!wanted.has(d.dayOfWeek as 1)) continue;
    const instant = d.toPlainDateTime(Temporal.PlainTime.from(time)).toZonedDateTime(zone).toInstant();
    out.push(new Date(instant.epochMilliseconds).toISOString().replace(".000Z", "Z"));
  }
  return out;
}

/** A program in Los Angeles with the clock at 08:00 local on `today`. */
async function program(today: string, settings: Record<string, unknown> = {}) {
  const h = harness(Temporal.PlainDateTime.from(`${today}T08:00`).toZonedDateTime(LA).epochMilliseconds);
  const admin = await h.token("admin", "adm_1");
  const programId = await createProgram(h.call, admin, { settings });
  const track = (body: Record<string, unknown>) =>
    h.call("POST", `/v1/programs/${programId}/tracks`, { token: admin, body: { name: "Group", ...body } });
  /** Every page of a listing, following `next`. */
  const listAll = async (from: string, to: string, limit = 200, token = admin) => {
    const all: { id: string; startsAt: string; endsAt: string; status: string }[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 50; pages++) {
      const q = `from=${from}&to=${to}&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`;
      const res = await h.call("GET", `/v1/programs/${programId}/sessions?${q}`, { token });
      expect(res.status, res.text).toBe(200);
      all.push(...res.body.sessions);
      cursor = res.body.next;
      if (!cursor) return all;
    }
    throw new Error("more than 50 pages");
  };
  return { ...h, admin, programId, track, listAll };
}

const instant = (date: string, time: string) =>
  new Date(Temporal.PlainDateTime.from(`${date}T${time}`).toZonedDateTime(LA).epochMilliseconds)
    .toISOString()
    .replace(".000Z", "Z");

describe("every occurrence of the enrollment", () => {
  it("lists 8 and 16 weeks of an open-ended MO/WE/TH track, exact to the referee across the next DST change", async () => {
    const start = futureMonday();
    const p = await program(start);
    const created = await p.track({ days: ["MO", "WE", "TH"], startTime: "09:00", endTime: "12:00", startsOn: start });
    expect(created.status, created.text).toBe(201);
    for (const weeks of [8, 16]) {
      const until = plusDays(start, weeks * 7);
      const listed = await p.listAll(instant(start, "00:00"), instant(until, "00:00"));
      expect(listed.map((s) => s.startsAt)).toEqual(referee(["MO", "WE", "TH"], "09:00", start, until));
    }
    // Across the next offset change: every session still starts at 09:00 local.
    const change = nextTransition(start);
    const around = await p.listAll(instant(plusDays(change, -14), "00:00"), instant(plusDays(change, 14), "00:00"));
    expect(around.map((s) => s.startsAt)).toEqual(
      referee(["MO", "WE", "TH"], "09:00", plusDays(change, -14), plusDays(change, 14)),
    );
    const offsets = new Set(around.map((s) => new Date(s.startsAt).getUTCHours()));
    expect(offsets.size).toBe(2);
  });

  it("pages a long listing without losing or repeating a session", async () => {
    const start = futureMonday();
    const p = await program(start);
    await p.track({ days: ["MO", "TU", "WE", "TH", "FR"], startTime: "09:00", endTime: "12:00", startsOn: start });
    const to = instant(plusDays(start, 16 * 7), "00:00");
    const whole = await p.listAll(instant(start, "00:00"), to, 500);
    const paged = await p.listAll(instant(start, "00:00"), to, 7);
    expect(whole).toHaveLength(80);
    expect(paged.map((s) => s.id)).toEqual(whole.map((s) => s.id));
    const bad = await p.call(
      "GET",
      `/v1/programs/${p.programId}/sessions?from=${instant(start, "00:00")}&to=${to}&cursor=junk`,
      {
        token: p.admin,
      },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe("cursor");
  });

  it("lists a session running across the range's start, as calendar servers do", async () => {
    const start = futureMonday();
    const p = await program(start);
    await p.track({ days: ["MO"], startTime: "09:00", endTime: "12:00", startsOn: start });
    const inside = await p.listAll(instant(start, "10:00"), instant(start, "10:30"));
    expect(inside.map((s) => s.startsAt)).toEqual([instant(start, "09:00")]);
    expect(await p.listAll(instant(start, "12:00"), instant(start, "13:00"))).toEqual([]);
  });

  it("joins an occurrence ten weeks out at its time", async () => {
    const start = futureMonday();
    const p = await program(start);
    const track = await p.track({ days: ["MO"], startTime: "09:00", endTime: "12:00", startsOn: start });
    await p.call("POST", `/v1/programs/${p.programId}/enrollments`, {
      token: p.admin,
      body: { clientId: "clt_far", trackId: track.body.id, startsOn: start },
    });
    const day = plusDays(start, 70);
    const [session] = await p.listAll(instant(day, "00:00"), instant(day, "23:59"));
    expect(session?.startsAt).toBe(instant(day, "09:00"));
    p.clock.set(Date.parse(instant(day, "09:05")));
    const facilitator = await p.token("admin", "adm_1");
    expect((await p.call("POST", `/v1/sessions/${session?.id}/open`, { token: facilitator })).status).toBe(200);
    const client = await p.token("client", "clt_far", p.programId);
    const joined = await p.call("POST", `/v1/sessions/${session?.id}/join`, { token: client });
    expect(joined.status, joined.text).toBe(200);
  });
});

describe("double-booking is refused however far ahead it lies", () => {
  it("a facilitator's second track that first clashes 12 weeks out: 409 naming the date", async () => {
    const start = futureMonday();
    const p = await program(start);
    const first = await p.track({
      days: ["FR"],
      startTime: "16:00",
      endTime: "19:00",
      startsOn: plusDays(start, 4),
      facilitatorIds: ["fac_1"],
    });
    expect(first.status).toBe(201);
    const clashDay = plusDays(start, 12 * 7 + 4);
    const second = await p.track({
      days: ["FR"],
      startTime: "18:00",
      endTime: "20:00",
      startsOn: clashDay,
      facilitatorIds: ["fac_1"],
    });
    expect(second.status, second.text).toBe(409);
    expect(second.body.localDate).toBe(clashDay);
    expect(second.body.sessionId).toMatch(/^ses_/);
  });

  it("a clash beyond the stored rows is found from the other track's rule", async () => {
    const start = futureMonday();
    const p = await program(start);
    expect(
      (
        await p.track({
          days: ["TU"],
          startTime: "09:00",
          endTime: "12:00",
          startsOn: start,
          facilitatorIds: ["fac_2"],
        })
      ).status,
    ).toBe(201);
    const farTuesday = plusDays(start, 60 * 7 + 1);
    const late = await p.track({
      days: ["TU"],
      startTime: "11:00",
      endTime: "13:00",
      startsOn: farTuesday,
      facilitatorIds: ["fac_2"],
    });
    expect(late.status, late.text).toBe(409);
    expect(late.body.localDate).toBe(farTuesday);
  });

  it("a client's individual series at their group's time is refused, and so is enrolling them the other way round", async () => {
    const start = futureMonday();
    const p = await program(start);
    const group = await p.track({
      days: ["WE"],
      startTime: "09:00",
      endTime: "12:00",
      startsOn: start,
      facilitatorIds: ["fac_g"],
    });
    await p.call("POST", `/v1/programs/${p.programId}/enrollments`, {
      token: p.admin,
      body: { clientId: "clt_a", trackId: group.body.id, startsOn: start },
    });
    const clashing = await p.track({
      kind: "individual",
      clientIds: ["clt_a"],
      facilitatorIds: ["fac_i"],
      rrule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE",
      startTime: "11:00",
      endTime: "12:00",
      startsOn: plusDays(start, 16),
    });
    expect(clashing.status, clashing.text).toBe(409);
    const fine = await p.track({
      kind: "individual",
      clientIds: ["clt_b"],
      facilitatorIds: ["fac_i"],
      rrule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE",
      startTime: "11:00",
      endTime: "12:00",
      startsOn: plusDays(start, 16),
    });
    expect(fine.status, fine.text).toBe(201);
    const enrolled = await p.call("POST", `/v1/programs/${p.programId}/enrollments`, {
      token: p.admin,
      body: { clientId: "clt_b", trackId: group.body.id, startsOn: start },
    });
    expect(enrolled.status, enrolled.text).toBe(409);
  });
});

describe("recurring individual and family series", () => {
  it("every other week for one client: their sessions, listed to them, not open to enrollment", async () => {
    const start = futureMonday();
    const p = await program(start);
    const series = await p.track({
      kind: "family",
      clientIds: ["clt_f"],
      familyIds: ["fam_1", "fam_2"],
      facilitatorIds: ["fac_f"],
      rrule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH",
      startTime: "17:00",
      endTime: "18:00",
      startsOn: plusDays(start, 3),
    });
    expect(series.status, series.text).toBe(201);
    expect(series.body.kind).toBe("family");
    const client = await p.token("client", "clt_f", p.programId);
    const until = plusDays(start, 8 * 7);
    const mine = await p.listAll(instant(start, "00:00"), instant(until, "00:00"), 200, client);
    expect(mine.map((s) => s.startsAt)).toEqual(
      referee(["TH"], "17:00", plusDays(start, 3), until).filter((_, i) => i % 2 === 0),
    );
    const other = await p.token("client", "clt_x", p.programId);
    expect(await p.listAll(instant(start, "00:00"), instant(until, "00:00"), 200, other)).toEqual([]);
    const enroll = await p.call("POST", `/v1/programs/${p.programId}/enrollments`, {
      token: p.admin,
      body: { clientId: "clt_y", trackId: series.body.id, startsOn: start },
    });
    expect(enroll.status).toBe(400);
    const noClinician = await p.track({
      kind: "individual",
      clientIds: ["clt_z"],
      days: ["MO"],
      startTime: "10:00",
      endTime: "11:00",
      startsOn: start,
    });
    expect(noClinician.status).toBe(400);
  });
});

describe("clear refusals instead of silent acceptance", () => {
  it("a skip date or EXDATE the rule never meets is named; a family session's cap is refused; the zone is stored canonically", async () => {
    const start = futureMonday();
    const p = await program(start);
    const thursday = plusDays(start, 10);
    const skip = await p.track({
      days: ["MO", "WE"],
      startTime: "09:00",
      endTime: "12:00",
      startsOn: start,
      skipDates: [plusDays(start, 7), thursday],
    });
    expect(skip.status, skip.text).toBe(400);
    expect(skip.body.errors[0]).toMatchObject({ path: "skipDates.1" });
    expect(skip.body.errors[0].message).toContain(thursday);
    const exdate = await p.track({
      days: ["MO", "WE"],
      startTime: "09:00",
      endTime: "12:00",
      startsOn: start,
      exdates: [`EXDATE;VALUE=DATE:${thursday.replaceAll("-", "")}`],
    });
    expect(exdate.status, exdate.text).toBe(400);
    expect(exdate.body.errors[0].path).toBe("exdates.0");
    const family = await p.call("POST", `/v1/programs/${p.programId}/sessions`, {
      token: p.admin,
      body: {
        kind: "family",
        startsAt: instant(start, "17:00"),
        endsAt: instant(start, "18:00"),
        clientIds: ["clt_q"],
        cap: 4,
      },
    });
    expect(family.status).toBe(400);
    expect(family.body.errors[0].path).toBe("cap");
    const denver = await p.call("POST", "/v1/programs", {
      token: p.admin,
      body: { name: "D", timezone: "america/denver" },
    });
    expect(denver.status, denver.text).toBe(201);
    expect(denver.body.timezone).toBe("America/Denver");
  });

  it("a session moved by hand stays where staff put it when the track changes later", async () => {
    const start = futureMonday();
    const p = await program(start);
    const track = await p.track({ days: ["MO"], startTime: "09:00", endTime: "12:00", startsOn: start });
    const day = plusDays(start, 14);
    const [session] = await p.listAll(instant(day, "00:00"), instant(day, "23:59"));
    const moved = await p.call("PATCH", `/v1/sessions/${session?.id}`, {
      token: p.admin,
      body: { startsAt: instant(day, "13:00"), endsAt: instant(day, "16:00") },
    });
    expect(moved.status, moved.text).toBe(200);
    await p.call("PATCH", `/v1/tracks/${track.body.id}`, { token: p.admin, body: { endTime: "11:30" } });
    const after = await p.call("GET", `/v1/sessions/${session?.id}`, { token: p.admin });
    expect(after.body.startsAt).toBe(instant(day, "13:00"));
    const next = await p.listAll(instant(plusDays(day, 7), "00:00"), instant(plusDays(day, 7), "23:59"));
    expect(next[0]?.endsAt).toBe(instant(plusDays(day, 7), "11:30"));
  });
});

describe("monthly and daily rules", () => {
  it("a monthly family night on the first Saturday, and a track meeting every weekday", async () => {
    const start = futureMonday();
    const p = await program(start);
    const monthly = await p.track({
      kind: "family",
      clientIds: ["clt_m"],
      facilitatorIds: ["fac_m"],
      rrule: "FREQ=MONTHLY;BYDAY=1SA",
      startTime: "10:00",
      endTime: "12:00",
      startsOn: start,
    });
    expect(monthly.status, monthly.text).toBe(201);
    const until = plusDays(start, 200);
    const firstSaturdays: string[] = [];
    for (let d = Temporal.PlainDate.from(start); Temporal.PlainDate.compare(d, until) < 0; d = d.add({ days: 1 })) {
      if (d.dayOfWeek === 6 && d.day <= 7) firstSaturdays.push(instant(d.toString(), "10:00"));
    }
    const listed = await p.listAll(instant(start, "00:00"), instant(until, "00:00"));
    expect(listed.map((s) => s.startsAt)).toEqual(firstSaturdays);
    const daily = await p.track({
      rrule: "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR",
      startTime: "13:00",
      endTime: "16:00",
      startsOn: start,
      facilitatorIds: ["fac_d"],
    });
    expect(daily.status, daily.text).toBe(201);
    const weekdays = await p.call(
      "GET",
      `/v1/programs/${p.programId}/sessions?from=${instant(start, "00:00")}&to=${instant(plusDays(start, 28), "00:00")}&trackId=${daily.body.id}`,
      { token: p.admin },
    );
    expect(weekdays.body.sessions.map((s: { startsAt: string }) => s.startsAt)).toEqual(
      referee(["MO", "TU", "WE", "TH", "FR"], "13:00", start, plusDays(start, 28)),
    );
    const secondly = await p.track({ rrule: "FREQ=SECONDLY", startTime: "13:00", endTime: "14:00", startsOn: start });
    expect(secondly.status).toBe(400);
    expect(secondly.body.errors[0].path).toBe("rrule");
  });
});

describe("the horizon", () => {
  it("a listing of the next 399 days crosses both of the year's DST changes, exact to the referee", async () => {
    const start = futureMonday();
    const p = await program(start);
    await p.track({ days: ["MO", "TH"], startTime: "18:30", endTime: "20:30", startsOn: start });
    const until = plusDays(start, 399);
    const listed = await p.listAll(instant(start, "00:00"), instant(until, "00:00"), 500);
    expect(listed.map((s) => s.startsAt)).toEqual(referee(["MO", "TH"], "18:30", start, until));
    // Both offsets of the year appear, and every start is 18:30 on the wall clock.
    expect(new Set(listed.map((s) => new Date(s.startsAt).getUTCHours())).size).toBe(2);
    const wall = new Intl.DateTimeFormat("en-GB", { timeZone: LA, hour: "2-digit", minute: "2-digit" });
    expect(new Set(listed.map((s) => wall.format(new Date(s.startsAt))))).toEqual(new Set(["18:30"]));
  });

  it("rows exist a year ahead of today, so a listing a year out is complete", async () => {
    const start = futureMonday();
    const p = await program(start);
    await p.track({ days: ["MO"], startTime: "09:00", endTime: "12:00", startsOn: start });
    const from = plusDays(start, 350);
    const to = plusDays(start, 378);
    const listed = await p.listAll(instant(from, "00:00"), instant(to, "00:00"));
    expect(listed.map((s) => s.startsAt)).toEqual(referee(["MO"], "09:00", from, to));
    expect(listed.length).toBe(4);
    expect(Date.parse(listed[0]?.startsAt ?? "") - Date.parse(instant(start, "09:00"))).toBeGreaterThan(300 * DAY);
  });
});
