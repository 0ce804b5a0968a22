import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { roomName } from "../../src/tokens/window.ts";
import { livekitAuthorization } from "../calendar/providers/senders.ts";
import { groupSession } from "../rooms/fixtures.ts";

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
    const s = await groupSession({ clients: 2, settings: { videoProvider: "livekit" } });
    const client = s.clients[0] as string;
    const tokenOnly = s.clients[1] as string;
    s.clock.set(s.at(-2));
    await s.open();
    expect((await s.join(client)).status).toBe(200);
    // Takes a token and never connects: with LiveKit, a token is not an arrival.
    expect((await s.join(tokenOnly)).status).toBe(200);
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
    // Out of order: the disconnect arrives before the connect it follows.
    expect((await send(left)).body).toEqual({ accepted: 1 });
    expect((await send(event("EV_first", "participant_joined", room, client, s.at(0)))).body).toEqual({ accepted: 1 });
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
    const never = roster.body.participants.find((p: { participantId: string }) => p.participantId === tokenOnly);
    expect(never).toMatchObject({ status: "no-show", attendedMinutes: 0 });
  });

  it("a participant_left that arrives after the close amends the record as a new version; room_finished ends everyone", async () => {
    const s = await groupSession({ clients: 2, settings: { videoProvider: "livekit" } });
    const [a, b] = s.clients as [string, string];
    s.clock.set(s.at(-2));
    await s.open();
    expect((await s.join(a)).status).toBe(200);
    expect((await s.join(b)).status).toBe(200);
    const room = await roomName(s.sessionId, env.ROOM_SECRET);
    const send = async (body: string) => {
      s.clock.set(Date.now());
      const res = await s.call("POST", `/v1/webhooks/video/${s.programId}/livekit`, {
        raw: body,
        headers: {
          "content-type": "application/webhook+json",
          authorization: await livekitAuthorization(env.LIVEKIT_API_KEY, env.LIVEKIT_API_SECRET, body),
        },
      });
      s.clock.set(s.at(200));
      return res;
    };
    await send(event("EV_a", "participant_joined", room, a, s.at(0)));
    await send(event("EV_b", "participant_joined", room, b, s.at(0)));
    // LiveKit closes the room at 150 minutes: both left then, whatever the product's clock says.
    const finished = JSON.stringify({
      id: "EV_fin",
      event: "room_finished",
      createdAt: String(Date.parse(s.at(150)) / 1000),
      room: { sid: "RM_x", name: room },
    });
    expect((await send(finished)).body).toEqual({ accepted: 1 });
    s.clock.set(s.at(180));
    const fac = await s.token("facilitator", "fac_1", s.programId);
    expect((await s.call("POST", `/v1/sessions/${s.sessionId}/close`, { token: fac })).status).toBe(200);
    const ledger = async () =>
      (
        await s.call("GET", `/v1/programs/${s.programId}/attendance?from=${s.day}&to=${s.day}`, { token: s.admin })
      ).body.records.filter((r: { sessionId: string }) => r.sessionId === s.sessionId);
    const closed = await ledger();
    expect(
      closed.map((r: { clientId: string; attendedMinutes: number; version: number }) => [
        r.clientId,
        r.attendedMinutes,
        r.version,
      ]),
    ).toEqual([
      [a, 150, 1],
      [b, 150, 1],
    ]);
    // A delayed participant_left for `a` at 90 minutes, delivered after the close.
    const late = await send(event("EV_late", "participant_left", room, a, s.at(90)));
    expect(late.body).toEqual({ accepted: 1 });
    const amended = await ledger();
    expect(amended.find((r: { clientId: string }) => r.clientId === a)).toMatchObject({
      attendedMinutes: 90,
      version: 2,
    });
    expect(amended.find((r: { clientId: string }) => r.clientId === b)).toMatchObject({
      attendedMinutes: 150,
      version: 1,
    });
    // Delivered again: nothing changes.
    expect((await send(event("EV_late", "participant_left", room, a, s.at(90)))).body).toEqual({ accepted: 0 });
    expect((await ledger()).find((r: { clientId: string }) => r.clientId === a).version).toBe(2);
  });
});
