import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { JoinRole } from "../../schemas/join-token.ts";
import { presetFor, type RealtimeKitApi, realtimeKitApi } from "../../src/video/realtimekit/api.ts";
import {
  callCost,
  type Enrolment,
  type EnrolmentCall,
  type ExpectedParticipant,
  joinAction,
  planEnrolment,
  storedExpiry,
} from "../../src/video/realtimekit/enrolment.ts";
import {
  BUDGET_BUCKET_MS,
  block,
  emptyBudget,
  type RateBudget,
  REALTIMEKIT_API_LIMIT,
  REALTIMEKIT_PLANNED_LIMIT,
  REALTIMEKIT_WINDOW_MS,
  remaining,
  take,
} from "../../src/video/realtimekit/rate-budget.ts";
import { realtimeKitStandIn } from "../stand-ins/realtimekit-server.ts";

/** Midnight UTC today, in ms: "09:00" is a time of day, and no test here runs on the real clock. */
const DAY = Math.floor(Date.now() / 86_400_000) * 86_400_000;
const at = (h: number, m: number, s = 0) => DAY + ((h * 60 + m) * 60 + s) * 1000;

describe("RealtimeKit rate budget", () => {
  it("plans for 3,000 of the documented 3,500 calls per five minutes", () => {
    expect(REALTIMEKIT_API_LIMIT).toBe(3500);
    expect(REALTIMEKIT_WINDOW_MS).toBe(300_000);
    expect(emptyBudget()).toEqual({
      limit: REALTIMEKIT_PLANNED_LIMIT,
      windowMs: REALTIMEKIT_WINDOW_MS,
      buckets: [],
      blockedUntil: 0,
    });
  });

  it("takes up to the limit, then names the instant the oldest calls stop counting", () => {
    const t0 = at(9, 0, 0) + 250;
    const full = take(emptyBudget(), t0, 3000);
    if (!full.ok) throw new Error("refused");
    expect(remaining(full.budget, t0)).toBe(0);
    const refused = take(full.budget, t0 + 5000, 1);
    expect(refused).toMatchObject({ ok: false, waitUntil: at(9, 0, 0) + BUDGET_BUCKET_MS + 300_000 });
    if (refused.ok) return;
    expect(take(refused.budget, refused.waitUntil - 1, 1).ok).toBe(false);
    expect(take(refused.budget, refused.waitUntil, 1).ok).toBe(true);
  });

  it("takes several calls together or not at all, and more than the limit never", () => {
    const t0 = at(9, 0);
    const most = take(emptyBudget(10), t0, 9);
    if (!most.ok) throw new Error("refused");
    expect(take(most.budget, t0, 2)).toMatchObject({ ok: false });
    expect(take(most.budget, t0, 1)).toMatchObject({ ok: true });
    expect(take(emptyBudget(10), t0, 11)).toMatchObject({ ok: false, waitUntil: Number.POSITIVE_INFINITY });
  });

  it("honours the platform's block over its own count, and survives a clock stepping back and a JSON round trip", () => {
    const t0 = at(9, 0);
    const blocked = block(emptyBudget(), t0 + 300_000);
    expect(take(blocked, t0, 1)).toMatchObject({ ok: false, waitUntil: t0 + 300_000 });
    expect(remaining(blocked, t0)).toBe(0);
    const a = take(emptyBudget(5), t0 + 10_000, 3);
    if (!a.ok) throw new Error("refused");
    const b = take(JSON.parse(JSON.stringify(a.budget)) as RateBudget, t0, 2);
    expect(b.ok).toBe(true);
    if (!b.ok) return;
    expect(b.budget.buckets).toEqual([[t0 + 10_000, 5]]);
    expect(take(b.budget, t0 + 10_000 + BUDGET_BUCKET_MS + 299_999, 1).ok).toBe(false);
  });

  it("property: callers that wait as told never put more than the limit in any window, and are never refused needlessly", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 2, max: 30 }).map((s) => s * 1000),
        fc.array(fc.record({ dt: fc.integer({ min: 0, max: 20_000 }), n: fc.integer({ min: 1, max: 20 }) }), {
          maxLength: 120,
        }),
        (limit, windowMs, requests) => {
          let budget = emptyBudget(limit, windowMs);
          let now = at(8, 0);
          const sent: number[] = [];
          for (const r of requests) {
            now += r.dt;
            const n = Math.min(r.n, limit);
            let got = take(budget, now, n);
            if (!got.ok) {
              // Refused only when the calls of the last window (and the current bucket) leave no room.
              const recent = sent.filter((t) => t > now - windowMs - BUDGET_BUCKET_MS).length;
              expect(recent + n).toBeGreaterThan(limit);
              expect(got.waitUntil).toBeGreaterThan(now);
              now = got.waitUntil;
              got = take(got.budget, now, n);
              expect(got.ok).toBe(true);
            }
            if (!got.ok) return;
            budget = got.budget;
            for (let i = 0; i < n; i++) sent.push(now);
          }
          for (let hi = 0, lo = 0; hi < sent.length; hi++) {
            while ((sent[hi] as number) - (sent[lo] as number) >= windowMs) lo++;
            expect(hi - lo + 1).toBeLessThanOrEqual(limit);
          }
        },
      ),
    );
  });
});

