import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { presenceIntervals } from "../../src/attendance/intervals.ts";
import {
  type KnownPresence,
  type ListedParticipant,
  type ReconcileFact,
  reconcilePresence,
} from "../../src/rooms/presence-reconcile.ts";

const A = "clt_7f3k2p9d4x";
const B = "clt_2m8q1x0abc";
const T = 1_760_000_000_000;
const POLLED = T + 600_000;

const active = (identity: string, joinedAtMs: number): ListedParticipant => ({ identity, joinedAtMs, state: "active" });
const simple = (fs: ReconcileFact[]) => fs.map((f) => [f.type, f.identity, f.at]);

describe("reconcilePresence: which source wins", () => {
  it("counts only identities the room knows: an egress or agent listed beside them is ignored", () => {
    const known: KnownPresence[] = [{ identity: A, connected: false }];
    const listed = [active("EG_recorder", T), active("agent-AJ_x1", T), active(A, T + 5)];
    expect(simple(reconcilePresence(known, listed, POLLED))).toEqual([["connect", A, T + 5]]);
    expect(reconcilePresence([], listed, POLLED)).toEqual([]);
  });

  it("a listed joined or active participant the room sees gone connects at LiveKit's join time, with an id every poll repeats", () => {
    const known: KnownPresence[] = [
      { identity: A, connected: false },
      { identity: B, connected: false },
    ];
    const listed: ListedParticipant[] = [active(A, T + 1234), { identity: B, joinedAtMs: T + 99, state: "joined" }];
    const first = reconcilePresence(known, listed, POLLED);
    expect(first).toEqual([
      { eventId: `poll:join:${B}:${T + 99}`, identity: B, type: "connect", at: T + 99 },
      { eventId: `poll:join:${A}:${T + 1234}`, identity: A, type: "connect", at: T + 1234 },
    ]);
    expect(reconcilePresence(known, listed, POLLED + 15_000)).toEqual(first);
  });

  it("joining is not connected: no connect; a newer connection joining means the one the room sees is over", () => {
    const joining: ListedParticipant = { identity: A, joinedAtMs: T + 5_500, state: "joining" };
    expect(reconcilePresence([{ identity: A, connected: false }], [joining], POLLED)).toEqual([]);
    const over = [{ eventId: `poll:left:${A}:${T + 4_500}`, identity: A, type: "disconnect", at: T + 4_500 }];
    expect(reconcilePresence([{ identity: A, connected: true, connectedSince: T }], [joining], POLLED)).toEqual(over);
    // Without connectedSince, joining alone tells: the room never counts a connection still joining.
    expect(reconcilePresence([{ identity: A, connected: true }], [joining], POLLED)).toEqual(over);
    // Within a second of the room's connect it may be that connection's clock; a disconnect at the poll could never be undone.
    expect(reconcilePresence([{ identity: A, connected: true, connectedSince: T + 4_600 }], [joining], POLLED)).toEqual(
      [],
    );
    // Once it is active the next poll connects it after that disconnect, so the room sees it again.
    const later = reconcilePresence([{ identity: A, connected: false }], [active(A, T + 5_500)], POLLED + 15_000);
    expect(simple(later)).toEqual([["connect", A, T + 5_500]]);
  });

  it("a participant the room sees connected who is not listed, or listed as disconnected, leaves a second before the poll", () => {
    const known: KnownPresence[] = [
      { identity: A, connected: true, connectedSince: T },
      { identity: B, connected: true },
    ];
    const listed: ListedParticipant[] = [{ identity: B, joinedAtMs: T - 5_000, state: "disconnected" }];
    const left = POLLED - 1_000;
    expect(reconcilePresence(known, listed, POLLED)).toEqual([
      { eventId: `poll:left:${B}:${left}`, identity: B, type: "disconnect", at: left },
      { eventId: `poll:left:${A}:${left}`, identity: A, type: "disconnect", at: left },
    ]);
    expect(reconcilePresence([{ identity: B, connected: false }], listed, POLLED)).toEqual([]);
  });

  it("a connection that began after the list was made still counts: its webhook time, rounded down, follows the poll's disconnect", () => {
    // The list (asked for at POLLED) misses a join at POLLED + 300; its webhook says POLLED, in whole seconds.
    const webhookJoin = {
      eventId: "wh_1",
      participantId: A,
      type: "connect" as const,
      at: POLLED,
      source: "provider" as const,
    };
    const earlier = { ...webhookJoin, eventId: "wh_0", at: T };
    const poll = reconcilePresence([{ identity: A, connected: true, connectedSince: POLLED }], [], POLLED);
    const events = [
      earlier,
      webhookJoin,
      ...poll.map((f) => ({ ...f, participantId: f.identity, source: "provider" as const })),
    ];
    expect(presenceIntervals(events, { sessionEnd: POLLED + 60_000 }).get(A)).toEqual([
      { start: T, end: POLLED - 1_000 },
      { start: POLLED, end: POLLED + 60_000 },
    ]);
  });

  it("agreement adds nothing: connected and listed with the connection the room knows (within the webhooks' whole second)", () => {
    const known: KnownPresence[] = [{ identity: A, connected: true, connectedSince: T }];
    expect(reconcilePresence(known, [active(A, T + 1_000)], POLLED)).toEqual([]);
    expect(reconcilePresence(known, [active(A, T - 3_000)], POLLED)).toEqual([]);
    expect(reconcilePresence([{ identity: A, connected: true }], [active(A, T + 60_000)], POLLED)).toEqual([]);
  });

  it("a reconnect whose left and joined webhooks were both lost: a disconnect just before the new join, then the join", () => {
    const known: KnownPresence[] = [{ identity: A, connected: true, connectedSince: T }];
    expect(reconcilePresence(known, [active(A, T + 1_001)], POLLED)).toEqual([
      { eventId: `poll:left:${A}:${T + 1}`, identity: A, type: "disconnect", at: T + 1 },
      { eventId: `poll:join:${A}:${T + 1_001}`, identity: A, type: "connect", at: T + 1_001 },
    ]);
    // A newer connection already on its way out ends the old one there, and is not counted.
    const gone: ListedParticipant = { identity: A, joinedAtMs: T + 90_000, state: "disconnected" };
    expect(simple(reconcilePresence(known, [gone], POLLED))).toEqual([["disconnect", A, T + 89_000]]);
  });

  it("of two listings of one identity the newer connection counts; a participant known twice is reconciled once", () => {
    const known: KnownPresence[] = [
      { identity: A, connected: false },
      { identity: A, connected: false },
    ];
    const listed: ListedParticipant[] = [active(A, T + 7_000), { identity: A, joinedAtMs: T, state: "disconnected" }];
    expect(simple(reconcilePresence(known, listed, POLLED))).toEqual([["connect", A, T + 7_000]]);
  });

  it("event ids of a join and a leave never collide, though identities may hold ':'", () => {
    const left = reconcilePresence([{ identity: "x", connected: true }], [], 1_005);
    const joined = reconcilePresence([{ identity: "x:left", connected: false }], [active("x:left", 5)], 5);
    expect(left[0]?.eventId).not.toBe(joined[0]?.eventId);
  });

  it("merged with the webhooks in the room's interval math: LiveKit's precise leave, arriving after the poll's, wins", () => {
    const webhookJoin = {
      eventId: "wh_1",
      participantId: A,
      type: "connect" as const,
      at: T,
      source: "provider" as const,
    };
    const poll = reconcilePresence([{ identity: A, connected: true, connectedSince: T }], [], POLLED);
    const asEvents = poll.map((f) => ({ ...f, participantId: f.identity, source: "provider" as const }));
    const end = POLLED + 3_600_000;
    expect(presenceIntervals([webhookJoin, ...asEvents], { sessionEnd: end }).get(A)).toEqual([
      { start: T, end: POLLED - 1_000 },
    ]);
    const lateLeft = { ...webhookJoin, eventId: "wh_2", type: "disconnect" as const, at: POLLED - 8_000 };
    expect(presenceIntervals([webhookJoin, ...asEvents, lateLeft], { sessionEnd: end }).get(A)).toEqual([
      { start: T, end: POLLED - 8_000 },
    ]);
  });
});

