import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { roomName } from "../../src/tokens/window.ts";
import { routeFetch } from "../calendar/fixtures.ts";
import { realtimeKitStandIn } from "../stand-ins/realtimekit-server.ts";
import { groupSession } from "./fixtures.ts";

// Issue 18: RealtimeKit has no offline signing. Through the real join API and real rooms, against
// the stand-in of its REST API (vitest.config.ts points REALTIMEKIT_API_URL at it): a meeting per
// occurrence, one Add Participant per person with the role's preset, a refresh (never a second
// add) on the next join, the cap held before any call, and its signed webhooks as presence.
afterEach(() => vi.restoreAllMocks());

async function rtkGroup(cap = 1) {
  const s = await groupSession({ clients: 2, cap, settings: { videoProvider: "realtimekit" } });
  await s.open();
  s.clock.set(s.at(-5));
  const rtk = realtimeKitStandIn({
    accountId: env.REALTIMEKIT_ACCOUNT_ID,
    appId: env.REALTIMEKIT_APP_ID,
    apiToken: env.REALTIMEKIT_API_TOKEN,
    baseUrl: env.REALTIMEKIT_API_URL,
    now: () => s.clock.now(),
  });
  routeFetch({ "realtimekit.fake.test": rtk.fetch as never });
  const room = await roomName(s.sessionId, env.ROOM_SECRET);
  return { s, rtk, room };
}

const sent = (body?: string) => (body ? JSON.parse(body) : undefined);

describe("RealtimeKit through the join API", () => {
  it("makes one meeting, adds each person once with their role's preset, reuses the stored token on the next join", async () => {
    const { s, rtk, room } = await rtkGroup(2);
    const client = s.clients[0] as string;
    const first = await s.join(client);
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({ status: "admitted", provider: "realtimekit", room });
    const info = rtk.tokenInfo(first.body.token);
    expect(info?.customParticipantId).toBe(client);

    const create = rtk.calls.find((c) => c.method === "POST" && c.path === "/meetings");
    expect(sent(create?.body)).toMatchObject({ title: room });
    const adds = () => rtk.calls.filter((c) => c.method === "POST" && /\/participants$/.test(c.path));
    expect(adds().map((c) => sent(c.body))).toEqual([
      {
        custom_participant_id: client,
        preset_name: "group_call_participant",
        name: expect.stringMatching(/^Participant \d{4}$/),
      },
    ]);

    const before = rtk.calls.length;
    const again = await s.join(client);
    expect(again.status).toBe(200);
    // The room kept the token (valid for an hour): a second join costs RealtimeKit nothing.
    expect(again.body.token).toBe(first.body.token);
    expect(rtk.calls.length).toBe(before);
    expect(adds()).toHaveLength(1);

    const fac = await s.call("POST", `/v1/sessions/${s.sessionId}/join`, { token: s.facilitator });
    expect(fac.status).toBe(200);
    expect(sent(adds().at(-1)?.body)).toMatchObject({ custom_participant_id: "fac_1", preset_name: "group_call_host" });
    // One meeting for the occurrence, whoever joined.
    expect(rtk.calls.filter((c) => c.method === "POST" && c.path === "/meetings")).toHaveLength(1);
    // Nothing personal reached RealtimeKit.
    expect(JSON.stringify(rtk.calls)).not.toMatch(/Jane|@|Opioid/);
  });

  it("holds the cap before any call: a refused client costs RealtimeKit nothing", async () => {
    const { s, rtk } = await rtkGroup(1);
    const [a, b] = s.clients as [string, string];
    expect((await s.join(a)).status).toBe(200);
    const before = rtk.calls.length;
    expect((await s.join(b)).status).toBe(409);
    expect(rtk.calls.length).toBe(before);
  });

  it("answers 503 when RealtimeKit fails, and the next join succeeds without a second enrolment", async () => {
    const { s, rtk } = await rtkGroup(1);
    const client = s.clients[0] as string;
    rtk.failNext(503, 1);
    const failed = await s.join(client);
    expect(failed.status).toBe(503);
    expect(failed.headers.get("content-type")).toContain("application/problem+json");
    expect(failed.headers.get("retry-after")).toBe("10");
    const ok = await s.join(client);
    expect(ok.status, ok.text).toBe(200);
    const adds = rtk.calls.filter((c) => c.method === "POST" && /\/participants$/.test(c.path) && c.status < 300);
    expect(adds).toHaveLength(1);
  });

  it("takes presence from RealtimeKit's signed webhooks, not from the token", async () => {
    const { s, room } = await rtkGroup(1);
    const client = s.clients[0] as string;
    expect((await s.join(client)).status).toBe(200);
    const key = await crypto.subtle.importKey(
      "pkcs8",
      Uint8Array.from(atob(env.TEST_REALTIMEKIT_SIGNING_KEY.replace(/-----[A-Z ]+-----|\s/g, "")), (c) =>
        c.charCodeAt(0),
      ),
      { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
      false,
      ["sign"],
    );
    const send = async (body: string) => {
      const sig = await crypto.subtle.sign("RSASSA-PKCS1-v1_5", key, new TextEncoder().encode(body));
      return s.call("POST", `/v1/webhooks/video/${s.programId}/realtimekit`, {
        raw: body,
        headers: {
          "content-type": "application/json",
          "rtk-signature": btoa(String.fromCharCode(...new Uint8Array(sig))),
        },
      });
    };
    const meeting = { id: crypto.randomUUID(), sessionId: crypto.randomUUID(), title: room, status: "LIVE" };
    const participant = { peerId: crypto.randomUUID(), customParticipantId: client, joinedAt: s.at(0) };
    const joined = JSON.stringify({ event: "meeting.participantJoined", meeting, participant });
    const left = JSON.stringify({
      event: "meeting.participantLeft",
      meeting,
      participant: { ...participant, leftAt: s.at(45) },
    });
    expect((await send(joined)).body).toEqual({ accepted: 1 });
    expect((await send(left)).body).toEqual({ accepted: 1 });
    expect((await send(left)).body).toEqual({ accepted: 0 });
    s.clock.set(s.at(180));
    expect((await s.call("POST", `/v1/sessions/${s.sessionId}/close`, { token: s.facilitator })).status).toBe(200);
    const roster = await s.call("GET", `/v1/sessions/${s.sessionId}/attendance`, { token: s.facilitator });
    const me = roster.body.participants.find((p: { participantId: string }) => p.participantId === client);
    // 45 minutes by RealtimeKit's facts; the token at −5 minutes was not an arrival.
    expect(me.attendedMinutes).toBe(45);
  });
});
