import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { groupSession } from "../rooms/fixtures.ts";

describe("audit trail", () => {
  it("records joins, denials, tokens, staff actions and exports in a verifiable chain", async () => {
    const s = await groupSession({ clients: 2 });
    await s.open();
    await s.join(s.clients[0] as string);
    const outsider = await s.token("client", "clt_outsider", s.programId);
    await s.call("POST", `/v1/sessions/${s.sessionId}/join`, { token: outsider });
    await s.call("DELETE", `/v1/sessions/${s.sessionId}/participants/${s.clients[0]}`, { token: s.facilitator });
    await runDurableObjectAlarm(env.ROOMS.getByName(s.sessionId)); // forwards anything the room still holds
    const page = await s.call("GET", `/v1/programs/${s.programId}/audit`, { token: s.admin });
    expect(page.status).toBe(200);
    const actions = page.body.entries.map((e: { action: string; outcome: string }) => `${e.action}:${e.outcome}`);
    expect(actions).toEqual(
      expect.arrayContaining(["room.open:ok", "room.join:admitted", "room.join:denied:forbidden", "room.remove:ok"]),
    );
    expect(actions.some((a: string) => /^token\.issue:client:[0-9a-f-]{36}$/.test(a))).toBe(true);
    // The removal names the session and the participant.
    const removal = page.body.entries.find((e: { action: string }) => e.action === "room.remove");
    expect(removal).toMatchObject({ object: s.clients[0], session: s.sessionId, actor: "fac_1" });
    expect(page.body.chain).toMatchObject({ valid: true, brokenAt: null });
    expect(page.body.entries.every((e: { actor: string }) => /^[a-z]{3}_/.test(e.actor) || e.actor === "adm_1")).toBe(
      true,
    );
    const facilitatorRead = await s.call("GET", `/v1/programs/${s.programId}/audit`, { token: s.facilitator });
    expect(facilitatorRead.status).toBe(403);
  });

  it("detects a changed or a missing entry, and offers no way to change one", async () => {
    const s = await groupSession({ clients: 1 });
    await s.open();
    await s.join(s.clients[0] as string);
    await runDurableObjectAlarm(env.ROOMS.getByName(s.sessionId)); // the room forwards its queued entries
    const dir = env.PROGRAMS.getByName(s.programId);
    await runInDurableObject(dir, (_i, state) => {
      state.storage.sql.exec("UPDATE audit SET outcome = 'ok-edited' WHERE seq = 2");
    });
    const tampered = await s.call("GET", `/v1/programs/${s.programId}/audit`, { token: s.admin });
    expect(tampered.body.chain).toMatchObject({ valid: false, brokenAt: 2 });

    const other = await groupSession({ clients: 1 });
    await other.open();
    await other.join(other.clients[0] as string);
    await runDurableObjectAlarm(env.ROOMS.getByName(other.sessionId));
    await runInDurableObject(env.PROGRAMS.getByName(other.programId), (_i, state) => {
      state.storage.sql.exec("DELETE FROM audit WHERE seq = 1");
    });
    const missing = await other.call("GET", `/v1/programs/${other.programId}/audit`, { token: other.admin });
    expect(missing.body.chain).toMatchObject({ valid: false, brokenAt: 1 });

    for (const method of ["PUT", "PATCH", "DELETE", "POST"]) {
      const res = await s.call(method, `/v1/programs/${s.programId}/audit`, { token: s.admin, body: {} });
      expect(res.status).toBe(405);
    }
  });

  it("records automatic admissions when the room opens, as the system's, naming session and client", async () => {
    const s = await groupSession({ clients: 2 });
    expect((await s.join(s.clients[0] as string)).status).toBe(202); // waits until the room opens
    await s.open();
    const page = await s.call("GET", `/v1/programs/${s.programId}/audit`, { token: s.admin });
    const seen = page.body.entries.map((e: Record<string, string>) => [
      e.actor,
      e.action,
      e.object,
      e.session,
      e.outcome,
    ]);
    const admitted = seen.findIndex((e: string[]) => e[1] === "room.admit");
    expect(seen[admitted - 1]).toEqual(["fac_1", "room.open", s.sessionId, undefined, "ok"]);
    expect(seen[admitted]).toEqual(["system", "room.admit", s.clients[0], s.sessionId, "auto"]);
    expect(seen.findIndex((e: string[]) => e[1] === "room.join" && e[4] === "waiting")).toBeLessThan(admitted);
  });
});