// A simulated room: 12 participants over 3 hours, LiveKit's webhooks delayed or lost, a poll every 15 s.
const SEC = 1000;
const POLL = 15 * SEC;
const END = 3 * 3600 * SEC;
const IDS = Array.from({ length: 12 }, (_, i) => `clt_sim${i}`);

/** One connection after a gap: `joiningMs` before it is active, then listed `disconnected` for `lingerMs` after it ends. */
const connection = (minLength: number) =>
  fc.record({
    gap: fc.oneof(fc.integer({ min: 50, max: 5 * SEC }), fc.integer({ min: 5 * SEC, max: 40 * 60 * SEC })),
    length: fc.oneof(fc.integer({ min: minLength, max: 20 * SEC }), fc.integer({ min: 20 * SEC, max: 3600 * SEC })),
    joiningMs: fc.integer({ min: 0, max: 2 * SEC }),
    lingerMs: fc.integer({ min: 0, max: 20 * SEC }),
    joinLost: fc.double({ min: 0, max: 1, noNaN: true }),
    leftLost: fc.double({ min: 0, max: 1, noNaN: true }),
    joinDelay: fc.integer({ min: 0, max: 30 * SEC }),
    leftDelay: fc.integer({ min: 0, max: 30 * SEC }),
  });
const timelines = (minLength: number) =>
  fc.record({
    lossRate: fc.constantFrom(0, 0.05, 0.3, 1),
    people: fc.array(fc.array(connection(minLength), { maxLength: 30 }), { minLength: 12, maxLength: 12 }),
  });

