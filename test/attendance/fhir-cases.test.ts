import { env, runDurableObjectAlarm } from "cloudflare:test";
import { Fhir } from "fhir";
import { describe, expect, it } from "vitest";
import type { FhirBundle, FhirEncounter, FhirExtension } from "../../schemas/fhir.ts";
import { FHIR_NS } from "../../src/attendance/fhir-encounter.ts";
import { isoWeek, plusDays, zoned } from "../dates.ts";
import { groupSession } from "../rooms/fixtures.ts";

const fhir = new Fhir();
const errors = (r: unknown) =>
  (fhir.validate(r as object, { errorOnUnexpected: true }).messages ?? []).filter((m) => m.severity === "error");
const FHIR = { accept: "application/fhir+json" };
const find = (b: FhirBundle, sid: string, cid: string) =>
  b.entry.find((e) => e.resource.identifier[0]?.value === `${sid}/${cid}`)?.resource as FhirEncounter;
const ext = (e: FhirEncounter, url: string) => e.extension?.find((x) => x.url === url);
const sub = (x: FhirExtension | undefined, url: string) => x?.extension?.find((e) => e.url === url);

describe("FHIR Encounters for corrected, excused and individual records", () => {
  it("validates and says what happened", async () => {
    const s = await groupSession({ clients: 3 });
    const [a, b, c] = s.clients as [string, string, string];
    // An individual session the next day, 50 minutes attended of 60.
    const tomorrow = plusDays(s.day, 1);
    const ind = await s.call("POST", `/v1/programs/${s.programId}/sessions`, {
      token: s.admin,
      body: {
        kind: "individual",
        startsAt: zoned(tomorrow, "09:00"),
        endsAt: zoned(tomorrow, "10:00"),
        facilitatorIds: ["fac_1"],
        clientIds: [a],
      },
    });
    expect(ind.status, ind.text).toBe(201);
    s.clock.set(s.at(-5));
    expect((await s.open()).status).toBe(200);
    // c is excused before the end.
    const exc = await s.call("PATCH", `/v1/sessions/${s.sessionId}/attendance/${c}`, {
      token: s.facilitator,
      body: { status: "excused", reasonCode: "illness" },
    });
    expect(exc.status, exc.text).toBe(200);
    s.clock.set(s.at(0));
    expect((await s.join(a)).status).toBe(200);
    s.clock.set(s.at(180));
    expect(await runDurableObjectAlarm(env.ROOMS.getByName(s.sessionId))).toBe(true);
    // b was a no-show; staff correct it to present (technical trouble).
    s.clock.set(s.at(200));
    const fix = await s.call("PATCH", `/v1/sessions/${s.sessionId}/attendance/${b}`, {
      token: s.facilitator,
      body: { status: "present", attendedMinutes: 180, reasonCode: "technical" },
    });
    expect(fix.status, fix.text).toBe(200);
    // The individual session: a joins at 09:05, leaves at 09:55.
    const indStart = Date.parse(zoned(tomorrow, "09:00"));
    s.clock.set(indStart - 5 * 60_000);
    const fac = await s.token("facilitator", "fac_1", s.programId);
    expect((await s.call("POST", `/v1/sessions/${ind.body.id}/open`, { token: fac })).status).toBe(200);
    s.clock.set(indStart + 5 * 60_000);
    expect((await s.call("POST", `/v1/sessions/${ind.body.id}/join`, { token: await s.clientToken(a) })).status).toBe(
      200,
    );
    s.clock.set(indStart + 55 * 60_000);
    expect((await s.call("POST", `/v1/sessions/${ind.body.id}/leave`, { token: await s.clientToken(a) })).status).toBe(
      200,
    );
    s.clock.set(indStart + 60 * 60_000);
    await runDurableObjectAlarm(env.ROOMS.getByName(ind.body.id));
    s.clock.set(indStart + 90 * 60_000);
    const admin = await s.token("admin", "adm_1");

    const res = await s.call("GET", `/v1/programs/${s.programId}/attendance?from=${s.day}&to=${tomorrow}`, {
      token: admin,
      headers: FHIR,
    });
    expect(res.status, res.text).toBe(200);
    const bundle = res.body as FhirBundle;
    expect(errors(bundle)).toEqual([]);
    const eb = find(bundle, s.sessionId, b);
    expect(eb.status).toBe("finished");
    expect(eb.meta?.versionId).toBe("2");
    expect(eb.length?.value).toBe(180);
    const corr = ext(eb, FHIR_NS.correction);
    expect(sub(corr, "originalStatus")?.valueCode).toBe("no-show");
    expect(sub(corr, "reason")?.valueCode).toBe("technical");
    const ec = find(bundle, s.sessionId, c);
    expect([ec.status, sub(ext(ec, FHIR_NS.attendance), "status")?.valueCode]).toEqual(["cancelled", "excused"]);
    expect(sub(ext(ec, FHIR_NS.attendance), "excuseReason")?.valueCode).toBe("illness");
    const ei = find(bundle, ind.body.id, a);
    expect(ei.length?.value).toBe(50);
    expect(ei.type[0]?.coding.map((x) => x.code)).toEqual(["90834", "individual"]);
    // The client's own week, as the client.
    const own = await s.call("GET", `/v1/programs/${s.programId}/clients/${a}/attendance?week=${isoWeek(s.day)}`, {
      token: await s.clientToken(a),
      headers: { accept: "application/fhir+json; fhirVersion=4.0" },
    });
    expect(own.status, own.text).toBe(200);
    expect(errors(own.body)).toEqual([]);
    expect((own.body as FhirBundle).entry.map((e) => e.resource.identifier[0]?.value)).toEqual([
      `${s.sessionId}/${a}`,
      `${ind.body.id}/${a}`,
    ]);
    // Another client may not read a's week, in FHIR either.
    const other = await s.call("GET", `/v1/programs/${s.programId}/clients/${a}/attendance?week=${isoWeek(s.day)}`, {
      token: await s.clientToken(b),
      headers: FHIR,
    });
    expect(other.status).toBe(403);
    // Accept variants.
    const kind = async (accept: string) =>
      (
        await s.call("GET", `/v1/programs/${s.programId}/attendance?from=${s.day}&to=${s.day}`, {
          token: admin,
          headers: { accept },
        })
      ).headers.get("content-type");
    expect(await kind("application/json+fhir")).toMatch(/^application\/fhir\+json/);
    expect(await kind("application/fhir+json; fhirVersion=3.0")).toMatch(/^application\/json/);
    expect(await kind("application/fhir+json;q=0.5, text/csv;q=0.9")).toMatch(/^text\/csv/);
  });
});
