import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { RtkView } from "../../src/video/realtimekit/enrolment-runner.ts";
import { routeFetch } from "../calendar/fixtures.ts";
import { realtimeKitStandIn } from "../stand-ins/realtimekit-server.ts";
import { groupSession } from "./fixtures.ts";

// Issue 18: a join and the room's alarm adding the same person at the same moment. Each interleaving is
// driven deterministically by holding one Add Participant answer at a gate in front of the stand-in
// (the participant is made on RealtimeKit's side; only its answer is late). Whatever the order, the
// room keeps the first answer it records, the join hands out that participant's token, and the stand-in
// ends with exactly one participant per person: the extra is deleted by whoever got it, or by the
// room's provider-call outbox when that delete fails.
afterEach(() => vi.restoreAllMocks());

type Fetch = ReturnType<typeof realtimeKitStandIn>["fetch"];
type Init = Parameters<Fetch>[1];

/** Wait, in the caller's own context, until `done()` holds (a few seconds at most). */
async function until(done: () => boolean) {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!done()) throw new Error("the interleaving never got there");
}

/**
 * A gate in front of the stand-in: `hold(who)` makes the answer to the next Add Participant for `who`
 * wait for `release()`. The two sides share plain flags and each polls in its own context: the room's
 * alarm and the test are different I/O contexts, and a promise one resolves for the other would run the
 * other's code in the wrong one.
 */
function gate(inner: Fetch) {
  const holds: { who: string; reached: boolean; released: boolean }[] = [];
  const fetch: Fetch = async (url: string, init: Init) => {
    const res = await inner(url, init);
    const who = init.method === "POST" && url.endsWith("/participants") ? JSON.parse(init.body ?? "{}") : null;
    const hold = holds.find((h) => !h.reached && h.who === who?.custom_participant_id);
    if (hold) {
      hold.reached = true;
      await until(() => hold.released);
    }
    return res;
  };
  const hold = (who: string) => {
    const h = { who, reached: false, released: false };
    holds.push(h);
    return {
      reached: () => until(() => h.reached),
      release: () => {
        h.released = true;
      },
    };
  };
  return { fetch, hold };
}

async function raceRoom() {
  const s = await groupSession({ clients: 2, cap: 2, settings: { videoProvider: "realtimekit" } });
  const rtk = realtimeKitStandIn({
    accountId: env.REALTIMEKIT_ACCOUNT_ID,
    appId: env.REALTIMEKIT_APP_ID,
    apiToken: env.REALTIMEKIT_API_TOKEN,
    baseUrl: env.REALTIMEKIT_API_URL,
    now: () => s.clock.now(),
  });
  const g = gate(rtk.fetch);
  routeFetch({ "realtimekit.fake.test": g.fetch as never });
  // Opened inside the join window, which is inside the pre-enrolment lead: the room's alarm is due now.
  await s.open();
  s.clock.set(s.at(-5));
  const room = env.ROOMS.getByName(s.sessionId);
  const view = (id: string) =>
    runInDurableObject(room, (r) => (r as unknown as { realtimeKit(id: string): RtkView }).realtimeKit(id));
  const pending = () =>
    runInDurableObject(room, (_r, state) =>
      state.storage.sql.exec<{ identity: string }>("SELECT identity FROM provider_calls WHERE done = 0").toArray(),
    );
  const everyone = ["fac_1", ...s.clients, "adm_obs"];
  /** How many participants RealtimeKit holds for each person of the session, in the one meeting. */
  const perPerson = () => {
    expect(rtk.meetings.size).toBe(1);
    const [meetingId] = [...rtk.meetings.keys()] as [string];
    return Object.fromEntries(everyone.map((id) => [id, rtk.participantsOf(meetingId, id).length]));
  };
  const one = Object.fromEntries(everyone.map((id) => [id, 1]));
  const addsFor = (id: string) =>
    rtk.calls.filter(
      (c) =>
        c.method === "POST" &&
        c.path.endsWith("/participants") &&
        JSON.parse(c.body ?? "{}").custom_participant_id === id,
    );
  return { s, rtk, g, room, view, pending, perPerson, one, addsFor };
}

