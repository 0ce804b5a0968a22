import { describe, expect, it } from "vitest";
import { RESCHEDULE_HOLD_MS } from "../../src/calendar/apply-changes.ts";
import { iso } from "../dates.ts";
import { atSecond, booking, type CalendarProgram, CLIENTS, calendarProgram, on, SECRETS } from "./fixtures.ts";
import { calcomHeaders } from "./providers/senders.ts";

/** One Cal.com delivery of a chain. */
interface Step {
  name: string;
  trigger: string;
  over: Parameters<typeof booking>[1];
}

const at = (s: number) => new Date(atSecond(s)).toISOString();

// Cal.com's chain: booking A; a reschedule makes booking B (`rescheduleUid: A`), another makes C
// (`rescheduleUid: B`). Each carries the new booking's times; `createdAt` is the sender's own order.
const CREATED_A: Step = { name: "created(A)", trigger: "BOOKING_CREATED", over: { uid: "bk_A" } };
const TO_B: Step = {
  name: "rescheduled(B<-A)",
  trigger: "BOOKING_RESCHEDULED",
  over: { uid: "bk_B", rescheduleUid: "bk_A", createdAt: at(10), startTime: on(1, "09:00"), endTime: on(1, "10:00") },
};
const TO_C: Step = {
  name: "rescheduled(C<-B)",
  trigger: "BOOKING_RESCHEDULED",
  over: { uid: "bk_C", rescheduleUid: "bk_B", createdAt: at(20), startTime: on(2, "11:00"), endTime: on(2, "12:00") },
};
const CANCEL_C: Step = {
  name: "cancelled(C)",
  trigger: "BOOKING_CANCELLED",
  over: { uid: "bk_C", createdAt: at(30), startTime: on(2, "11:00"), endTime: on(2, "12:00") },
};
// "Request reschedule": A is cancelled so that the attendee rebooks; the rebooking is a reschedule of A.
const REQUEST_A: Step = {
  name: "cancelled(A, requestReschedule)",
  trigger: "BOOKING_CANCELLED",
  over: { uid: "bk_A", requestReschedule: true, createdAt: at(10) },
};
const REBOOK_B: Step = {
  name: "rescheduled(B<-A)",
  trigger: "BOOKING_RESCHEDULED",
  over: { uid: "bk_B", rescheduleUid: "bk_A", createdAt: at(20), startTime: on(3, "14:00"), endTime: on(3, "15:00") },
};
// …and the rebooking moved once more.
const REBOOKED_TO_C: Step = {
  name: "rescheduled(C<-B)",
  trigger: "BOOKING_RESCHEDULED",
  over: { uid: "bk_C", rescheduleUid: "bk_B", createdAt: at(30), startTime: on(4, "08:00"), endTime: on(4, "09:00") },
};

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((x, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((p) => [x, ...p]));
}

/** Every arrival order of `steps`, named for `it.each`. */
const orders = (steps: readonly Step[]) =>
  permutations(steps).map((order) => ({ order, label: order.map((s) => s.name).join(" > ") }));

async function deliver(p: CalendarProgram, step: Step) {
  const raw = JSON.stringify(booking(step.trigger, step.over));
  return p.post("calcom", raw, await calcomHeaders(SECRETS.calcom, raw));
}

/**
 * Deliver in this order; after each delivery, the booking has at most one scheduled session. (A, then
 * B→C: nothing says C is A's until A→B arrives, so C waits, held, instead of standing beside A's.)
 */
async function play(order: readonly Step[]) {
  const p = await calendarProgram();
  for (let i = 0; i < order.length; i++) {
    const reply = await deliver(p, order[i] as Step);
    expect(reply.body, reply.text).toEqual({ status: "applied" });
    const scheduled = (await p.sessions()).filter((s) => s.status === "scheduled");
    expect(scheduled.length, `after ${i + 1} deliveries`).toBeLessThanOrEqual(1);
  }
  return p;
}

/** What the clinic sees of the program's calendar sessions, and what the calendar tables keep. */
async function endState(p: CalendarProgram) {
  return {
    sessions: (await p.sessions()).map((s) => ({
      status: s.status,
      startsAt: s.startsAt,
      endsAt: s.endsAt,
      clientIds: s.clientIds,
      origin: s.origin.type === "calendar" ? s.origin.externalId : null,
    })),
    events: await p.rows("SELECT external_id, cancelled FROM calendar_events ORDER BY external_id"),
    aliases: await p.rows("SELECT alias, external_id FROM calendar_aliases ORDER BY alias"),
  };
}

