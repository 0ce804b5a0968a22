import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { roomName } from "../../src/tokens/window.ts";
import { groupSession } from "../rooms/fixtures.ts";
import { livekitAuthorization } from "../webhooks/senders.ts";

/** A LiveKit webhook body for a participant event in our room. */
function event(id: string, type: string, room: string, identity: string, at: string) {
  return JSON.stringify({
    id,
    event: type,
    createdAt: String(Date.parse(at) / 1000),
    room: { sid: "RM_x", name: room },
    participant: { sid: "PA_x", identity, name: "" },
  });
}

describe("LiveKit webhooks as presence facts", () => {
  it("counts a provider disconnect and reconnect once, ignores replays, refuses forgeries", async () => {
    const s = await groupSession({ clients: 1, settings: { videoProvider: "livekit" } });
    const client = s.clients[0] as string;
    s.clock.set(s.at(-2));
    await s.open();
    expect((await s.join(client)).status).toBe(200);
    const room = await roomName(s.sessionId, env.ROOM_SECRET);
    const send = async (body: string, auth?: string) => {
      s.clock.set(Date.now()); // LiveKit signs with its real clock
      return s.call("POST", `/v1/webhooks/video/${s.programId}/livekit`, {
        raw: body,
        headers: {
          "content-type": "application/webhook+json",
          authorization: auth ?? (await livekitAuthorization(env.LIVEKIT_API_KEY, env.LIVEKIT_API_SECRET, body)),
        },
      });
    };
    const left = event("EV_left", "participant_left", room, client, s.at(60));
    const back = event("EV_back", "participant_joined", room, client, s.at(70));
    expect((await send(left)).body).toEqual({ accepted: 1 });
    expect((await send(back)).body).toEqual({ accepted: 1 });
    expect((await send(left)).body).toEqual({ accepted: 0 });
    const forged = await send(
      left,
      await livekitAuthorization(env.LIVEKIT_API_KEY, "not-the-secret-0123456789abcdef", left),
    );
    expect(forged.status).toBe(401);
    const altered = await send(
      left.replace("EV_left", "EV_other"),
      await livekitAuthorization(env.LIVEKIT_API_KEY, env.LIVEKIT_API_SECRET, left),
    );
    expect(altered.status).toBe(401);
    const unsigned = await s.call("POST", `/v1/webhooks/video/${s.programId}/livekit`, {
      raw: left,
      headers: { "content-type": "application/json" },
    });
    expect(unsigned.status).toBe(401);

    s.clock.set(s.at(180));
    const fac = await s.token("facilitator", "fac_1", s.programId);
    expect((await s.call("POST", `/v1/sessions/${s.sessionId}/close`, { token: fac })).status).toBe(200);
    const roster = await s.call("GET", `/v1/sessions/${s.sessionId}/attendance`, { token: fac });
    const me = roster.body.participants.find((p: { participantId: string }) => p.participantId === client);
    expect(me.attendedMinutes).toBe(170);
    expect(me.intervals).toHaveLength(2);
  });
});
