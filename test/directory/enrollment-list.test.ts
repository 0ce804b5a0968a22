import { describe, expect, it } from "vitest";
import { createProgram, harness } from "../helpers.ts";

/** Today's date in UTC: the tracks and enrollments start on it (nothing here runs a room). */
const today = () => new Date().toISOString().slice(0, 10);

/** A program with two tracks: three clients in the first (one of them discharged), one in the second. */
async function program() {
  const h = harness();
  const admin = await h.token("admin", "adm_1");
  const programId = await createProgram(h.call, admin);
  const track = async (name: string) =>
    (
      await h.call("POST", `/v1/programs/${programId}/tracks`, {
        token: admin,
        body: { name, days: ["MO"], startTime: "09:00", endTime: "12:00", startsOn: today(), groupCap: 12 },
      })
    ).body.id as string;
  const morning = await track("Morning");
  const evening = await track("Evening");
  const enroll = async (clientId: string, trackId: string) => {
    const res = await h.call("POST", `/v1/programs/${programId}/enrollments`, {
      token: admin,
      body: { clientId, trackId, startsOn: today() },
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const ids = [
    await enroll("clt_a", morning),
    await enroll("clt_b", morning),
    await enroll("clt_c", morning),
    await enroll("clt_d", evening),
  ];
  await h.call("PATCH", `/v1/enrollments/${ids[1]}`, { token: admin, body: { status: "discharged" } });
  const list = async (query: string, token = admin) =>
    h.call("GET", `/v1/programs/${programId}/enrollments${query}`, { token });
  return { ...h, admin, programId, morning, evening, ids, list };
}

describe("GET /v1/programs/{programId}/enrollments", () => {
  it("lists every enrollment oldest first, and filters by track, status and both", async () => {
    const p = await program();
    const all = await p.list("");
    expect(all.status).toBe(200);
    expect(all.body.enrollments.map((e: { id: string }) => e.id)).toEqual(p.ids);
    const clients = async (query: string) =>
      (await p.list(query)).body.enrollments.map((e: { clientId: string }) => e.clientId);
    expect(await clients(`?trackId=${p.morning}`)).toEqual(["clt_a", "clt_b", "clt_c"]);
    expect(await clients("?status=active")).toEqual(["clt_a", "clt_c", "clt_d"]);
    expect(await clients(`?trackId=${p.morning}&status=discharged`)).toEqual(["clt_b"]);
    expect(await clients(`?trackId=${p.evening}&status=stepped-down`)).toEqual([]);
    expect(await clients("?limit=2")).toEqual(["clt_a", "clt_b"]);
  });

  it("is for the program's staff: facilitators may read, clients and other programs may not", async () => {
    const p = await program();
    const facilitator = await p.token("facilitator", "fac_1", p.programId);
    expect((await p.list("", facilitator)).body.enrollments).toHaveLength(4);
    const client = await p.token("client", "clt_a", p.programId);
    const refused = await p.list("", client);
    expect(refused.status).toBe(403);
    expect(refused.headers.get("content-type")).toContain("application/problem+json");
    const elsewhere = await p.token("facilitator", "fac_1", "prg_00000000000000000000");
    expect((await p.list("", elsewhere)).status).toBe(403);
    expect((await p.call("GET", `/v1/programs/${p.programId}/enrollments`)).status).toBe(401);
  });

  it("answers 400 for an unknown status or a malformed track id, and 404 for an unknown program", async () => {
    const p = await program();
    const bad = await p.list("?status=paused");
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe("status");
    expect((await p.list("?trackId=Morning")).status).toBe(400);
    const unknown = await p.call("GET", "/v1/programs/prg_zzzzzzzzzzzzzzzzzzzz/enrollments", { token: p.admin });
    expect(unknown.status).toBe(404);
    expect(unknown.body.type).toBe("/problems/not-found");
  });
});