type Timelines = ReturnType<typeof timelines> extends fc.Arbitrary<infer T> ? T : never;
type Fact = Omit<ReconcileFact, "identity">;
interface Connection {
  start: number;
  end: number;
  activeAt: number;
  lingerUntil: number;
}

/** The room's rule: in time order, a connect opens if closed, a disconnect closes if open; facts that disagree at one instant change nothing. */
function connectedTime(facts: readonly Fact[], until: number): { total: number; open: boolean; since?: number } {
  const sorted = [...new Map(facts.map((f) => [f.eventId, f])).values()].sort((a, b) => a.at - b.at);
  let open = false;
  let openedAt = 0;
  let total = 0;
  let since: number | undefined;
  for (let i = 0; i < sorted.length; ) {
    const at = (sorted[i] as Fact).at;
    const types = new Set<string>();
    for (; i < sorted.length && (sorted[i] as Fact).at === at; i++) types.add((sorted[i] as Fact).type);
    if (types.has("connect")) since = at;
    if (types.size === 2) continue;
    if (!open && types.has("connect")) [open, openedAt] = [true, at];
    if (open && types.has("disconnect")) [open, total] = [false, total + at - openedAt];
  }
  return { total: open ? total + until - openedAt : total, open, ...(open ? { since } : {}) };
}

