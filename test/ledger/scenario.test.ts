import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AttendanceRecord } from "../../schemas/attendance.ts";
import { flushOutbox, LedgerStore } from "../../src/rooms/ledger-store.ts";
import { isoWeek, nextTransition, plusDays, plusMinutes, zoned } from "../dates.ts";
import { groupSession, PERSONAL } from "../rooms/fixtures.ts";

type Session = Awaited<ReturnType<typeof groupSession>>;

/** Move the clock to `minutes` after the session's start and act as one client. */
async function at(s: Session, minutes: number, clientId: string, action: "join" | "leave") {
  const instant = s.at(minutes);
  s.clock.set(instant);
  const res = await s.call("POST", `/v1/sessions/${s.sessionId}/${action}`, { token: await s.clientToken(clientId) });
  expect(res.status, `${action} ${clientId} at ${instant}`).toBe(200);
}

/**
 * The scripted three-hour group (09:00–12:00 Los Angeles on a Monday weeks ahead):
 * A on time, B late, C drops for five minutes and rejoins, D leaves at 11:30, E never comes,
 * F is excused by staff.
 */
async function scriptedGroup() {
  const s = await groupSession({ clients: 6 });
  const [a, b, c, d, e, f] = s.clients as [string, string, string, string, string, string];
  s.clock.set(s.at(-5));
  expect((await s.open()).status).toBe(200);
  await at(s, -2, a, "join");
  await at(s, -1, c, "join");
  await at(s, 0, d, "join");
  await at(s, 25, b, "join");
  await at(s, 60, c, "leave");
  await at(s, 65, c, "join");
  await at(s, 150, d, "leave");
  const excuse = await s.call("PATCH", `/v1/sessions/${s.sessionId}/attendance/${f}`, {
    token: s.facilitator,
    body: { status: "excused", reasonCode: "illness" },
  });
  expect(excuse.status).toBe(200);
  s.clock.set(s.at(180));
  return { s, a, b, c, d, e, f };
}

