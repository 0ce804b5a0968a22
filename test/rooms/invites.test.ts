import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { groupSession } from "./fixtures.ts";

async function enrollmentOf(programId: string, clientId: string) {
  const { runInDurableObject } = await import("cloudflare:test");
  return runInDurableObject(
    env.PROGRAMS.getByName(programId),
    (_i: unknown, state) =>
      state.storage.sql.exec<{ id: string }>("SELECT id FROM enrollments WHERE client_id = ?", clientId).one().id,
  );
}

describe("invite links", () => {
  it("trade for a client token that joins; stored only as a hash; a new link revokes the old; discharge revokes", async () => {
    const s = await groupSession({ clients: 1 });
    await s.open();
    const clientId = s.clients[0] as string;
    const enrollmentId = await enrollmentOf(s.programId, clientId);
    const invite = await s.call("POST", `/v1/enrollments/${enrollmentId}/invite`, { token: s.facilitator });
    expect(invite.status).toBe(201);
    expect(invite.body.inviteUrl).toMatch(/\/join#invite=enr_[0-9a-z]{40}\.[A-Za-z0-9_-]{43}$/);
    const secret = invite.body.code.split(".")[1];
    const { runInDurableObject } = await import("cloudflare:test");
    const stored = await runInDurableObject(env.PROGRAMS.getByName(s.programId), (_i: unknown, state) =>
      state.storage.sql.exec("SELECT * FROM invites").toArray(),
    );
    expect(JSON.stringify(stored)).not.toContain(secret);

    const exchange = await s.call("POST", "/v1/invites/exchange", { body: { code: invite.body.code } });
    expect(exchange.status).toBe(200);
    expect(exchange.body).toMatchObject({ clientId, programId: s.programId });
    const joined = await s.call("POST", `/v1/sessions/${s.sessionId}/join`, { token: exchange.body.token });
    expect(joined.status).toBe(200);

    const second = await s.call("POST", `/v1/enrollments/${enrollmentId}/invite`, { token: s.admin });
    expect((await s.call("POST", "/v1/invites/exchange", { body: { code: invite.body.code } })).status).toBe(401);
    expect((await s.call("POST", "/v1/invites/exchange", { body: { code: second.body.code } })).status).toBe(200);
    await s.call("PATCH", `/v1/enrollments/${enrollmentId}`, { token: s.admin, body: { status: "discharged" } });
    expect((await s.call("POST", "/v1/invites/exchange", { body: { code: second.body.code } })).status).toBe(401);
  });

  it("refuses forged, malformed and revoked codes with the same 401", async () => {
    const s = await groupSession({ clients: 1 });
    const enrollmentId = await enrollmentOf(s.programId, s.clients[0] as string);
    const { body } = await s.call("POST", `/v1/enrollments/${enrollmentId}/invite`, { token: s.admin });
    const forged = `${enrollmentId}.${"A".repeat(43)}`;
    for (const code of [forged, "nonsense", `${body.code}x`]) {
      const res = await s.call("POST", "/v1/invites/exchange", { body: { code } });
      expect(res.status).toBe(401);
      expect(res.body.detail).toBe("This invite link is not valid.");
    }
    expect((await s.call("DELETE", `/v1/enrollments/${enrollmentId}/invite`, { token: s.admin })).body).toEqual({
      revoked: 1,
    });
    expect((await s.call("POST", "/v1/invites/exchange", { body: { code: body.code } })).status).toBe(401);
  });
});