const clients = [CLIENTS.calcom, CLIENTS.jane].sort();
const chainAliases = [
  { alias: "bk_B", external_id: "bk_A" },
  { alias: "bk_C", external_id: "bk_A" },
];

describe("a Cal.com reschedule chain gives the same sessions in any arrival order", () => {
  it.each(orders([CREATED_A, TO_B, TO_C]))("A, A→B, B→C: $label", async ({ order }) => {
    const p = await play(order);
    expect(await endState(p)).toEqual({
      sessions: [
        { status: "scheduled", startsAt: on(2, "11:00"), endsAt: on(2, "12:00"), clientIds: clients, origin: "bk_A" },
      ],
      events: [{ external_id: "bk_A", cancelled: 0 }],
      aliases: chainAliases,
    });
  });

  it.each(orders([CREATED_A, REQUEST_A, REBOOK_B]))(
    "request-reschedule of A, rebooked as B: $label",
    async ({ order }) => {
      const p = await play(order);
      expect(await endState(p)).toEqual({
        sessions: [
          { status: "scheduled", startsAt: on(3, "14:00"), endsAt: on(3, "15:00"), clientIds: clients, origin: "bk_A" },
        ],
        events: [{ external_id: "bk_A", cancelled: 0 }],
        aliases: [{ alias: "bk_B", external_id: "bk_A" }],
      });
    },
  );

  it.each(orders([CREATED_A, REQUEST_A, REBOOK_B, REBOOKED_TO_C]))(
    "request-reschedule, rebooked, moved again: $label",
    async ({ order }) => {
      const p = await play(order);
      expect(await endState(p)).toEqual({
        sessions: [
          { status: "scheduled", startsAt: on(4, "08:00"), endsAt: on(4, "09:00"), clientIds: clients, origin: "bk_A" },
        ],
        events: [{ external_id: "bk_A", cancelled: 0 }],
        aliases: chainAliases,
      });
    },
  );

  it.each(orders([CREATED_A, TO_B, TO_C, CANCEL_C]))("A, A→B, B→C, then C cancelled: $label", async ({ order }) => {
    const p = await play(order);
    const { sessions, ...tables } = await endState(p);
    expect(tables).toEqual({ events: [{ external_id: "bk_A", cancelled: 1 }], aliases: chainAliases });
    // A booking cancelled before its first delivery arrived never became a session (a cancel before
    // its create); one the clinic did see stays, cancelled, at the chain's last times. Never two.
    expect(sessions.length).toBeLessThanOrEqual(1);
    for (const s of sessions) {
      expect(s).toEqual({
        status: "cancelled",
        startsAt: on(2, "11:00"),
        endsAt: on(2, "12:00"),
        clientIds: clients,
        origin: "bk_A",
      });
    }
    if (order[0] === CREATED_A) expect(sessions).toHaveLength(1);
  });
});

/** Release what is held: the hold runs out by the program's clock, and its alarm runs. */
async function holdRunsOut(p: CalendarProgram) {
  p.clock.advance(RESCHEDULE_HOLD_MS);
  await p.followUps();
}

const chores = async (p: CalendarProgram) =>
  (await p.call("GET", `/v1/programs/${p.programId}/integrations/calendar`, { token: p.admin })).body.chores;