describe("a scripted three-hour group", () => {
  it("roster, week report and CSV agree on minutes and statuses", async () => {
    const { s, a, b, c, d, e, f } = await scriptedGroup();
    expect((await s.call("POST", `/v1/sessions/${s.sessionId}/close`, { token: s.facilitator })).status).toBe(200);

    const roster = await s.call("GET", `/v1/sessions/${s.sessionId}/attendance`, { token: s.facilitator });
    expect(roster.status).toBe(200);
    const byId = Object.fromEntries(
      roster.body.participants.map((p: { participantId: string }) => [p.participantId, p]),
    );
    const expected = {
      [a]: { status: "present", attendedMinutes: 180, late: false, leftEarly: false },
      [b]: { status: "late", attendedMinutes: 155, late: true, leftEarly: false },
      [c]: { status: "present", attendedMinutes: 175, late: false, leftEarly: false },
      [d]: { status: "left-early", attendedMinutes: 150, late: false, leftEarly: true },
      [e]: { status: "no-show", attendedMinutes: 0 },
      [f]: { status: "excused", attendedMinutes: 0 },
    };
    for (const [id, want] of Object.entries(expected))
      expect(byId[id], `${id} ${JSON.stringify(byId[id])}`).toMatchObject(want);

    const admin = s.admin;
    for (const [id, want] of Object.entries(expected)) {
      const week = await s.call("GET", `/v1/programs/${s.programId}/clients/${id}/attendance?week=${isoWeek(s.day)}`, {
        token: admin,
      });
      expect(week.status).toBe(200);
      expect(week.body.sessions).toEqual([
        expect.objectContaining({ sessionId: s.sessionId, status: want.status, attendedMinutes: want.attendedMinutes }),
      ]);
      expect(week.body.minutesAttended).toBe(want.attendedMinutes);
    }
    const mine = await s.call("GET", `/v1/programs/${s.programId}/clients/${a}/attendance?week=${isoWeek(s.day)}`, {
      token: await s.clientToken(a),
    });
    expect(mine.status).toBe(200);
    const theirs = await s.call("GET", `/v1/programs/${s.programId}/clients/${b}/attendance?week=${isoWeek(s.day)}`, {
      token: await s.clientToken(a),
    });
    expect(theirs.status).toBe(403);

    const csv = await s.call("GET", `/v1/programs/${s.programId}/attendance?from=${s.day}&to=${s.day}`, {
      token: admin,
      headers: { accept: "text/csv" },
    });
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    const lines = csv.text.trim().split("\r\n");
    expect(lines[0]).toBe(
      "date,session,track,kind,client,scheduled_start,scheduled_end,clinicians,scheduled_minutes,attended_minutes,status,late,left_early,modality,corrected,version",
    );
    expect(lines).toHaveLength(7);
    for (const [id, want] of Object.entries(expected)) {
      const row = lines.find((l) => l.includes(`,${id},`))?.split(",");
      expect(row?.[7]).toBe("fac_1");
      expect(row?.[9], id).toBe(String(want.attendedMinutes));
      expect(row?.[10], id).toBe(want.status);
      expect(row?.[13]).toBe("telehealth");
      expect(row?.slice(14)).toEqual(["false", "1"]);
    }
  });

  it("a staff correction keeps the original and who made it, and reaches the ledger", async () => {
    const { s, e } = await scriptedGroup();
    await s.call("POST", `/v1/sessions/${s.sessionId}/close`, { token: s.facilitator });
    const fix = await s.call("PATCH", `/v1/sessions/${s.sessionId}/attendance/${e}`, {
      token: s.admin,
      body: { status: "excused", reasonCode: "technical" },
    });
    expect(fix.status).toBe(200);
    expect(fix.body.record).toMatchObject({
      status: "excused",
      version: 2,
      correction: { originalStatus: "no-show", by: "adm_1" },
    });
    const week = await s.call("GET", `/v1/programs/${s.programId}/clients/${e}/attendance?week=${isoWeek(s.day)}`, {
      token: s.admin,
    });
    expect(week.body.sessions[0].status).toBe("excused");
  });

  it("the end alarm writes the records; firing it twice changes nothing", async () => {
    const { s } = await scriptedGroup();
    const room = env.ROOMS.getByName(s.sessionId);
    expect(await runDurableObjectAlarm(room)).toBe(true);
    const first = await room.records();
    expect(first).toHaveLength(6);
    await runDurableObjectAlarm(room);
    expect(await room.records()).toEqual(first);
    const keys = await env.ATTENDANCE.list({ prefix: `att/${s.programId}/` });
    expect(keys.keys).toHaveLength(6);
  });

  it("KV failing on its first writes: every record arrives exactly once, from the alarm", async () => {
    const { s } = await scriptedGroup();
    const room = env.ROOMS.getByName(s.sessionId);
    let failures = 5;
    await runInDurableObject(room, (instance) => {
      const real = env.ATTENDANCE;
      // Reach into this one instance: its KV writer fails five times, then behaves.
      (instance as unknown as { kv: () => Pick<KVNamespace, "put"> }).kv = () => ({
        put: async (...args: Parameters<KVNamespace["put"]>) => {
          if (failures-- > 0) throw new Error("KV PUT failed: 503");
          return real.put(...args);
        },
      });
    });
    expect((await s.call("POST", `/v1/sessions/${s.sessionId}/close`, { token: s.facilitator })).status).toBe(200);
    const before = await env.ATTENDANCE.list({ prefix: `att/${s.programId}/` });
    expect(before.keys.length).toBeLessThan(6);
    while (await runDurableObjectAlarm(room)) {
      // each alarm retries what is left in the outbox
    }
    const after = await env.ATTENDANCE.list({ prefix: `att/${s.programId}/` });
    expect(after.keys).toHaveLength(6);
    const ledger = await env.ATTENDANCE.list({ prefix: `led/${s.programId}/` });
    expect(ledger.keys).toHaveLength(6);
    const values = await Promise.all(after.keys.map((k) => env.ATTENDANCE.get(k.name, "json")));
    expect(new Set(values.map((v) => (v as { clientId: string }).clientId)).size).toBe(6);
  });

  it("delivers a whole outbox in one pass, however many records it holds", async () => {
    const { s } = await scriptedGroup();
    const room = env.ROOMS.getByName(s.sessionId);
    expect(await runDurableObjectAlarm(room)).toBe(true);
    const [sample] = await room.records();
    // 80 more records: 160 outbox rows, more than one batch of 100.
    const remaining = await runInDurableObject(room, (_instance, state) => {
      const ledger = new LedgerStore(state.storage.sql);
      for (let i = 0; i < 80; i++) ledger.save({ ...(sample as AttendanceRecord), clientId: `clt_bulk${i}` });
      return flushOutbox(ledger, env.ATTENDANCE);
    });
    expect(remaining).toBe(0);
    const keys = await env.ATTENDANCE.list({ prefix: `att/${s.programId}/` });
    expect(keys.keys).toHaveLength(86);
  });

  it("keeps every KV key, value and metadata free of personal data", async () => {
    const { s } = await scriptedGroup();
    await s.call("PATCH", `/v1/programs/${s.programId}`, { token: s.admin, body: { name: PERSONAL[3] } });
    await s.call("POST", `/v1/sessions/${s.sessionId}/close`, { token: s.facilitator });
    const all = await env.ATTENDANCE.list();
    expect(all.keys.length).toBeGreaterThan(0);
    for (const key of all.keys) {
      const value = await env.ATTENDANCE.getWithMetadata(key.name);
      const text = `${key.name} ${value.value} ${JSON.stringify(value.metadata)}`;
      for (const word of PERSONAL) expect(text).not.toContain(word);
    }
  });
});

