import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Fhir } from "fhir";
import { beforeAll, describe, expect, it } from "vitest";
import type { FhirBundle, FhirEncounter, FhirExtension } from "../../schemas/fhir.ts";
import { FHIR_NS, PART2_SECURITY } from "../../src/attendance/fhir-encounter.ts";
import { negotiate } from "../../src/lib/media-type.ts";
import { isoWeek, plusDays, zoned } from "../dates.ts";
import { groupSession, PERSONAL } from "../rooms/fixtures.ts";

type Session = Awaited<ReturnType<typeof groupSession>>;
type RosterLine = { participantId: string; attendedMinutes: number; intervals: unknown[]; status: string };

const FHIR = { accept: "application/fhir+json" };
const fhir = new Fhir();
const errors = (resource: unknown) =>
  (fhir.validate(resource as object, { errorOnUnexpected: true }).messages ?? []).filter((m) => m.severity === "error");
const sub = (ext: FhirExtension | undefined, url: string) => ext?.extension?.find((e) => e.url === url);
const product = (e: FhirEncounter) => e.extension?.find((x) => x.url === FHIR_NS.attendance);
const encounterOf = (b: FhirBundle, sessionId: string, clientId: string) => {
  const found = b.entry.find((x) => x.resource.identifier[0]?.value === `${sessionId}/${clientId}`)?.resource;
  if (!found) throw new Error(`no Encounter for ${sessionId}/${clientId}`);
  return found;
};

/** Move the clock to `minutes` after the group's start and let one client join or leave. */
async function at(s: Session, minutes: number, clientId: string, action: "join" | "leave") {
  s.clock.set(s.at(minutes));
  const res = await s.call("POST", `/v1/sessions/${s.sessionId}/${action}`, { token: await s.clientToken(clientId) });
  expect(res.status, `${action} ${clientId} at +${minutes} min`).toBe(200);
}

/**
 * The scripted three-hour group (09:00–12:00 Los Angeles, a Monday weeks ahead of the real now):
 * A on time, B 25 minutes late, C drops for five minutes, D leaves at 11:30, E comes for an hour in
 * the middle, F never comes; the end alarm closes the room. The next morning the track's group is
 * cancelled: everyone was booked into it, nobody has a record of it.
 */
async function scripted() {
  const s = await groupSession({ clients: 6 });
  const [a, b, c, d, e, f] = s.clients as [string, string, string, string, string, string];
  const tracks = await s.call("GET", `/v1/programs/${s.programId}/tracks`, { token: s.admin });
  const trackId = tracks.body.tracks[0].id as string;
  const tomorrow = plusDays(s.day, 1);
  const cancelled = await s.call("POST", `/v1/programs/${s.programId}/sessions`, {
    token: s.admin,
    body: {
      kind: "group",
      trackId,
      startsAt: zoned(tomorrow, "09:00"),
      endsAt: zoned(tomorrow, "12:00"),
      facilitatorIds: ["fac_2"],
    },
  });
  expect(cancelled.status, cancelled.text).toBe(201);
  const cancelledId = cancelled.body.id as string;
  expect((await s.call("POST", `/v1/sessions/${cancelledId}/cancel`, { token: s.admin })).status).toBe(200);

  s.clock.set(s.at(-5));
  expect((await s.open()).status).toBe(200);
  await at(s, -2, a, "join");
  await at(s, -1, c, "join");
  await at(s, 0, d, "join");
  await at(s, 25, b, "join");
  await at(s, 40, e, "join");
  await at(s, 60, c, "leave");
  await at(s, 65, c, "join");
  await at(s, 100, e, "leave");
  await at(s, 150, d, "leave");
  s.clock.set(s.at(180));
  // The end alarm closes everyone still connected and writes the ledger (KV) from its outbox.
  expect(await runDurableObjectAlarm(env.ROOMS.getByName(s.sessionId))).toBe(true);
  return { s, a, b, c, d, e, f, cancelledId, tomorrow, week: isoWeek(s.day) };
}

