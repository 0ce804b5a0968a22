import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { groupSession } from "../rooms/fixtures.ts";

type Doc = { paths: Record<string, Record<string, unknown>> };

/** Everything a 4xx must leave untouched: the directory's and the room's tables, minus the audit trail. */
async function snapshot(programId: string, sessionId: string): Promise<string> {
  const dir = await runInDurableObject(env.PROGRAMS.getByName(programId), (_i, state) =>
    ["program", "tracks", "sessions", "enrollments", "invites"].map((t) =>
      state.storage.sql.exec(`SELECT * FROM ${t}`).toArray(),
    ),
  );
  const room = await runInDurableObject(env.ROOMS.getByName(sessionId), (_i, state) =>
    ["meta", "participants", "tokens", "records"].map((t) => state.storage.sql.exec(`SELECT * FROM ${t}`).toArray()),
  );
  return JSON.stringify([dir, room]);
}

describe("fuzzing every route", () => {
  it("random and near-valid requests get only 2xx/4xx, never a 5xx, and a 4xx changes nothing", async () => {
    const s = await groupSession({ clients: 2 });
    await s.open();
    await s.join(s.clients[0] as string);
    const doc = (await s.call("GET", "/openapi.json")).body as Doc;
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => ({ method: m.toUpperCase(), path })),
    );
    const tokens = {
      none: undefined,
      admin: s.admin,
      facilitator: s.facilitator,
      client: await s.clientToken(s.clients[0] as string),
      tampered: `${s.admin.slice(0, -4)}AAAA`,
      junk: "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
    };
    const ids = [
      s.programId,
      s.sessionId,
      s.clients[0] as string,
      "prg_00000000000000000000",
      "../../etc",
      "ses_%00",
      "x".repeat(300),
      "ñ😀",
    ];
    const validish = [
      { name: "P", timezone: "America/Los_Angeles" },
      {
        kind: "group",
        startsAt: s.at(24 * 60),
        endsAt: s.at(25 * 60),
        facilitatorIds: ["fac_9"],
        clientIds: ["clt_9"],
      },
      { startsAt: s.at(24 * 60), endsAt: s.at(23 * 60) },
      { clientId: "clt_new", trackId: "trk_x", startsOn: s.day },
      { status: "discharged" },
      { token: "abc" },
      { code: "enr_x.y" },
      { settings: { groupCapMax: 99 } },
    ];
    const body = fc.oneof(
      fc
        .constantFrom(...validish)
        .chain((v) =>
          fc
            .record({ key: fc.constantFrom(...Object.keys(v), "extra"), value: fc.jsonValue() })
            .map(({ key, value }) => ({ ...v, [key]: value })),
        ),
      fc.jsonValue(),
      fc.string({ maxLength: 200 }),
    );
    const request = fc.record({
      op: fc.constantFrom(...operations),
      token: fc.constantFrom(...(Object.keys(tokens) as (keyof typeof tokens)[])),
      id: fc.constantFrom(...ids),
      body,
      contentType: fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded", undefined),
      query: fc.constantFrom(
        "",
        `?from=${s.at(-7 * 24 * 60)}&to=${s.at(7 * 24 * 60)}`,
        "?week=2026-W99",
        "?limit=-1",
        "?from=x&to=y",
      ),
    });

    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const path = r.op.path.replace(/\{programId\}/g, s.programId).replace(/\{[^}]+\}/g, encodeURIComponent(r.id));
        const before = await snapshot(s.programId, s.sessionId);
        const withBody = r.op.method !== "GET" && r.op.method !== "DELETE";
        const res = await s.call(r.op.method, `${path}${r.query}`, {
          token: tokens[r.token],
          raw: withBody ? (typeof r.body === "string" ? r.body : JSON.stringify(r.body)) : undefined,
          headers: withBody && r.contentType ? { "content-type": r.contentType } : {},
        });
        expect(res.status, `${r.op.method} ${path} → ${res.text.slice(0, 200)}`).toBeLessThan(500);
        if (res.status >= 400) {
          expect(res.headers.get("content-type")).toBe("application/problem+json");
        }
        if (res.status >= 400) expect(await snapshot(s.programId, s.sessionId)).toBe(before);
      }),
      { numRuns: 250, seed: 20261122 },
    );
  }, 120_000);
});