describe("weeks across a DST change", () => {
  it("reports a late-Sunday session in the Los Angeles week it belongs to, not the UTC one", async () => {
    const s = await groupSession({ clients: 1 });
    // The next change of offset in Los Angeles falls on a Sunday; 22:00 local is already Monday in UTC.
    const sunday = nextTransition(s.day);
    const startsAt = zoned(sunday, "22:00");
    expect(startsAt.slice(0, 10)).toBe(plusDays(sunday, 1));
    const session = await s.call("POST", `/v1/programs/${s.programId}/sessions`, {
      token: s.admin,
      body: {
        kind: "individual",
        startsAt,
        endsAt: plusMinutes(startsAt, 60),
        facilitatorIds: ["fac_2"],
        clientIds: [s.clients[0]],
      },
    });
    expect(session.body.localDate).toBe(sunday);
    const id = session.body.id;
    s.clock.set(plusMinutes(startsAt, -5));
    const fac = await s.token("facilitator", "fac_2", s.programId);
    expect((await s.call("POST", `/v1/sessions/${id}/open`, { token: fac })).status).toBe(200);
    expect(
      (await s.call("POST", `/v1/sessions/${id}/join`, { token: await s.clientToken(s.clients[0] as string) })).status,
    ).toBe(200);
    s.clock.set(plusMinutes(startsAt, 60));
    expect((await s.call("POST", `/v1/sessions/${id}/close`, { token: fac })).status).toBe(200);
    const admin = await s.token("admin", "adm_1");
    const localWeek = isoWeek(sunday);
    const utcWeek = isoWeek(plusDays(sunday, 1));
    expect(utcWeek).not.toBe(localWeek);
    const mine = await s.call(
      "GET",
      `/v1/programs/${s.programId}/clients/${s.clients[0]}/attendance?week=${localWeek}`,
      {
        token: admin,
      },
    );
    expect(mine.status, mine.text).toBe(200);
    expect(mine.body.minutesAttended, mine.text).toBe(60);
    expect(mine.body.days).toEqual([expect.objectContaining({ date: sunday, minutes: 60 })]);
    const next = await s.call("GET", `/v1/programs/${s.programId}/clients/${s.clients[0]}/attendance?week=${utcWeek}`, {
      token: admin,
    });
    expect(next.body.minutesAttended).toBe(0);
  });
});
