import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { roomName } from "../../src/tokens/window.ts";
import { groupSession } from "../rooms/fixtures.ts";

// Issue 18: Daily's and RealtimeKit's presence webhooks, verified as each documents, deduplicated on
// the platform's event id, feed the same presence model as LiveKit's. Signed here from the docs,
// apart from the verifiers. (A stranger's RSA key below: the configured one is vitest.config.ts's.)
// vitest.config.ts gives the rooms Daily's webhook secret and RealtimeKit's key, as a deployment would.
const DAILY_SECRET = env.DAILY_WEBHOOK_SECRET;
const enc = new TextEncoder();
const b64 = (b: ArrayBuffer | Uint8Array) => btoa(String.fromCharCode(...new Uint8Array(b)));

async function dailyHeaders(secret: string, body: string, seconds = Math.floor(Date.now() / 1000)) {
  const key = await crypto.subtle.importKey(
    "raw",
    Uint8Array.from(atob(secret), (c) => c.charCodeAt(0)),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", key, enc.encode(`${seconds}.${body}`));
  return {
    "content-type": "application/json",
    "x-webhook-timestamp": String(seconds),
    "x-webhook-signature": b64(mac),
  };
}

const rtkPair = crypto.subtle.generateKey(
  { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
  true,
  ["sign", "verify"],
) as Promise<CryptoKeyPair>;
async function rtkHeaders(body: string, key?: CryptoKey) {
  const sig = await crypto.subtle.sign("RSASSA-PKCS1-v1_5", key ?? (await rtkPair).privateKey, enc.encode(body));
  return { "content-type": "application/json", "rtk-signature": b64(sig), "rtk-uuid": crypto.randomUUID() };
}

async function platformGroup(provider: "daily" | "realtimekit") {
  const s = await groupSession({ clients: 1, settings: { videoProvider: provider } });
  const client = s.clients[0] as string;
  const room = await roomName(s.sessionId, env.ROOM_SECRET);
  const seconds = (t: string) => Date.parse(t) / 1000;
  return { s, client, room, seconds };
}

describe("Daily webhooks as presence facts", () => {
  it("accepts signed joined/left once each, answers Daily's creation check, refuses forgeries", async () => {
    const { s, client, room, seconds } = await platformGroup("daily");
    s.clock.set(s.at(-2));
    await s.open();
    // The join hands out Daily's meeting token; with Daily's webhooks on, the token is not an arrival.
    expect((await s.join(client)).status).toBe(200);
    const vars = {
      DAILY_DOMAIN: "clinic",
      DAILY_DOMAIN_ID: crypto.randomUUID(),
      DAILY_API_KEY: "k",
      DAILY_WEBHOOK_SECRET: DAILY_SECRET,
    };
    const send = async (body: string, headers?: Record<string, string>, o: { env?: Record<string, string> } = {}) => {
      s.clock.set(Date.now()); // Daily signs with its real clock
      return s.call("POST", `/v1/webhooks/video/${s.programId}/daily`, {
        raw: body,
        headers: headers ?? (await dailyHeaders(DAILY_SECRET, body)),
        env: (o.env ?? vars) as Partial<Env>,
      });
    };
    const participant = { room, user_id: client, user_name: "Jane Doe", session_id: crypto.randomUUID(), owner: false };
    const joined = JSON.stringify({
      version: "1.0.0",
      type: "participant.joined",
      id: "ev-joined-1",
      payload: { ...participant, joined_at: seconds(s.at(0)) },
      event_ts: seconds(s.at(0)) + 1,
    });
    const left = JSON.stringify({
      version: "1.0.0",
      type: "participant.left",
      id: "ev-left-1",
      payload: { ...participant, joined_at: seconds(s.at(0)), duration: 50 * 60 },
      event_ts: seconds(s.at(50)),
    });
    // Daily's check of a new webhook URL, before any delivery.
    expect((await send(JSON.stringify({ test: "test" }), { "content-type": "application/json" })).status).toBe(200);
    expect((await send(left)).body).toEqual({ accepted: 1 });
    expect((await send(joined)).body).toEqual({ accepted: 1 });
    expect((await send(joined)).body).toEqual({ accepted: 0 });

    const other = btoa("another secret, 32 bytes long!!!");
    expect((await send(joined.replace("ev-joined-1", "ev-x"), await dailyHeaders(other, joined))).status).toBe(401);
    expect((await send(joined, { "content-type": "application/json" })).status).toBe(400);
    const stale = await dailyHeaders(DAILY_SECRET, joined, Math.floor(Date.now() / 1000) - 3600);
    expect((await send(joined, stale)).status).toBe(401);
    expect((await send(joined, undefined, { env: { DAILY_WEBHOOK_SECRET: "" } })).status).toBe(404);

    s.clock.set(s.at(180));
    const fac = await s.token("facilitator", "fac_1", s.programId);
    expect((await s.call("POST", `/v1/sessions/${s.sessionId}/close`, { token: fac })).status).toBe(200);
    const roster = await s.call("GET", `/v1/sessions/${s.sessionId}/attendance`, { token: fac });
    const me = roster.body.participants.find((p: { participantId: string }) => p.participantId === client);
    expect(me.attendedMinutes).toBe(50);
  });
});

describe("RealtimeKit webhooks refused", () => {
  it("refuses another key, a changed body and a missing signature; 404 where no key is configured", async () => {
    const { s, client, room } = await platformGroup("realtimekit");
    const send = async (body: string, headers: Record<string, string>, o: { env?: Record<string, string> } = {}) =>
      s.call("POST", `/v1/webhooks/video/${s.programId}/realtimekit`, {
        raw: body,
        headers,
        ...(o.env ? { env: o.env as Partial<Env> } : {}),
      });
    const meeting = { id: crypto.randomUUID(), sessionId: crypto.randomUUID(), title: room, status: "LIVE" };
    const joined = JSON.stringify({
      event: "meeting.participantJoined",
      meeting,
      participant: { peerId: crypto.randomUUID(), customParticipantId: client, joinedAt: s.at(0) },
    });
    const stranger = await rtkPair;
    expect((await send(joined, await rtkHeaders(joined, stranger.privateKey))).status).toBe(401);
    expect((await send(joined.replace("Joined", "Left"), await rtkHeaders(joined))).status).toBe(401);
    expect((await send(joined, { "content-type": "application/json" })).status).toBe(401);
    expect((await send(joined, await rtkHeaders(joined), { env: { REALTIMEKIT_WEBHOOK_KEY: "" } })).status).toBe(404);
  });
});