/**
 * The 09:00 rush at the adapter level: 100 groups, each expecting a facilitator and 12 clients, with a cap
 * of 10 clients. Every room's alarm pre-enrols from its lead time on, taking every call from one
 * account-wide budget; at 09:00 everyone asks to join within a minute, in a random order. Admission is a
 * plain per-group counter here (the room's own cap logic lives in the room); an admitted join reuses its
 * stored token or refreshes it, and a refused one gets no token.
 */
const GROUPS = 100;
const CLIENTS = 12;
const CAP = 10;
const ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353";
const APP = "b7a2c4d1-0000-4000-8000-0000000000a9";
const TOKEN = "cf-api-token-for-realtime";
const OPENS = at(8, 55);
const RUSH = at(9, 0);
const CLOSES = at(10, 30);

interface Room {
  name: string;
  meetingId: string | null;
  active: boolean;
  expected: ExpectedParticipant[];
  enrolled: Record<string, Enrolment>;
  tokens: Map<string, string>;
  admitted: number;
}

type Event =
  | { at: number; kind: "alarm"; room: Room }
  | { at: number; kind: "join"; room: Room; who: ExpectedParticipant; askedAt: number; seated: boolean };

/** A seeded generator, so the join order is random but the same on every run. */
function mulberry32(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

async function rush(opts: {
  serverLimit: number;
  planned: number;
  tokenTtlSeconds: number | null;
  /** "once": each alarm enrols and is then lost, so tokens run out before the rush. */
  alarms?: "keep" | "once";
}) {
  const clock = { ms: at(6, 0) };
  const rtk = realtimeKitStandIn({
    accountId: ACCOUNT,
    appId: APP,
    apiToken: TOKEN,
    now: () => clock.ms,
    limit: opts.serverLimit,
    tokenTtlSeconds: opts.tokenTtlSeconds,
  });
  const api: RealtimeKitApi = realtimeKitApi({
    fetch: rtk.fetch,
    accountId: ACCOUNT,
    appId: APP,
    apiToken: TOKEN,
    now: () => Math.floor(clock.ms / 1000),
  });
  let budget = emptyBudget(opts.planned);
  /** One budget for the account: null when the calls may go now, else when they may. */
  const gate = (n: number): number | null => {
    const got = take(budget, clock.ms, n);
    budget = got.budget;
    return got.ok ? null : got.waitUntil;
  };
  const seconds = () => Math.floor(clock.ms / 1000);
  let ttl: number | undefined;
  const keep = (
    room: Room,
    id: string,
    preset: string,
    rtkParticipantId: string,
    token: string,
    expiresAt: number | null,
  ) => {
    const exp = storedExpiry(expiresAt, seconds());
    ttl = exp - seconds();
    room.enrolled[id] = { rtkParticipantId, preset, tokenExpiresAt: exp };
    room.tokens.set(id, token);
  };

  async function run(room: Room, call: EnrolmentCall) {
    const fail = (what: string) => {
      throw new Error(`${what} failed for ${room.name}`);
    };
    if (call.kind === "create-meeting") {
      const r = await api.createMeeting(call.title);
      if (!r.ok) return fail("create");
      room.meetingId = r.meetingId;
      return;
    }
    const meetingId = room.meetingId ?? fail("no meeting");
    if (call.kind === "add") {
      const r = await api.addParticipant(meetingId, {
        participantId: call.participantId,
        name: "Alias",
        preset: call.preset,
      });
      if (!r.ok) return fail("add");
      keep(room, call.participantId, call.preset, r.participantId, r.token, r.expiresAt);
    } else if (call.kind === "refresh") {
      const r = await api.refreshToken(meetingId, call.rtkParticipantId);
      if (!r.ok) return fail("refresh");
      const e = room.enrolled[call.participantId] ?? fail("not enrolled");
      keep(room, call.participantId, e.preset, e.rtkParticipantId, r.token, r.expiresAt);
    } else {
      throw new Error(`unexpected ${call.kind}`);
    }
  }

  const queue: Event[] = [];
  const schedule = (e: Event) => {
    const i = queue.findIndex((q) => q.at > e.at);
    queue.splice(i === -1 ? queue.length : i, 0, e);
  };
  const rooms: Room[] = Array.from({ length: GROUPS }, (_, g) => ({
    name: `r_${String(g).padStart(3, "0")}grp0000000000000`,
    meetingId: null,
    active: true,
    expected: [
      { participantId: `fac_g${g}`, role: "facilitator" as JoinRole },
      ...Array.from({ length: CLIENTS }, (_, i) => ({ participantId: `clt_g${g}n${i}`, role: "client" as JoinRole })),
    ],
    enrolled: {},
    tokens: new Map(),
    admitted: 0,
  }));
  const random = mulberry32(18);
  for (const room of rooms) {
    schedule({ at: clock.ms, kind: "alarm", room });
    for (const who of room.expected) {
      const t = RUSH + Math.floor(random() * 60_000);
      schedule({ at: t, kind: "join", room, who, askedAt: t, seated: false });
    }
  }

  const handed: {
    room: Room;
    who: ExpectedParticipant;
    token: string;
    waitedMs: number;
    servedAt: number;
    action: string;
  }[] = [];
  const refused: { room: Room; who: ExpectedParticipant }[] = [];
  let lateAdds = 0;
  // Joins are asked within the minute; a join waiting for the budget is followed until it is served.
  const END = RUSH + 15 * 60_000;
  for (let steps = 0; queue.length > 0 && (queue[0] as Event).at < END; steps++) {
    if (steps > 100_000) throw new Error("the alarms never settle");
    const e = queue.shift() as Event;
    clock.ms = e.at;
    const room = e.room;
    if (e.kind === "alarm") {
      const plan = planEnrolment({
        room: room.name,
        meetingId: room.meetingId,
        meetingActive: room.active,
        expected: room.expected,
        enrolled: room.enrolled,
        window: { opensAt: OPENS / 1000, closesAt: CLOSES / 1000 },
        now: seconds(),
        ...(ttl === undefined ? {} : { tokenTtlSeconds: ttl }),
      });
      let waitUntil: number | null = null;
      for (const call of plan.calls) {
        waitUntil = gate(callCost(call));
        if (waitUntil !== null) break;
        await run(room, call);
      }
      const settled = waitUntil === null && plan.calls.length === 0;
      const next = waitUntil ?? (!settled ? clock.ms : plan.nextRunAt === null ? null : plan.nextRunAt * 1000);
      const lost = settled && opts.alarms === "once" && room.meetingId !== null;
      if (next !== null && !lost) schedule({ at: next, kind: "alarm", room });
      continue;
    }
    // The room's admission: facilitators always, clients up to the cap; a seat is kept while the token waits.
    if (!e.seated) {
      if (e.who.role === "client" && room.admitted >= CAP) {
        refused.push({ room, who: e.who });
        continue;
      }
      if (e.who.role === "client") room.admitted++;
    }
    const action = joinAction(room.enrolled[e.who.participantId], seconds());
    if (action.kind !== "reuse") {
      const wait = gate(1);
      if (wait !== null) {
        schedule({ ...e, at: wait, seated: true });
        continue;
      }
      const meetingId = room.meetingId as string;
      if (action.kind === "refresh") {
        const r = await api.refreshToken(meetingId, action.rtkParticipantId);
        if (!r.ok) throw new Error("refresh at join failed");
        const enrolment = room.enrolled[e.who.participantId] as Enrolment;
        keep(room, e.who.participantId, enrolment.preset, enrolment.rtkParticipantId, r.token, r.expiresAt);
      } else {
        lateAdds++;
        const preset = presetFor(e.who.role);
        const r = await api.addParticipant(meetingId, { participantId: e.who.participantId, name: "Alias", preset });
        if (!r.ok) throw new Error("add at join failed");
        keep(room, e.who.participantId, preset, r.participantId, r.token, r.expiresAt);
      }
    }
    handed.push({
      room,
      who: e.who,
      token: room.tokens.get(e.who.participantId) as string,
      waitedMs: clock.ms - e.askedAt,
      servedAt: clock.ms,
      action: action.kind,
    });
    const info = rtk.tokenInfo(room.tokens.get(e.who.participantId) as string);
    expect(info).toMatchObject({ meetingId: room.meetingId, customParticipantId: e.who.participantId, valid: true });
  }

  const addsPerPerson = new Map<string, number>();
  for (const c of rtk.calls.filter((c) => c.method === "POST" && c.path.endsWith("/participants"))) {
    const key = `${c.path}:${JSON.parse(c.body ?? "{}").custom_participant_id}`;
    addsPerPerson.set(key, (addsPerPerson.get(key) ?? 0) + 1);
  }
  const inRush = rtk.calls.filter((c) => c.at >= RUSH);
  return {
    rtk,
    handed,
    refused,
    lateAdds,
    addsPerPerson,
    figures: {
      calls: rtk.calls.length,
      maxInWindow: rtk.maxInWindow(),
      rushCalls: inRush.length,
      rushMinuteCalls: inRush.filter((c) => c.at < RUSH + 60_000).length,
      rushAdds: inRush.filter((c) => c.path.endsWith("/participants")).length,
      throttled: rtk.calls.filter((c) => c.status === 429).length,
      refreshedAtJoin: handed.filter((h) => h.action === "refresh").length,
      reusedAtJoin: handed.filter((h) => h.action === "reuse").length,
      longestWaitMs: Math.max(0, ...handed.map((h) => h.waitedMs)),
      lastTokenAfterMs: Math.max(0, ...handed.map((h) => h.servedAt - RUSH)),
    },
  };
}

function expectCapsExact(result: Awaited<ReturnType<typeof rush>>) {
  const clients = new Map<string, number>();
  const facilitators = new Map<string, number>();
  for (const h of result.handed) {
    const byRole = h.who.role === "client" ? clients : facilitators;
    byRole.set(h.room.name, (byRole.get(h.room.name) ?? 0) + 1);
  }
  expect(clients.size).toBe(GROUPS);
  expect([...clients.values()].every((n) => n === CAP)).toBe(true);
  expect([...facilitators.values()].every((n) => n === 1)).toBe(true);
  expect(facilitators.size).toBe(GROUPS);
  expect(result.refused).toHaveLength(GROUPS * (CLIENTS - CAP));
  // Nobody refused was given anything, and nobody got two tokens.
  const got = new Set(result.handed.map((h) => h.who.participantId));
  expect(result.refused.some((r) => got.has(r.who.participantId))).toBe(false);
  expect(got.size).toBe(result.handed.length);
}

describe("RealtimeKit 09:00 rush: 100 groups × 12 clients against the stand-in", () => {
  it("at the documented 3,500 per five minutes (planning for 3,000), with 30-minute tokens: never throttled, exactly the cap admitted", async () => {
    const result = await rush({
      serverLimit: REALTIMEKIT_API_LIMIT,
      planned: REALTIMEKIT_PLANNED_LIMIT,
      tokenTtlSeconds: 1800,
    });
    console.warn("realtimekit rush at 3,500/5 min:", JSON.stringify(result.figures));
    expect(result.figures.throttled).toBe(0);
    expect(result.figures.maxInWindow).toBeLessThanOrEqual(REALTIMEKIT_PLANNED_LIMIT);
    expectCapsExact(result);
    // Everyone was added once, ahead of the rush; joins only reused or refreshed, and none waited.
    expect(result.addsPerPerson.size).toBe(GROUPS * (CLIENTS + 1));
    expect([...result.addsPerPerson.values()].every((n) => n === 1)).toBe(true);
    expect(result.figures.rushAdds).toBe(0);
    expect(result.lateAdds).toBe(0);
    expect(result.figures.longestWaitMs).toBe(0);
  });

  it("at Cloudflare's global 1,200 per five minutes (planning for 1,000): enrolment spreads out, still never throttled", async () => {
    const result = await rush({ serverLimit: 1200, planned: 1000, tokenTtlSeconds: 1800 });
    console.warn("realtimekit rush at 1,200/5 min:", JSON.stringify(result.figures));
    expect(result.figures.throttled).toBe(0);
    expect(result.figures.maxInWindow).toBeLessThanOrEqual(1000);
    expectCapsExact(result);
    expect([...result.addsPerPerson.values()].every((n) => n === 1)).toBe(true);
    expect(result.figures.rushAdds).toBe(0);
    expect(result.lateAdds).toBe(0);
  });

  it("with the alarms lost after enrolment, tokens run out: every admitted join refreshes within the minute, none re-adds", async () => {
    const result = await rush({
      serverLimit: REALTIMEKIT_API_LIMIT,
      planned: REALTIMEKIT_PLANNED_LIMIT,
      tokenTtlSeconds: 1800,
      alarms: "once",
    });
    console.warn("realtimekit rush, alarms lost, 3,500/5 min:", JSON.stringify(result.figures));
    expect(result.figures.throttled).toBe(0);
    expect(result.figures.maxInWindow).toBeLessThanOrEqual(REALTIMEKIT_PLANNED_LIMIT);
    expectCapsExact(result);
    expect(result.figures.refreshedAtJoin).toBe(GROUPS * (CAP + 1));
    expect(result.figures.rushMinuteCalls).toBe(GROUPS * (CAP + 1));
    expect(result.figures.rushAdds).toBe(0);
    expect([...result.addsPerPerson.values()].every((n) => n === 1)).toBe(true);
    expect(result.figures.longestWaitMs).toBe(0);
  });

  it("alarms lost and only 1,000 planned: the joins over budget wait for the window to roll rather than trip the limit", async () => {
    const result = await rush({ serverLimit: 1200, planned: 1000, tokenTtlSeconds: 1800, alarms: "once" });
    console.warn("realtimekit rush, alarms lost, 1,200/5 min:", JSON.stringify(result.figures));
    expect(result.figures.throttled).toBe(0);
    expect(result.figures.maxInWindow).toBeLessThanOrEqual(1000);
    expectCapsExact(result);
    expect(result.figures.rushAdds).toBe(0);
    // 1,100 refreshes against 1,000 a window: the last hundred wait, at most one window (and a bucket).
    expect(result.figures.longestWaitMs).toBeGreaterThan(0);
    expect(result.figures.lastTokenAfterMs).toBeLessThanOrEqual(60_000 + REALTIMEKIT_WINDOW_MS + 1000);
  });

  it("with tokens that carry no expiry (assumed to last an hour): the same, joins reuse what the alarm kept fresh", async () => {
    const result = await rush({
      serverLimit: REALTIMEKIT_API_LIMIT,
      planned: REALTIMEKIT_PLANNED_LIMIT,
      tokenTtlSeconds: null,
    });
    console.warn("realtimekit rush, tokens without exp:", JSON.stringify(result.figures));
    expect(result.figures.throttled).toBe(0);
    expect(result.figures.maxInWindow).toBeLessThanOrEqual(REALTIMEKIT_PLANNED_LIMIT);
    expectCapsExact(result);
    expect(result.figures.rushAdds).toBe(0);
  });
});
