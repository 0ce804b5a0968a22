import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { finalizeEnded } from "../../src/directory/cron.ts";
import { groupSession } from "../rooms/fixtures.ts";

/**
 * A session nobody opens or joins still ends: the cron hands its room the session once it is past
 * its end plus grace, the room's alarm writes every expected client's record (all no-shows), and
 * the roster turns final. Nothing depends on a facilitator opening the room.
 */
describe("a session nobody touched", () => {
  it("is finalised at end plus grace: every expected client is a no-show in the ledger and the roster is final", async () => {
    const s = await groupSession({ clients: 3 });
    const before = await s.call("GET", `/v1/sessions/${s.sessionId}/attendance`, { token: s.facilitator });
    expect(before.body.final).toBe(false);
    // Before the end plus grace (10 minutes), the cron leaves it alone.
    expect(await finalizeEnded(env, s.programId, Date.parse(s.at(185)))).toBe(0);
    const after = Date.parse(s.at(191));
    s.clock.set(after);
    expect(await finalizeEnded(env, s.programId, after)).toBe(1);
    await runDurableObjectAlarm(env.ROOMS.getByName(s.sessionId));
    const ledger = await s.call("GET", `/v1/programs/${s.programId}/attendance?from=${s.day}&to=${s.day}`, {
      token: s.admin,
    });
    expect(ledger.status, ledger.text).toBe(200);
    const mine = ledger.body.records.filter((r: { sessionId: string }) => r.sessionId === s.sessionId);
    expect(mine.map((r: { clientId: string; status: string }) => [r.clientId, r.status]).sort()).toEqual(
      s.clients.map((c) => [c, "no-show"]),
    );
    const roster = await s.call("GET", `/v1/sessions/${s.sessionId}/attendance`, { token: s.facilitator });
    expect(roster.body.final).toBe(true);
    // A correction shows in the roster at once: the corrected values, the original beside them.
    const first = s.clients[0] as string;
    const fixed = await s.call("PATCH", `/v1/sessions/${s.sessionId}/attendance/${first}`, {
      token: s.facilitator,
      body: { status: "present", attendedMinutes: 180, reasonCode: "technical" },
    });
    expect(fixed.status, fixed.text).toBe(200);
    const corrected = await s.call("GET", `/v1/sessions/${s.sessionId}/attendance`, { token: s.facilitator });
    const line = corrected.body.participants.find((p: { participantId: string }) => p.participantId === first);
    expect(line).toMatchObject({
      status: "present",
      attendedMinutes: 180,
      version: 2,
      correction: { originalStatus: "no-show", originalMinutes: 0, by: "fac_1", reasonCode: "technical" },
    });
    const untouched = corrected.body.participants.find(
      (p: { participantId: string }) => p.participantId === s.clients[1],
    );
    expect(untouched).toMatchObject({ status: "no-show", version: 1, correction: null });
    // Running the cron again changes nothing: the records are written once.
    await finalizeEnded(env, s.programId, after + 900_000);
    await runDurableObjectAlarm(env.ROOMS.getByName(s.sessionId));
    const again = await s.call("GET", `/v1/programs/${s.programId}/attendance?from=${s.day}&to=${s.day}`, {
      token: s.admin,
    });
    const rerun = again.body.records.filter((r: { sessionId: string }) => r.sessionId === s.sessionId);
    expect(rerun.map((r: { clientId: string; version: number }) => [r.clientId, r.version]).sort()).toEqual(
      s.clients.map((c, i) => [c, i === 0 ? 2 : 1]),
    );
  });

  it("a cancelled session is not finalised into no-shows", async () => {
    const s = await groupSession({ clients: 2 });
    expect((await s.call("POST", `/v1/sessions/${s.sessionId}/cancel`, { token: s.admin })).status).toBe(200);
    const after = Date.parse(s.at(191));
    expect(await finalizeEnded(env, s.programId, after)).toBe(0);
  });
});
