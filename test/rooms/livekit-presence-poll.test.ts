import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { livekitAuthorization } from "../calendar/providers/senders.ts";
import type { StandInParticipant } from "../stand-ins/livekit-room-service.ts";
import { liveKitGroup } from "./livekit-fixture.ts";

const MIN = 60_000;

/**
 * LiveKit drops webhooks; the room polls LiveKit's participant list while it is live and merges it
 * with the webhook facts. Driven alarm by alarm (each at its own scheduled time) against the local
 * RoomService stand-in, whose participant list follows a scripted truth.
 */
describe("presence reconciled with LiveKit's participant list", () => {
  it("a lost participant_joined and a lost participant_left still end within 15 s of LiveKit's truth", async () => {
    const { s, livekit, room, name } = await liveKitGroup(4);
    const [a, b, c, d] = s.clients as [string, string, string, string];
    const start = Date.parse(s.at(0));
    s.clock.set(Date.parse(s.at(-2)));
    for (const id of [a, b, c, d]) expect((await s.join(id)).status).toBe(200);
    // a's participant_joined arrives; b's is lost; c's participant_left (at 60 min) is lost; d never connects.
    const body = JSON.stringify({
      id: "EV_a",
      event: "participant_joined",
      createdAt: String(start / 1000),
      room: { sid: "RM_x", name },
      participant: { sid: "PA_a", identity: a, name: "" },
    });
    s.clock.set(Date.now());
    const hook = await s.call("POST", `/v1/webhooks/video/${s.programId}/livekit`, {
      raw: body,
      headers: {
        "content-type": "application/webhook+json",
        authorization: await livekitAuthorization(env.LIVEKIT_API_KEY, env.LIVEKIT_API_SECRET, body),
      },
    });
    expect(hook.body).toEqual({ accepted: 1 });
    const truth = (t: number): StandInParticipant[] => [
      ...(t >= start ? [{ identity: a, joinedAtMs: start }] : []),
      ...(t >= start + MIN ? [{ identity: b, joinedAtMs: start + MIN }] : []),
      ...(t >= start && t < start + 60 * MIN ? [{ identity: c, joinedAtMs: start }] : []),
      // Someone LiveKit lists that the room does not know (an egress): ignored.
      { identity: "EG_recorder", joinedAtMs: start, kind: "EGRESS" as const },
    ];
    // Any change to the session hands the room a new binding, which arms its alarm: polling starts.
    s.clock.set(Date.parse(s.at(-1)));
    expect((await s.call("PATCH", `/v1/sessions/${s.sessionId}`, { token: s.admin, body: { cap: 11 } })).status).toBe(
      200,
    );
    let polls = 0;
    for (let i = 0; i < 2000; i++) {
      const at = await runInDurableObject(room, (_instance, state) => state.storage.getAlarm());
      if (at === null) break;
      livekit.setParticipants(name, truth(at));
      await runDurableObjectAlarm(room);
      polls++;
    }
    const lists = livekit.calls.filter((x) => x.method === "ListParticipants");
    expect(lists.length).toBeGreaterThan(700); // every 15 s for the 3 h 10 min the room is live
    expect(lists.every((x) => x.status === 200 && x.room === name)).toBe(true);
    expect(lists[0]?.claims?.video).toMatchObject({ room: name, roomAdmin: true });
    expect(polls).toBeGreaterThan(lists.length - 1);

    const ledger = await s.call("GET", `/v1/programs/${s.programId}/attendance?from=${s.day}&to=${s.day}`, {
      token: s.admin,
    });
    const byClient = Object.fromEntries(
      ledger.body.records
        .filter((r: { sessionId: string }) => r.sessionId === s.sessionId)
        .map((r: { clientId: string }) => [r.clientId, r]),
    );
    expect(byClient[a]).toMatchObject({ status: "present", attendedMinutes: 180 });
    expect(byClient[b]).toMatchObject({ status: "present", attendedMinutes: 179, firstArrivalAt: s.at(1) });
    expect(byClient[c]).toMatchObject({ status: "partial", attendedMinutes: 60 });
    const cLeft = Date.parse(byClient[c].lastDepartureAt);
    expect(Math.abs(cLeft - (start + 60 * MIN))).toBeLessThanOrEqual(15_000);
    expect(byClient[d]).toMatchObject({ status: "no-show", attendedMinutes: 0 });
    expect(byClient.EG_recorder).toBeUndefined();
  });
});
