import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { connect, enrollmentOf, groupSession } from "./fixtures.ts";

type Session = Awaited<ReturnType<typeof groupSession>>;

const introspect = (s: Session, token: string) =>
  s.call("POST", "/v1/tokens/introspect", { token: s.admin, body: { token } });

/** The enrollment id of a client, through the API. */
/** The audit trail's actions, oldest first. */
async function auditActions(s: Session): Promise<{ action: string; object: string; actor: string }[]> {
  const page = await s.call("GET", `/v1/programs/${s.programId}/audit`, { token: s.admin });
  return page.body.entries;
}

describe("manual admission cannot be skipped", () => {
  it("a waiting client who leaves and comes back waits again; only the facilitator's admit seats them", async () => {
    const s = await groupSession({ clients: 1, settings: { admissionPolicy: "manual" } });
    await s.open();
    const client = s.clients[0] as string;
    expect((await s.join(client)).status).toBe(202);
    const leave = await s.call("POST", `/v1/sessions/${s.sessionId}/leave`, { token: await s.clientToken(client) });
    expect(leave.status).toBe(200);
    expect((await s.join(client)).status).toBe(202);
    const admit = `/v1/sessions/${s.sessionId}/participants/${client}/admit`;
    expect((await s.call("POST", admit, { token: s.facilitator })).status).toBe(200);
    expect((await s.join(client)).status).toBe(200);
    // Admitted and still present: a reconnect keeps the seat.
    expect((await s.join(client)).status).toBe(200);
    // Left after being admitted: waits again.
    await s.call("POST", `/v1/sessions/${s.sessionId}/leave`, { token: await s.clientToken(client) });
    expect((await s.join(client)).status).toBe(202);
    expect((await auditActions(s)).some((e) => e.action === "room.admit" && e.object === client)).toBe(true);
  });
});

describe("staff of record keep their place", () => {
  it("a co-facilitator cannot remove the lead, nor a facilitator themselves: 409, and the lead still joins", async () => {
    const s = await groupSession({ clients: 1 });
    const created = await s.call("POST", `/v1/programs/${s.programId}/sessions`, {
      token: s.admin,
      body: {
        kind: "group",
        startsAt: s.at(24 * 60),
        endsAt: s.at(27 * 60),
        facilitatorIds: ["fac_lead", "fac_co"],
        observerIds: ["adm_sup"],
        clientIds: s.clients,
        cap: 12,
      },
    });
    expect(created.status, created.text).toBe(201);
    const sessionId = created.body.id as string;
    const lead = await s.token("facilitator", "fac_lead", s.programId);
    const co = await s.token("facilitator", "fac_co", s.programId);
    for (const [by, target] of [
      [co, "fac_lead"],
      [lead, "fac_lead"],
      [lead, "adm_sup"],
    ] as const) {
      const res = await s.call("DELETE", `/v1/sessions/${sessionId}/participants/${target}`, { token: by });
      expect(res.status, res.text).toBe(409);
      expect(res.body).toMatchObject({ type: "/problems/conflict", reason: "staff-of-record" });
    }
    s.clock.set(s.at(24 * 60 - 5));
    const later = await s.token("facilitator", "fac_lead", s.programId);
    expect((await s.call("POST", `/v1/sessions/${sessionId}/open`, { token: later })).status).toBe(200);
    expect((await s.call("POST", `/v1/sessions/${sessionId}/join`, { token: later })).status).toBe(200);
  });

  it("a removed client comes back only through an audited readmit", async () => {
    const s = await groupSession({ clients: 1 });
    await s.open();
    const client = s.clients[0] as string;
    expect((await s.join(client)).status).toBe(200);
    const path = `/v1/sessions/${s.sessionId}/participants/${client}`;
    expect((await s.call("DELETE", path, { token: s.facilitator })).status).toBe(200);
    expect((await s.join(client)).body.type).toBe("/problems/removed");
    const clientTry = await s.call("POST", `${path}/readmit`, { token: await s.clientToken(client) });
    expect(clientTry.status).toBe(403);
    expect((await s.call("POST", `${path}/readmit`, { token: s.facilitator })).status).toBe(200);
    expect((await s.call("POST", `${path}/readmit`, { token: s.facilitator })).status).toBe(409);
    expect((await s.join(client)).status).toBe(200);
    const actions = await auditActions(s);
    expect(actions.some((e) => e.action === "room.readmit" && e.object === client && e.actor === "fac_1")).toBe(true);
  });
});