/** Every fact the room ends with (webhooks that survived, whenever they arrived, and every poll's), per identity. */
function simulate(input: Timelines) {
  const deliveries: { at: number; identity: string; fact: Fact }[] = [];
  const truth = new Map<string, { connections: Connection[]; allowance: number; lostLeft: number }>();
  input.people.forEach((plan, p) => {
    const identity = IDS[p] as string;
    // What the lost webhooks may cost, as presence-reconcile.ts states it.
    const mine = { connections: [] as Connection[], allowance: 0, lostLeft: 0 };
    truth.set(identity, mine);
    let t = 0;
    let leftSecond: number | undefined;
    plan.forEach((c, i) => {
      const start = t + c.gap;
      if (start >= END) return;
      const end = start + c.length;
      const activeAt = start + Math.min(c.joiningMs, c.length - 1);
      mine.connections.push({ start, end, activeAt, lingerUntil: end + c.lingerMs });
      t = end;
      // Webhook times are LiveKit's `createdAt`, whole seconds; participant_joined is sent once active.
      const joinLost = c.joinLost < input.lossRate;
      const joinAt = Math.floor(activeAt / SEC) * SEC;
      // A join stamped with the previous leave's second cannot be ordered after it: only a poll sees it.
      if (joinLost || joinAt === leftSecond) mine.allowance += POLL;
      if (!joinLost)
        deliveries.push({
          at: activeAt + c.joinDelay,
          identity,
          fact: { eventId: `wh:${i}:in`, type: "connect", at: joinAt },
        });
      leftSecond = undefined;
      if (end >= END) return;
      if (c.leftLost < input.lossRate) {
        mine.allowance += POLL + (joinLost ? 0 : c.joinDelay);
        mine.lostLeft++;
      } else {
        leftSecond = Math.floor(end / SEC) * SEC;
        deliveries.push({
          at: end + c.leftDelay,
          identity,
          fact: { eventId: `wh:${i}:out`, type: "disconnect", at: leftSecond },
        });
      }
    });
  });
  deliveries.sort((a, b) => a.at - b.at);

  const recorded = new Map<string, Fact[]>(IDS.map((id) => [id, []]));
  let next = 0;
  for (let polledAt = POLL; polledAt < END; polledAt += POLL) {
    for (; next < deliveries.length && (deliveries[next]?.at ?? END) <= polledAt; next++) {
      const d = deliveries[next] as (typeof deliveries)[number];
      recorded.get(d.identity)?.push(d.fact);
    }
    const known: KnownPresence[] = IDS.map((identity) => {
      const now = connectedTime(recorded.get(identity) ?? [], polledAt);
      return now.since === undefined
        ? { identity, connected: now.open }
        : { identity, connected: true, connectedSince: now.since };
    });
    known.push({ identity: "clt_never", connected: false });
    const listed: ListedParticipant[] = [active("EG_recorder", 0)];
    for (const [identity, { connections }] of truth) {
      const c = connections.findLast((x) => x.start <= polledAt);
      if (!c || polledAt >= c.lingerUntil) continue;
      const state = polledAt >= c.end ? "disconnected" : polledAt < c.activeAt ? "joining" : "active";
      listed.push({ identity, joinedAtMs: c.start, state });
    }
    for (const f of reconcilePresence(known, listed, polledAt)) recorded.get(f.identity)?.push(f);
  }
  for (const d of deliveries.slice(next)) recorded.get(d.identity)?.push(d.fact);
  return { truth, recorded };
}

describe("reconcilePresence over a simulated room", () => {
  /** Webhook times are whole seconds and a join is sent once active (≤ 2 s here): each connection may be off by 3 s. */
  const perConnection = 3 * SEC;
  const check = (minLength: number, allowance: (t: { allowance: number; lostLeft: number }) => number) =>
    fc.assert(
      fc.property(timelines(minLength), (input) => {
        const { truth, recorded } = simulate(input);
        for (const [identity, t] of truth) {
          const real = t.connections.reduce((sum, c) => sum + Math.min(c.end, END) - c.start, 0);
          // The room counts nothing after its end (a join webhook sent once active may be stamped later).
          const seen = connectedTime(
            (recorded.get(identity) ?? []).filter((f) => f.at < END),
            END,
          ).total;
          expect(Math.abs(seen - real)).toBeLessThanOrEqual(allowance(t) + perConnection * t.connections.length);
        }
      }),
      { numRuns: 100 },
    );

  it("a lost join costs at most one poll interval; a lost leave, one interval plus how late its join arrived", () => {
    check(SEC, (t) => t.allowance);
  });

  it("when every connection outlasts a poll interval, only lost participant_left webhooks cost time", () => {
    check(POLL + 2 * SEC + 1, (t) => POLL * t.lostLeft);
  });
});
