import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { hashEmail } from "../../src/calendar/email-hash.ts";
import { CAL, CLIENTS, calendarProgram } from "./fixtures.ts";

/** Every value in every table of the program's Durable Object, as one string. */
async function dumpStorage(p: Awaited<ReturnType<typeof calendarProgram>>) {
  return runInDurableObject(p.stub, (_o: unknown, state) => {
    const tables = state.storage.sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '_cf%'")
      .toArray();
    return JSON.stringify(tables.map((t) => state.storage.sql.exec(`SELECT * FROM "${t.name}"`).toArray()));
  });
}

const emailKey = (p: Awaited<ReturnType<typeof calendarProgram>>) =>
  runInDurableObject(
    p.stub,
    (_o: unknown, state) => state.storage.sql.exec<{ k: string }>("SELECT email_key AS k FROM calendar_config").one().k,
  );

describe("calendar configuration", () => {
  it("stores mappings, channels and subscriptions; staff read them; the hash key shows only as a fingerprint", async () => {
    const p = await calendarProgram();
    const facilitator = await p.token("facilitator", "fac_1", p.programId);
    const res = await p.call("GET", `/v1/programs/${p.programId}/integrations/calendar`, { token: facilitator });
    expect(res.status).toBe(200);
    expect(res.body.mappings).toHaveLength(5);
    expect(res.body.mappings).toContainEqual({
      source: "calcom",
      trackRef: "4242",
      kind: "individual",
      facilitatorIds: ["fac_1"],
    });
    expect(res.body.google.channels).toEqual([{ id: "chan-1", calendarId: CAL, resourceId: "res-1" }]);
    expect(res.body.emailHashKey).toEqual({ fingerprint: expect.stringMatching(/^[0-9a-f]{8}$/) });
    const key = await emailKey(p);
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(res.text).not.toContain(key);
    const client = await p.token("client", CLIENTS.jane, p.programId);
    expect((await p.call("GET", `/v1/programs/${p.programId}/integrations/calendar`, { token: client })).status).toBe(
      403,
    );
  });

  it("refuses mappings to unknown tracks, duplicate mappings and malformed channels, changing nothing", async () => {
    const p = await calendarProgram();
    const put = (body: unknown) =>
      p.call("PUT", `/v1/programs/${p.programId}/integrations/calendar`, { token: p.admin, body });
    const unknownTrack = await put({
      mappings: [{ source: "google", trackRef: CAL, kind: "group", trackId: "trk_00000000000000000000" }],
    });
    expect(unknownTrack.status).toBe(400);
    expect(unknownTrack.body.errors).toEqual([{ path: "mappings.0.trackId", message: "unknown track" }]);
    const twice = await put({
      mappings: [
        { source: "calcom", trackRef: "1", kind: "individual" },
        { source: "calcom", trackRef: "1", kind: "family" },
      ],
    });
    expect(twice.status).toBe(400);
    expect((await put({ google: { channels: [{ id: "bad id!", calendarId: CAL }] } })).status).toBe(400);
    expect((await put({ mappings: [], extra: true })).status).toBe(400);
    const after = await p.call("GET", `/v1/programs/${p.programId}/integrations/calendar`, { token: p.admin });
    expect(after.body.mappings).toHaveLength(5);
    const facilitator = await p.token("facilitator", "fac_1", p.programId);
    const other = await p.token("admin", "adm_2", "prg_00000000000000000000");
    for (const token of [facilitator, other]) {
      expect(
        (await p.call("PUT", `/v1/programs/${p.programId}/integrations/calendar`, { token, body: {} })).status,
      ).toBe(403);
    }
  });

  it("keeps only a keyed hash of an enrollment's e-mail, the same for any spelling of the address", async () => {
    const p = await calendarProgram();
    const enrollmentId = p.enrollments[CLIENTS.calcom] as string;
    const res = await p.call("PUT", `/v1/enrollments/${enrollmentId}/email`, {
      token: p.admin,
      body: { email: "Casey.Client@Example.org" },
    });
    expect(res.status).toBe(204);
    const rows = await p.rows(`SELECT client_id, hash FROM calendar_emails WHERE enrollment_id = '${enrollmentId}'`);
    expect(rows).toEqual([
      { client_id: CLIENTS.calcom, hash: await hashEmail(" casey.client@example.ORG ", await emailKey(p)) },
    ]);
    const storage = (await dumpStorage(p)).toLowerCase();
    for (const email of ["casey.client@example.org", "jane.doe@example.com", "robert.roe@example.org"]) {
      expect(storage).not.toContain(email);
    }
  });

  it("answers 404 for an unknown enrollment, 409 once discharged, 400 for a non-address", async () => {
    const p = await calendarProgram();
    const put = (id: string, email: unknown) =>
      p.call("PUT", `/v1/enrollments/${id}/email`, { token: p.admin, body: { email } });
    const unknown = p.enrollments[CLIENTS.calcom]?.replace(/.{4}$/, "zzzz") as string;
    expect((await put(unknown, "a@example.org")).status).toBe(404);
    expect((await put(p.enrollments[CLIENTS.calcom] as string, "not an address")).status).toBe(400);
    const id = p.enrollments[CLIENTS.second] as string;
    await p.call("PATCH", `/v1/enrollments/${id}`, { token: p.admin, body: { status: "discharged" } });
    expect((await put(id, "b@example.org")).status).toBe(409);
    const facilitator = await p.token("facilitator", "fac_1", p.programId);
    expect(
      (await p.call("PUT", `/v1/enrollments/${id}/email`, { token: facilitator, body: { email: "c@example.org" } }))
        .status,
    ).toBe(403);
  });

  it("documents the webhook without a bearer scheme and the settings with their roles", async () => {
    const p = await calendarProgram();
    const doc = (await p.call("GET", "/openapi.json")).body;
    const webhook = doc.paths["/v1/webhooks/calendar/{programId}/{source}"].post;
    expect(webhook.security).toEqual([]);
    expect(webhook["x-roles"]).toBeUndefined();
    expect(doc.paths["/v1/programs/{programId}/integrations/calendar"].put["x-roles"]).toEqual(["admin"]);
    expect(doc.paths["/v1/programs/{programId}/integrations/calendar"].get["x-roles"]).toEqual([
      "admin",
      "facilitator",
    ]);
    expect(doc.paths["/v1/enrollments/{enrollmentId}/email"].put["x-roles"]).toEqual(["admin"]);
  });
});