describe("seats held for the group's own clients", () => {
  /** A group of `cap` seats with its two enrolled clients, and visitors enrolled in another track. */
  async function heldGroup(cap = 2) {
    const s = await groupSession({ clients: 2, cap });
    const other = await s.call("POST", `/v1/programs/${s.programId}/tracks`, {
      token: s.admin,
      body: { name: "Other", days: ["SU"], startTime: "06:00", endTime: "07:00", startsOn: s.day, groupCap: 12 },
    });
    for (const clientId of ["clt_visitor", "clt_visitor2"]) {
      const enrolled = await s.call("POST", `/v1/programs/${s.programId}/enrollments`, {
        token: s.admin,
        body: { clientId, trackId: other.body.id, startsOn: s.day },
      });
      expect(enrolled.status, enrolled.text).toBe(201);
    }
    await s.open();
    return { s, visitor: "clt_visitor", second: "clt_visitor2" };
  }

  it("a make-up visitor who comes first finds the seats held: group-full with the reason", async () => {
    const { s, visitor } = await heldGroup();
    const first = await s.join(visitor);
    expect(first.status).toBe(409);
    expect(first.body).toMatchObject({ type: "/problems/group-full", reason: "held-for-enrolled", cap: 2 });
    expect((await s.join(s.clients[0] as string)).status).toBe(200);
    expect((await s.join(s.clients[1] as string)).status).toBe(200);
  });

  it("a seat beyond those owed goes to the first visitor; the next one finds the rest held", async () => {
    const { s, visitor, second } = await heldGroup(3);
    expect((await s.join(visitor)).status).toBe(200);
    const next = await s.join(second);
    expect(next.status).toBe(409);
    expect(next.body.reason).toBe("held-for-enrolled");
    expect((await s.join(s.clients[0] as string)).status).toBe(200);
    expect((await s.join(s.clients[1] as string)).status).toBe(200);
  });
});

describe("a discharge mid-session counts in the room at once", () => {
  it("the token stops, the seat is freed, the page is told, and the client cannot come back", async () => {
    const s = await groupSession({ clients: 2, cap: 1 });
    await s.open();
    const [a, b] = s.clients as [string, string];
    const joined = await s.join(a);
    expect(joined.status).toBe(200);
    expect((await s.join(b)).status).toBe(409);
    const page = await connect(s, await s.clientToken(a));
    await page.next("hello");
    const discharge = await s.call("PATCH", `/v1/enrollments/${await enrollmentOf(s, a)}`, {
      token: s.admin,
      body: { status: "discharged" },
    });
    expect(discharge.status).toBe(200);
    expect((await introspect(s, joined.body.token)).body).toEqual({ active: false });
    expect(await page.next("removed")).toMatchObject({ participantId: a, reason: "enrollment-changed" });
    expect((await s.join(b)).status).toBe(200);
    expect((await s.join(a)).status).toBe(403);
    page.ws.close();
  });

  it("a step-down does the same; a change that keeps the client in the track changes nothing", async () => {
    const s = await groupSession({ clients: 1 });
    await s.open();
    const a = s.clients[0] as string;
    const joined = await s.join(a);
    const id = await enrollmentOf(s, a);
    const same = await s.call("PATCH", `/v1/enrollments/${id}`, { token: s.admin, body: { status: "active" } });
    expect(same.status).toBe(200);
    expect((await introspect(s, joined.body.token)).body.active).toBe(true);
    const down = await s.call("PATCH", `/v1/enrollments/${id}`, { token: s.admin, body: { status: "stepped-down" } });
    expect(down.status).toBe(200);
    expect((await introspect(s, joined.body.token)).body).toEqual({ active: false });
  });
});

describe("no seat for a token that cannot be minted", () => {
  it("a LiveKit program without keys answers 503 and the room seats, records and announces nobody", async () => {
    const s = await groupSession({ clients: 1, settings: { videoProvider: "livekit" } });
    await s.open();
    const client = s.clients[0] as string;
    const res = await s.call("POST", `/v1/sessions/${s.sessionId}/join`, {
      token: await s.clientToken(client),
      env: { LIVEKIT_API_KEY: "", LIVEKIT_API_SECRET: "" },
    });
    expect(res.status).toBe(503);
    expect(res.body.type).toBe("/problems/unavailable");
    const room = await env.ROOMS.getByName(s.sessionId).snapshot();
    expect(room.participants.map((p: { id: string }) => p.id)).not.toContain(client);
    expect(room.presence).toHaveLength(0);
    expect((await s.join(client)).status).toBe(200);
  });
});