describe("a join and the room's alarm enrolling the same person at once", () => {
  it("both in flight, the join's answer first: the join's participant is kept, the alarm deletes its own extra", async () => {
    const { s, rtk, g, room, view, pending, perPerson, one, addsFor } = await raceRoom();
    const client = s.clients[0] as string;
    const held = g.hold(client);
    const alarm = runDurableObjectAlarm(room);
    // The alarm made the meeting and its add for the client reached RealtimeKit; the answer is held.
    await held.reached();
    const joined = await s.join(client);
    expect(joined.status, joined.text).toBe(200);
    held.release();
    expect(await alarm).toBe(true);

    expect(addsFor(client).map((c) => c.status)).toEqual([201, 201]);
    const kept = rtk.tokenInfo(joined.body.token);
    expect(kept).toMatchObject({ customParticipantId: client, valid: true });
    expect((await view(client)).enrolment?.rtkParticipantId).toBe(kept?.participantId);
    // The alarm's participant (the other add) is gone: one DELETE, no kick (that would disconnect the client).
    const deletes = rtk.calls.filter((c) => c.method === "DELETE");
    expect(deletes.map((c) => c.status)).toEqual([200]);
    expect(deletes[0]?.path).not.toContain(kept?.participantId as string);
    expect(rtk.calls.some((c) => c.path.endsWith("/kick"))).toBe(false);
    expect(perPerson()).toEqual(one);
    expect(await pending()).toEqual([]);
    // The next join reuses the kept token and calls nothing.
    const before = rtk.calls.length;
    expect((await s.join(client)).body.token).toBe(joined.body.token);
    expect(rtk.calls.length).toBe(before);
  });

  it("both in flight, the alarm's answer first: the join hands out the alarm's participant and deletes its own", async () => {
    const { s, rtk, g, room, view, pending, perPerson, one, addsFor } = await raceRoom();
    const client = s.clients[0] as string;
    // The facilitator's join makes the meeting first, so the race is over the client alone.
    expect((await s.call("POST", `/v1/sessions/${s.sessionId}/join`, { token: s.facilitator })).status).toBe(200);
    const held = g.hold(client);
    const join = s.join(client);
    await held.reached();
    expect(await runDurableObjectAlarm(room)).toBe(true);
    const alarmKept = (await view(client)).enrolment;
    expect(alarmKept).not.toBeNull();
    held.release();
    const joined = await join;
    expect(joined.status, joined.text).toBe(200);

    expect(addsFor(client)).toHaveLength(2);
    expect(joined.body.token).toBe(alarmKept?.token);
    expect(rtk.tokenInfo(joined.body.token)).toMatchObject({
      participantId: alarmKept?.rtkParticipantId,
      customParticipantId: client,
      valid: true,
    });
    expect(perPerson()).toEqual(one);
    expect(await pending()).toEqual([]);
  });

  it("the extra's delete fails: the room's outbox deletes it at its next alarm, and the kept one stays", async () => {
    const { s, rtk, g, room, view, pending, perPerson, one } = await raceRoom();
    const client = s.clients[0] as string;
    expect((await s.call("POST", `/v1/sessions/${s.sessionId}/join`, { token: s.facilitator })).status).toBe(200);
    const held = g.hold(client);
    const join = s.join(client);
    await held.reached();
    expect(await runDurableObjectAlarm(room)).toBe(true);
    // The next call RealtimeKit sees is the join's delete of its extra: it fails.
    rtk.failNext(503);
    held.release();
    const joined = await join;
    expect(joined.status, joined.text).toBe(200);
    expect(rtk.calls.at(-1)).toMatchObject({ method: "DELETE", status: 503 });
    expect(perPerson()).toEqual({ ...one, [client]: 2 });
    expect(await pending()).toEqual([{ identity: expect.stringMatching(/^rtk-extra\//) }]);

    expect(await runDurableObjectAlarm(room)).toBe(true);
    expect(rtk.calls.at(-1)).toMatchObject({ method: "DELETE", status: 200 });
    expect(perPerson()).toEqual(one);
    expect(await pending()).toEqual([]);
    const kept = rtk.tokenInfo(joined.body.token);
    expect(kept?.valid).toBe(true);
    expect((await view(client)).enrolment?.rtkParticipantId).toBe(kept?.participantId);
  });
});