type Scenario = Awaited<ReturnType<typeof scripted>>;

describe("attendance as FHIR R4 through the API", () => {
  let x: Scenario;
  let ledgerUrl: string;
  beforeAll(async () => {
    x = await scripted();
    ledgerUrl = `/v1/programs/${x.s.programId}/attendance?from=${x.s.day}&to=${x.tomorrow}`;
  });
  const ledger = (headers: Record<string, string> = FHIR, token = x.s.admin) =>
    x.s.call("GET", ledgerUrl, { token, headers });
  const week = (clientId: string, token = x.s.admin, headers: Record<string, string> = FHIR) =>
    x.s.call("GET", `/v1/programs/${x.s.programId}/clients/${clientId}/attendance?week=${x.week}`, {
      token,
      headers,
    });

  it("answers the ledger and a client's week as Bundles that validate against R4 with zero errors", async () => {
    const res = await ledger();
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/fhir+json; fhirVersion=4.0");
    expect(res.headers.get("vary")).toMatch(/accept/i);
    const bundle = res.body as FhirBundle;
    expect(bundle).toMatchObject({ resourceType: "Bundle", type: "collection", timestamp: x.s.at(180) });
    // Six clients held, six booked into the cancelled session.
    expect(bundle.entry).toHaveLength(12);
    expect(errors(bundle)).toEqual([]);

    const mine = await week(x.b);
    expect(mine.status, mine.text).toBe(200);
    expect(mine.headers.get("content-type")).toBe("application/fhir+json; fhirVersion=4.0");
    const ids = (mine.body as FhirBundle).entry.map((e) => e.resource.identifier[0]?.value);
    expect(ids).toEqual([`${x.s.sessionId}/${x.b}`, `${x.cancelledId}/${x.b}`]);
    expect(errors(mine.body)).toEqual([]);
  });

  it("a scripted three-hour group: Encounter lengths agree minute for minute with the roster and the CSV", async () => {
    const bundle = (await ledger()).body as FhirBundle;
    const roster = await x.s.call("GET", `/v1/sessions/${x.s.sessionId}/attendance`, { token: x.s.facilitator });
    expect(roster.status).toBe(200);
    expect(roster.body.final).toBe(true);
    const lines = new Map<string, RosterLine>(
      roster.body.participants.map((p: RosterLine) => [p.participantId, p] as const),
    );
    const csv = await ledger({ accept: "text/csv" });
    const rows = new Map<string, string[]>(
      csv.text
        .trim()
        .split("\r\n")
        .slice(1)
        .map((l) => l.split(","))
        .map((r) => [r[4] as string, r] as const),
    );
    const { a, b, c, d, e, f } = x;
    const want = { [a]: 180, [b]: 155, [c]: 175, [d]: 150, [e]: 60, [f]: 0 };
    for (const [clientId, minutes] of Object.entries(want)) {
      const enc = encounterOf(bundle, x.s.sessionId, clientId);
      const line = lines.get(clientId);
      expect([clientId, enc.length?.value]).toEqual([clientId, minutes]);
      expect(enc.length).toMatchObject({ unit: "min", system: "http://unitsofmeasure.org", code: "min" });
      expect(line?.attendedMinutes, clientId).toBe(minutes);
      expect(rows.get(clientId)?.[9], clientId).toBe(String(minutes));
      // Each presence interval is a participant period of the patient, as the roster has them.
      const periods = enc.participant.filter((p) => p.type[0]?.coding[0]?.code === "PART").map((p) => p.period);
      expect(periods, clientId).toEqual(line?.intervals);
      expect(sub(product(enc), "status")?.valueCode, clientId).toBe(line?.status);
      expect(enc.period).toEqual({ start: x.s.startsAt, end: x.s.endsAt });
      expect(enc.participant.filter((p) => p.type[0]?.coding[0]?.code === "PPRF").map((p) => p.individual)).toEqual([
        { type: "Practitioner", identifier: { system: FHIR_NS.subject, value: "fac_1" } },
      ]);
    }
    expect(encounterOf(bundle, x.s.sessionId, c).participant.filter((p) => p.period)).toHaveLength(2);
    expect(encounterOf(bundle, x.s.sessionId, a).status).toBe("finished");
    expect(sub(product(encounterOf(bundle, x.s.sessionId, b)), "late")?.valueBoolean).toBe(true);
    expect(sub(product(encounterOf(bundle, x.s.sessionId, d)), "leftEarly")?.valueBoolean).toBe(true);
    // The no-show: R4 has no such Encounter status, so `cancelled`, with the product's status beside it.
    const noShow = encounterOf(bundle, x.s.sessionId, f);
    expect([noShow.status, sub(product(noShow), "status")?.valueCode]).toEqual(["cancelled", "no-show"]);

    // The client's own week says the same minutes as the ledger.
    for (const [clientId, minutes] of Object.entries(want)) {
      const own = (await week(clientId, await x.s.clientToken(clientId))).body as FhirBundle;
      expect(encounterOf(own, x.s.sessionId, clientId).length?.value, clientId).toBe(minutes);
    }
  });

  it("shows the cancelled session as a cancelled Encounter for everyone booked into it", async () => {
    const bundle = (await ledger()).body as FhirBundle;
    for (const clientId of x.s.clients) {
      const enc = encounterOf(bundle, x.cancelledId, clientId);
      expect(enc.status).toBe("cancelled");
      expect(sub(product(enc), "status")?.valueCode).toBe("session-cancelled");
      expect(enc.length).toBeUndefined();
      expect(enc.period).toEqual({ start: zoned(x.tomorrow, "09:00"), end: zoned(x.tomorrow, "12:00") });
      expect(enc.subject).toEqual({ type: "Patient", identifier: { system: FHIR_NS.subject, value: clientId } });
      expect(enc.participant.map((p) => p.individual.identifier?.value)).toEqual(["fac_2"]);
    }
    // A range without the cancelled day leaves it out; the JSON ledger never had it (no records).
    const monday = await x.s.call("GET", `/v1/programs/${x.s.programId}/attendance?from=${x.s.day}&to=${x.s.day}`, {
      token: x.s.admin,
      headers: FHIR,
    });
    expect((monday.body as FhirBundle).entry.map((e) => e.resource.identifier[0]?.value.split("/")[0])).toEqual(
      Array(6).fill(x.s.sessionId),
    );
  });

  it("puts no name, e-mail or treatment-revealing program name anywhere in a Bundle", async () => {
    const [name, email, , programName] = PERSONAL;
    const named = await x.s.call("PUT", `/v1/programs/${x.s.programId}/people/${x.a}/display-name`, {
      token: x.s.facilitator,
      body: { displayName: name },
    });
    expect(named.status, named.text).toBe(200);
    const renamed = await x.s.call("PATCH", `/v1/programs/${x.s.programId}`, {
      token: x.s.admin,
      body: { name: programName },
    });
    expect(renamed.status).toBe(200);
    const enrollments = await x.s.call("GET", `/v1/programs/${x.s.programId}/enrollments`, { token: x.s.admin });
    const enrollment = enrollments.body.enrollments.find((e: { clientId: string }) => e.clientId === x.a);
    const mailed = await x.s.call("PUT", `/v1/enrollments/${enrollment.id}/email`, {
      token: x.s.admin,
      body: { email },
    });
    expect(mailed.status, mailed.text).toBe(204);
    // Staff's JSON view of the week does carry the name: it is there to leak.
    expect((await week(x.a, x.s.admin, { accept: "application/json" })).body.displayName).toBe(name);
    for (const res of [await ledger(), await week(x.a), await week(x.a, await x.s.clientToken(x.a))]) {
      expect(res.status).toBe(200);
      for (const word of PERSONAL) expect(res.text).not.toContain(word);
      expect(res.text).not.toContain("@");
      expect(res.text).not.toMatch(/displayName|"name"/);
    }
  });

  it("still answers JSON and CSV as before, and negotiates by q-value", async () => {
    const json = await ledger({ accept: "application/json" });
    expect(json.headers.get("content-type")).toMatch(/^application\/json/);
    expect(json.body).toMatchObject({ programId: x.s.programId, from: x.s.day, to: x.tomorrow });
    expect(json.body.records).toHaveLength(6);
    const csv = await ledger({ accept: "text/csv" });
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.text.trim().split("\r\n")).toHaveLength(7);
    const kind = async (accept: string | undefined) =>
      (await ledger(accept === undefined ? {} : { accept })).headers.get("content-type")?.split(";")[0];
    expect(await kind(undefined)).toBe("application/json");
    expect(await kind("*/*")).toBe("application/json");
    expect(await kind("text/html")).toBe("application/json");
    expect(await kind("application/fhir+json;q=0.5, text/csv")).toBe("text/csv");
    expect(await kind("text/csv;q=0.2, application/fhir+json")).toBe("application/fhir+json");
    expect(await kind("application/fhir+json; fhirVersion=4.0")).toBe("application/fhir+json");
    // Not R4: the answer falls back to the default rather than mislabel a version.
    expect(await kind("application/fhir+json; fhirVersion=3.0")).toBe("application/json");
    expect(await kind("application/json+fhir")).toBe("application/fhir+json");
    expect(await kind("application/fhir+json;q=0")).toBe("application/json");
    // The week has no CSV: it answers JSON, as it always did.
    const weekCsv = await week(x.b, x.s.admin, { accept: "text/csv" });
    expect(weekCsv.headers.get("content-type")).toMatch(/^application\/json/);
    expect(weekCsv.body).toMatchObject({ week: x.week, minutesAttended: 155 });
  });

  it("audits the FHIR reads as the JSON and CSV reads are audited, saying fhir", async () => {
    await ledger();
    await ledger({ accept: "application/json" });
    await week(x.b, x.s.facilitator);
    await week(x.b, x.s.facilitator, { accept: "application/json" });
    const trail = await x.s.call("GET", `/v1/programs/${x.s.programId}/audit?limit=500`, { token: x.s.admin });
    expect(trail.status, trail.text).toBe(200);
    const said = trail.body.entries.map((e: { actor: string; action: string; object: string; outcome: string }) =>
      [e.actor, e.action, e.object, e.outcome].join(" "),
    );
    expect(said).toEqual(
      expect.arrayContaining([
        `adm_1 attendance.export ${x.s.programId} fhir:12`,
        `adm_1 attendance.export ${x.s.programId} json:6`,
        `fac_1 attendance.read ${x.b} fhir:week:${x.week}`,
        `fac_1 attendance.read ${x.b} week:${x.week}`,
      ]),
    );
  });

  it("lets the same roles read as the JSON routes, refusing others with problem+json", async () => {
    const s = x.s;
    const other = await s.token("facilitator", "fac_9", "prg_00000000000000000000");
    const expectProblem = (res: { status: number; headers: Headers }, status: number) => {
      expect(res.status).toBe(status);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
    };
    expect((await ledger(FHIR, s.admin)).status).toBe(200);
    expect((await ledger(FHIR, s.facilitator)).status).toBe(200);
    expectProblem(await ledger(FHIR, await s.clientToken(x.a)), 403);
    expectProblem(await s.call("GET", ledgerUrl, { headers: FHIR }), 401);
    expect([403, 404]).toContain((await ledger(FHIR, other)).status);
    const own = await week(x.a, await s.clientToken(x.a));
    expect(own.status).toBe(200);
    // A client's own week holds their booking of the cancelled session too, and nobody else's.
    expect((own.body as FhirBundle).entry.map((e) => e.resource.identifier[0]?.value)).toEqual([
      `${s.sessionId}/${x.a}`,
      `${x.cancelledId}/${x.a}`,
    ]);
    expect((await week(x.a, s.facilitator)).status).toBe(200);
    expectProblem(await week(x.b, await s.clientToken(x.a)), 403);
    expectProblem(
      await s.call("GET", `/v1/programs/${s.programId}/clients/${x.a}/attendance?week=${x.week}`, { headers: FHIR }),
      401,
    );
  });

  it("refuses a bad range or week with 400 problem+json", async () => {
    const s = x.s;
    const bad = [
      `from=soon&to=${s.day}`,
      `from=${s.day}&to=${plusDays(s.day, -1)}`,
      `from=${s.day}&to=${plusDays(s.day, 62)}`,
      `from=${s.day}`,
    ];
    for (const query of bad) {
      const res = await s.call("GET", `/v1/programs/${s.programId}/attendance?${query}`, {
        token: s.admin,
        headers: FHIR,
      });
      expect(res.status, query).toBe(400);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(res.body.type).toBe("/problems/invalid-request");
    }
    const week = await s.call("GET", `/v1/programs/${s.programId}/clients/${x.a}/attendance?week=W48`, {
      token: s.admin,
      headers: FHIR,
    });
    expect(week.status).toBe(400);
    expect(week.headers.get("content-type")).toBe("application/problem+json");
  });

  it("labels every resource for 42 CFR Part 2 by default, and none once the program turns it off", async () => {
    const s = x.s;
    const read = await s.call("GET", `/v1/programs/${s.programId}`, { token: s.admin });
    expect(read.body.settings.part2).toBe(true);
    const on = (await ledger()).body as FhirBundle;
    expect(on.meta?.security).toEqual(PART2_SECURITY);
    for (const { resource } of on.entry) expect(resource.meta?.security).toEqual(PART2_SECURITY);
    expect(PART2_SECURITY.map((c) => c.code)).toEqual(["R", "42CFRPart2", "NORDSCLCD"]);

    const off = await s.call("PATCH", `/v1/programs/${s.programId}`, {
      token: s.admin,
      body: { settings: { part2: false } },
    });
    expect(off.status, off.text).toBe(200);
    expect(off.body.settings.part2).toBe(false);
    expect((await s.call("GET", `/v1/programs/${s.programId}`, { token: s.admin })).body.settings.part2).toBe(false);
    for (const res of [await ledger(), await week(x.a)]) {
      expect(res.status).toBe(200);
      expect(res.text).not.toContain('"security"');
      expect(res.text).not.toContain("42CFRPart2");
      expect(errors(res.body)).toEqual([]);
    }
    // Another setting changed later keeps it off; turning it on again brings the labels back.
    await s.call("PATCH", `/v1/programs/${s.programId}`, { token: s.admin, body: { settings: { graceMinutes: 5 } } });
    expect((await ledger()).text).not.toContain('"security"');
    await s.call("PATCH", `/v1/programs/${s.programId}`, { token: s.admin, body: { settings: { part2: true } } });
    expect(((await week(x.a)).body as FhirBundle).entry[0]?.resource.meta?.security).toEqual(PART2_SECURITY);
  });
});

describe("Accept negotiation (RFC 9110)", () => {
  const offers = [
    { type: "application/json" },
    { type: "text/csv" },
    { type: "application/fhir+json", params: { fhirVersion: "4.0" } },
  ];
  it.each([
    [undefined, 0],
    ["", 0],
    ["*/*", 0],
    ["text/*", 1],
    ["application/*", 0],
    ["text/csv", 1],
    ["Application/FHIR+JSON", 2],
    ["application/json;q=0.9, application/fhir+json", 2],
    ["application/fhir+json;q=0.3, application/json;q=0.3", 2],
    ["application/fhir+json, application/json", 2],
    ["*/*;q=0.1, text/csv;q=0", 0],
    ["text/*;q=0.5, text/csv;q=0", null],
    ["application/fhir+json;fhirVersion=5.0", null],
    ['application/fhir+json; fhirVersion="4.0"; charset=utf-8', 2],
    ["image/png", null],
    ["not a media type", null],
    ["application/fhir+json;q=2", null],
  ])("%j → offer %j", (accept, want) => {
    expect(negotiate(accept, offers)).toBe(want);
  });
});
