import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { plusDays } from "../dates.ts";
import { groupSession } from "../rooms/fixtures.ts";

type Row = {
  seq: number;
  at: string;
  occurred_at: string | null;
  action: string;
  object: string;
  session: string | null;
};

/**
 * Order and time agree along the chain (issue 15): joins, admissions and removals in three rooms,
 * interleaved with the directory's own changes, all at once and each at a later instant than the
 * call before it. Rooms forward their entries after answering, so they reach the chain in any
 * order; the chain's times must still never run backwards, and within a room nothing overtakes.
 */
describe("the audit chain under concurrent rooms and directory changes", () => {
  it("keeps times non-decreasing along seq and each participant's room decisions in order", async () => {
    const s = await groupSession({ clients: 9, settings: { admissionPolicy: "manual" } });
    const sessions = [s.sessionId];
    for (const fac of ["fac_2", "fac_3"]) {
      const extra = await s.call("POST", `/v1/programs/${s.programId}/sessions`, {
        token: s.admin,
        body: {
          kind: "group",
          startsAt: s.startsAt,
          endsAt: s.endsAt,
          clientIds: s.clients,
          facilitatorIds: [fac],
          cap: 12,
        },
      });
      expect(extra.status, extra.text).toBe(201);
      sessions.push(extra.body.id);
    }
    const staff = [
      s.facilitator,
      await s.token("facilitator", "fac_2", s.programId),
      await s.token("facilitator", "fac_3", s.programId),
    ];
    await Promise.all(sessions.map((id, r) => s.call("POST", `/v1/sessions/${id}/open`, { token: staff[r] })));
    // Each call starts one second after the previous one, and none waits for another.
    const later = async <T>(call: () => Promise<T>) => {
      s.clock.advance(1000);
      return call();
    };
    const lives = s.clients.map(async (client, i) => {
      const r = i % 3;
      const session = sessions[r] as string;
      const token = await s.clientToken(client);
      await later(() => s.call("POST", `/v1/sessions/${session}/join`, { token }));
      await later(() => s.call("POST", `/v1/sessions/${session}/participants/${client}/admit`, { token: staff[r] }));
      await later(() => s.call("POST", `/v1/sessions/${session}/join`, { token }));
      if (i % 2 === 0) {
        await later(() => s.call("DELETE", `/v1/sessions/${session}/participants/${client}`, { token: staff[r] }));
      }
    });
    const directory = Array.from({ length: 6 }, (_, i) =>
      later(() =>
        s.call("POST", `/v1/programs/${s.programId}/tracks`, {
          token: s.admin,
          body: { name: `Race ${i}`, days: ["WE"], startTime: "18:00", endTime: "19:00", startsOn: plusDays(s.day, 7) },
        }),
      ),
    );
    await Promise.all([...lives, ...directory]);
    // Let every room hand over what it still holds.
    for (const id of sessions) {
      for (let i = 0; i < 100; i++) {
        const queued = await runInDurableObject(
          env.ROOMS.getByName(id),
          (_x, state) => state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM audit_outbox").one().n,
        );
        if (queued === 0) break;
        await new Promise((done) => setTimeout(done, 10));
      }
    }
    const rows = await runInDurableObject(env.PROGRAMS.getByName(s.programId), (_x, state) =>
      state.storage.sql.exec<Row>("SELECT * FROM audit ORDER BY seq").toArray(),
    );
    expect(rows.filter((r) => r.action === "track.create")).toHaveLength(6 + Math.ceil(9 / 15));
    expect(rows.filter((r) => r.action === "room.remove")).toHaveLength(5);
    for (let i = 1; i < rows.length; i++) {
      const [a, b] = [rows[i - 1] as Row, rows[i] as Row];
      expect(Date.parse(b.at), `seq ${b.seq} (${b.action}) after seq ${a.seq} (${a.action})`).toBeGreaterThanOrEqual(
        Date.parse(a.at),
      );
      // An entry recorded later than it happened says when it happened, and that is never in the future.
      if (b.occurred_at) expect(Date.parse(b.occurred_at)).toBeLessThan(Date.parse(b.at));
    }
    // Within each room: waiting, admitted, joined with a token, removed, in that order for every participant.
    for (const [i, client] of s.clients.entries()) {
      const mine = rows.filter((r) => r.object === client && r.session === sessions[i % 3]).map((r) => r.action);
      const expected = ["room.join", "room.admit", "room.join", "token.issue"];
      expect(mine, client).toEqual(i % 2 === 0 ? [...expected, "room.remove", "token.revoke"] : expected);
    }
    // And the API agrees the chain is whole.
    const page = await s.call("GET", `/v1/programs/${s.programId}/audit?limit=500`, { token: s.admin });
    expect(page.body.chain).toMatchObject({ valid: true, brokenAt: null });
  });

  it("a room entry that reaches the chain after a later one is recorded then, keeping when it happened", async () => {
    const s = await groupSession({ clients: 1 });
    await s.open();
    const happened = s.clock.now();
    // A join the room decided at `happened` whose forward failed: it still waits in the room's outbox.
    await runInDurableObject(env.ROOMS.getByName(s.sessionId), (_x, state) => {
      const body = JSON.stringify({
        actor: s.clients[0],
        action: "room.join",
        object: s.clients[0],
        outcome: "admitted",
        session: s.sessionId,
      });
      state.storage.sql.exec(
        "INSERT INTO audit_outbox (at, body) VALUES (?, ?)",
        new Date(happened).toISOString().replace(".000Z", "Z"),
        body,
      );
    });
    // Meanwhile the directory records a change five seconds later, and then the room forwards (with a staff action).
    s.clock.advance(5000);
    const track = { name: "Later", days: ["WE"], startTime: "18:00", endTime: "19:00", startsOn: plusDays(s.day, 7) };
    expect((await s.call("POST", `/v1/programs/${s.programId}/tracks`, { token: s.admin, body: track })).status).toBe(
      201,
    );
    s.clock.advance(1000);
    await s.call("POST", `/v1/sessions/${s.sessionId}/close`, { token: s.facilitator });
    const rows = await runInDurableObject(env.PROGRAMS.getByName(s.programId), (_x, state) =>
      state.storage.sql.exec<Row>("SELECT * FROM audit ORDER BY seq").toArray(),
    );
    const times = rows.map((r) => Date.parse(r.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const late = rows.find((r) => r.action === "room.join");
    const created = rows.find(
      (r) => r.action === "track.create" && r.seq > (rows.find((x) => x.action === "room.open")?.seq ?? 0),
    );
    expect(late?.seq).toBeGreaterThan(created?.seq ?? Infinity);
    expect(late?.at).toBe(created?.at);
    expect(Date.parse(late?.occurred_at ?? "")).toBe(happened - (happened % 1000));
    const page = await s.call("GET", `/v1/programs/${s.programId}/audit?limit=500`, { token: s.admin });
    expect(page.body.chain.valid).toBe(true);
    expect(page.body.entries.find((e: { action: string }) => e.action === "room.join").occurredAt).toBe(
      late?.occurred_at,
    );
  });
});