describe("a reschedule of a booking the program never saw is held until its chain links it", () => {
  it("gets its session only once the hold runs out with no link (the booking predates the integration)", async () => {
    const p = await calendarProgram();
    const heldAt = p.clock.now();
    expect((await deliver(p, TO_C)).body).toEqual({ status: "applied" });
    expect(await p.sessions()).toEqual([]);
    expect(await chores(p)).toEqual([
      { kind: "calendar-release", ref: "calcom:bk_B", dueAt: iso(heldAt + RESCHEDULE_HOLD_MS), attempts: 0 },
    ]);
    p.clock.advance(RESCHEDULE_HOLD_MS - 1000);
    await p.followUps();
    expect(await p.sessions()).toEqual([]);
    p.clock.advance(1000);
    expect(await p.followUps()).toBe(1);
    expect(await p.sessions()).toMatchObject([
      { status: "scheduled", startsAt: on(2, "11:00"), endsAt: on(2, "12:00"), origin: { externalId: "bk_B" } },
    ]);
    expect(await chores(p)).toEqual([]);
    const trail = await p.rows("SELECT actor, outcome FROM audit WHERE action = 'session.sync' ORDER BY seq");
    expect(trail).toEqual([{ actor: "calendar:calcom", outcome: "created:v1" }]);
  });

  it("its booking's own creation releases it at once, at the chain's latest times", async () => {
    const p = await calendarProgram();
    await deliver(p, TO_B);
    expect(await p.sessions()).toEqual([]);
    await deliver(p, CREATED_A);
    expect(await p.sessions()).toMatchObject([
      { status: "scheduled", startsAt: on(1, "09:00"), origin: { externalId: "bk_A" } },
    ]);
    // The release item finds nothing held any more: it changes nothing.
    await holdRunsOut(p);
    expect(await p.sessions()).toHaveLength(1);
    expect(await chores(p)).toEqual([]);
  });

  it("a held chain cancelled for good never gets a session, not even once the hold runs out", async () => {
    const p = await calendarProgram();
    await deliver(p, TO_C);
    await deliver(p, CANCEL_C);
    await holdRunsOut(p);
    expect(await p.sessions()).toEqual([]);
    expect(await p.rows("SELECT external_id, cancelled FROM calendar_events")).toEqual([
      { external_id: "bk_B", cancelled: 1 },
    ]);
  });
});

describe("when both halves of a chain got a session before the delivery tying them (a link after the hold)", () => {
  it("keeps the one created first, under the chain's first uid, and removes the other", async () => {
    const p = await calendarProgram();
    await deliver(p, TO_C);
    await holdRunsOut(p);
    const [first] = await p.sessions();
    expect(first).toMatchObject({ status: "scheduled", origin: { externalId: "bk_B" } });
    p.clock.advance(60_000);
    await deliver(p, CREATED_A);
    expect((await p.sessions()).map((s) => s.status)).toEqual(["scheduled", "scheduled"]);
    await deliver(p, TO_B);
    expect(await p.sessions()).toMatchObject([
      { id: first?.id, status: "scheduled", startsAt: on(2, "11:00"), origin: { externalId: "bk_A" } },
    ]);
    expect(await p.rows("SELECT external_id FROM calendar_events")).toEqual([{ external_id: "bk_A" }]);
  });

  it("revokes what was issued for the removed one: its join token, and its id answers 404", async () => {
    const p = await calendarProgram();
    // A is booked for Thursday; Wednesday morning the chain's second reschedule (to 11:00) arrives
    // and its first one is lost long enough for the hold to run out; the client joins that half's
    // session before the first reschedule follows after all.
    await deliver(p, { ...CREATED_A, over: { uid: "bk_A", startTime: on(3, "09:00"), endTime: on(3, "10:00") } });
    const [kept] = await p.sessions();
    p.clock.set(on(2, "10:50"));
    const stamp = (m: number) => iso(Date.parse(on(2, "10:40")) + m * 60_000);
    await deliver(p, { ...TO_C, over: { ...TO_C.over, createdAt: stamp(1) } });
    await holdRunsOut(p);
    const half = (await p.sessions()).find((s) => s.id !== kept?.id);
    const path = `/v1/sessions/${half?.id}`;
    const facilitator = await p.token("facilitator", "fac_1", p.programId);
    expect((await p.call("POST", `${path}/open`, { token: facilitator })).status).toBe(200);
    const join = async () =>
      p.call("POST", `${path}/join`, { token: await p.token("client", CLIENTS.calcom, p.programId) });
    const joined = await join();
    expect(joined.status, joined.text).toBe(200);
    expect(await p.introspect(joined.body.token)).toMatchObject({ active: true, sid: half?.id });

    expect((await deliver(p, { ...TO_B, over: { ...TO_B.over, createdAt: stamp(0) } })).body).toEqual({
      status: "applied",
    });
    expect(await p.sessions()).toMatchObject([{ id: kept?.id, status: "scheduled", startsAt: on(2, "11:00") }]);
    expect(await p.introspect(joined.body.token)).toEqual({ active: false });
    expect((await join()).status).toBe(404);
    const trail = await p.rows("SELECT object, outcome FROM audit WHERE action = 'session.sync' ORDER BY seq");
    expect(trail.filter((e) => e.object === half?.id).map((e) => e.outcome)).toEqual(["created:v1", "merged:v2"]);
  });
});
