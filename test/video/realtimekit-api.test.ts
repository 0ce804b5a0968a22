import { describe, expect, it } from "vitest";
import { toBase64 } from "../../src/lib/bytes.ts";
import {
  DEFAULT_PRESETS,
  participantFor,
  presetFor,
  type RealtimeKitConfig,
  type RealtimeKitFetch,
  realtimeKitApi,
  tokenExpiry,
} from "../../src/video/realtimekit/api.ts";
import { normalizeRealtimeKit } from "../../src/video/realtimekit/webhook-normalize.ts";
import { importRealtimeKitKey, verifyRealtimeKit } from "../../src/video/realtimekit/webhook-verify.ts";
import { realtimeKitStandIn } from "../stand-ins/realtimekit-server.ts";

const ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353";
const APP = "b7a2c4d1-0000-4000-8000-00000000a99";
const TOKEN = "cf-api-token-for-realtime";
const ROOM = "r_8c3v5b4k9d2m7q1x0abcdefgh";
const CLIENT = "clt_7f3k2p9d4x";
const APP_PATH = `/client/v4/accounts/${ACCOUNT}/realtime/kit/${APP}`;

/** A stand-in and a client sharing a manual clock (epoch ms), with anything overridden. */
function setup(
  over: Partial<RealtimeKitConfig> = {},
  standIn: { tokenTtlSeconds?: number | null; limit?: number } = {},
) {
  const clock = { ms: Math.floor(Date.now() / 1000) * 1000 };
  const rtk = realtimeKitStandIn({ accountId: ACCOUNT, appId: APP, apiToken: TOKEN, now: () => clock.ms, ...standIn });
  const config: RealtimeKitConfig = {
    fetch: rtk.fetch,
    accountId: ACCOUNT,
    appId: APP,
    apiToken: TOKEN,
    now: () => Math.floor(clock.ms / 1000),
    ...over,
  };
  return { clock, rtk, api: realtimeKitApi(config) };
}

async function meetingWithClient(s: ReturnType<typeof setup>) {
  const meeting = await s.api.createMeeting(ROOM);
  if (!meeting.ok) throw new Error("no meeting");
  const added = await s.api.addParticipant(meeting.meetingId, {
    participantId: CLIENT,
    name: "Robin",
    preset: "group_call_participant",
  });
  if (!added.ok) throw new Error("not added");
  return { meetingId: meeting.meetingId, ...added };
}

describe("RealtimeKit REST client against the stand-in", () => {
  it("creates one meeting titled with the opaque room name, recording, chat history and summaries off", async () => {
    const s = setup();
    const meeting = await s.api.createMeeting(ROOM);
    expect(meeting).toEqual({ ok: true, meetingId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const [call] = s.rtk.calls;
    expect(call).toMatchObject({ method: "POST", path: "/meetings", status: 201 });
    expect(call?.headers).toMatchObject({ authorization: `Bearer ${TOKEN}`, "content-type": "application/json" });
    expect(JSON.parse(call?.body ?? "")).toEqual({
      title: ROOM,
      record_on_start: false,
      persist_chat: false,
      summarize_on_end: false,
    });
    expect(meeting.ok && s.rtk.meetings.get(meeting.meetingId)?.title).toBe(ROOM);
  });

  it("adds a participant with custom_participant_id = grant.sub, the call name and the role's preset, and returns data.id and data.token", async () => {
    const s = setup({}, { tokenTtlSeconds: 5400 });
    const meeting = await s.api.createMeeting(ROOM);
    if (!meeting.ok) throw new Error("no meeting");
    const grant = {
      sub: CLIENT,
      sid: "ses_0000000000mon1",
      room: ROOM,
      role: "client" as const,
      nbf: 1,
      exp: 2,
      jti: "jti_00000001",
    };
    const added = await s.api.addParticipant(meeting.meetingId, participantFor({ grant, callName: "Robin", now: 1 }));
    expect(added).toEqual({
      ok: true,
      participantId: expect.any(String),
      token: expect.any(String),
      expiresAt: Math.floor(s.clock.ms / 1000) + 5400,
    });
    const call = s.rtk.calls.at(-1);
    expect(call).toMatchObject({ method: "POST", path: `/meetings/${meeting.meetingId}/participants`, status: 201 });
    // Exactly the documented fields: no picture, no e-mail, nothing else about the person.
    expect(JSON.parse(call?.body ?? "")).toEqual({
      custom_participant_id: CLIENT,
      preset_name: "group_call_participant",
      name: "Robin",
    });
    if (!added.ok) return;
    expect(s.rtk.tokenInfo(added.token)).toMatchObject({
      customParticipantId: CLIENT,
      participantId: added.participantId,
      valid: true,
    });
  });

  it("refreshes a token for the same participant instead of adding them again", async () => {
    const s = setup();
    const first = await meetingWithClient(s);
    s.clock.ms += 600_000;
    const refreshed = await s.api.refreshToken(first.meetingId, first.participantId);
    expect(refreshed).toMatchObject({ ok: true, token: expect.any(String) });
    expect(s.rtk.calls.at(-1)).toMatchObject({
      method: "POST",
      path: `/meetings/${first.meetingId}/participants/${first.participantId}/token`,
      status: 200,
    });
    expect(s.rtk.calls.at(-1)?.body).toBeUndefined();
    if (!refreshed.ok) return;
    expect(refreshed.token).not.toBe(first.token);
    expect(refreshed.expiresAt).toBe((first.expiresAt ?? 0) + 600);
    expect(s.rtk.tokenInfo(refreshed.token)).toMatchObject({ participantId: first.participantId, valid: true });
    expect(s.rtk.meetings.get(first.meetingId)?.participants.size).toBe(1);
  });

  it("renames a participant with Edit a participant's detail: PATCH with the name alone, same participant, its answer's token read", async () => {
    const s = setup();
    const p = await meetingWithClient(s);
    s.clock.ms += 600_000;
    const renamed = await s.api.renameParticipant(p.meetingId, p.participantId, "Sam Rivera");
    expect(s.rtk.calls.at(-1)).toMatchObject({
      method: "PATCH",
      path: `/meetings/${p.meetingId}/participants/${p.participantId}`,
      status: 200,
    });
    expect(JSON.parse(s.rtk.calls.at(-1)?.body ?? "")).toEqual({ name: "Sam Rivera" });
    expect(renamed).toMatchObject({ ok: true, expiresAt: (p.expiresAt ?? 0) + 600 });
    if (!renamed.ok || renamed.token === null) throw new Error("no token in the edit's answer");
    expect(s.rtk.tokenInfo(renamed.token)).toMatchObject({ participantId: p.participantId, valid: true });
    expect(s.rtk.participantsOf(p.meetingId, CLIENT).map((x) => [x.id, x.name, x.preset])).toEqual([
      [p.participantId, "Sam Rivera", "group_call_participant"],
    ]);
    // A name that could break the request is never sent; an unknown participant is not-found.
    const sent = s.rtk.calls.length;
    for (const bad of ["", "Sam\nRivera", "x".repeat(257)]) {
      expect(await s.api.renameParticipant(p.meetingId, p.participantId, bad)).toMatchObject({ reason: "invalid" });
    }
    expect(s.rtk.calls.length).toBe(sent);
    const unknown = await s.api.renameParticipant(p.meetingId, crypto.randomUUID(), "Sam");
    expect(unknown).toMatchObject({ ok: false, reason: "not-found" });
    // The stand-in takes only the documented fields, as the API documents them.
    const url = `https://api.cloudflare.com${APP_PATH}/meetings/${p.meetingId}/participants/${p.participantId}`;
    const headers = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
    const extra = await s.rtk.fetch(url, {
      method: "PATCH",
      headers,
      body: JSON.stringify({ custom_participant_id: "x" }),
    });
    expect(extra.status).toBe(400);
    const preset = await s.rtk.fetch(url, { method: "PATCH", headers, body: JSON.stringify({ preset_name: "nope" }) });
    expect(preset.status).toBe(400);
  });

  it("removes a participant with DELETE, after which their token admits nobody; removing again is gone, not an error", async () => {
    const s = setup();
    const p = await meetingWithClient(s);
    expect(await s.api.removeParticipant(p.meetingId, p.participantId)).toEqual({ ok: true, gone: false });
    expect(s.rtk.calls.at(-1)).toMatchObject({
      method: "DELETE",
      path: `/meetings/${p.meetingId}/participants/${p.participantId}`,
      status: 200,
    });
    expect(s.rtk.tokenInfo(p.token)?.valid).toBe(false);
    expect(await s.api.removeParticipant(p.meetingId, p.participantId)).toEqual({ ok: true, gone: true });
  });

  it("kicks by custom participant id from the live session; with no live session it is gone", async () => {
    const s = setup();
    const p = await meetingWithClient(s);
    expect(await s.api.kick(p.meetingId, [CLIENT])).toEqual({ ok: true, gone: true });
    s.rtk.connect(p.meetingId, CLIENT);
    expect(await s.api.kick(p.meetingId, [CLIENT])).toEqual({ ok: true, gone: false });
    const call = s.rtk.calls.at(-1);
    expect(call).toMatchObject({ method: "POST", path: `/meetings/${p.meetingId}/active-session/kick`, status: 200 });
    expect(JSON.parse(call?.body ?? "")).toEqual({ custom_participant_ids: [CLIENT], participant_ids: [] });
    expect(s.rtk.meetings.get(p.meetingId)?.live.has(CLIENT)).toBe(false);
  });

  it("deactivates a meeting with PATCH status INACTIVE: every token out stops admitting", async () => {
    const s = setup();
    const p = await meetingWithClient(s);
    expect(await s.api.deactivateMeeting(p.meetingId)).toEqual({ ok: true, gone: false });
    expect(JSON.parse(s.rtk.calls.at(-1)?.body ?? "")).toEqual({ status: "INACTIVE" });
    expect(s.rtk.tokenInfo(p.token)?.valid).toBe(false);
    expect(await s.api.deactivateMeeting(crypto.randomUUID())).toEqual({ ok: true, gone: true });
  });

  it("finds a meeting by its exact title, for a create whose answer was lost", async () => {
    const s = setup();
    const p = await meetingWithClient(s);
    expect(await s.api.findMeeting(ROOM)).toEqual({ ok: true, meetingId: p.meetingId });
    expect(s.rtk.calls.at(-1)?.path).toBe(`/meetings?search=${ROOM}&per_page=10`);
    expect(await s.api.findMeeting("r_0000000000000000zzzz")).toEqual({ ok: true, meetingId: null });
  });

  it("maps roles to presets: host for facilitators, participant for clients and family, a hidden non-publishing one for observers", () => {
    expect(DEFAULT_PRESETS).toEqual({
      facilitator: "group_call_host",
      client: "group_call_participant",
      family: "group_call_participant",
      observer: "iop_observer",
    });
    expect(presetFor("observer", { observer: "clinic_observer" })).toBe("clinic_observer");
    expect(presetFor("facilitator", { observer: "clinic_observer" })).toBe("group_call_host");
  });

  it("reads a token's own exp for scheduling, and nothing from a token that is not a JWT", () => {
    const part = (v: unknown) => btoa(JSON.stringify(v)).replace(/=+$/, "");
    expect(tokenExpiry(`${part({ alg: "RS256" })}.${part({ exp: 4_000_000_000 })}.sig`)).toBe(4_000_000_000);
    expect(tokenExpiry("opaque-token")).toBeNull();
    expect(tokenExpiry(`${part({ alg: "RS256" })}.${part({ sub: "x" })}.sig`)).toBeNull();
  });
});

describe("RealtimeKit client failures are typed, never thrown", () => {
  it("a wrong API token is unauthorized, and is not retried", async () => {
    const s = setup({ apiToken: "wrong" });
    expect(await s.api.createMeeting(ROOM)).toEqual({ ok: false, reason: "unauthorized", retry: false, status: 401 });
    const none = setup({ apiToken: "" });
    expect(await none.api.createMeeting(ROOM)).toMatchObject({ ok: false, reason: "unauthorized" });
    expect(none.rtk.calls).toHaveLength(0);
  });

  it("surfaces the stand-in's 429 as rate-limited with the time Retry-After names", async () => {
    const s = setup();
    const p = await meetingWithClient(s);
    s.rtk.failNext(429, 1, { "retry-after": "42" });
    expect(await s.api.refreshToken(p.meetingId, p.participantId)).toEqual({
      ok: false,
      reason: "rate-limited",
      retry: true,
      status: 429,
      retryAt: Math.floor(s.clock.ms / 1000) + 42,
    });
    s.rtk.failNext(429, 1, { "retry-after": new Date(s.clock.ms + 90_000).toUTCString() });
    expect(await s.api.refreshToken(p.meetingId, p.participantId)).toMatchObject({
      retryAt: Math.floor(s.clock.ms / 1000) + 90,
    });
    s.rtk.failNext(429);
    // No Retry-After: Cloudflare blocks for five minutes, so wait that long.
    expect(await s.api.refreshToken(p.meetingId, p.participantId)).toMatchObject({
      retryAt: Math.floor(s.clock.ms / 1000) + 300,
    });
  });

  it("the stand-in allows exactly 3,500 calls in five minutes, then blocks every call for five minutes", async () => {
    const s = setup();
    const p = await meetingWithClient(s);
    for (let i = 2; i < 3500; i++) {
      const r = await s.api.refreshToken(p.meetingId, p.participantId);
      if (!r.ok) throw new Error(`call ${i} refused`);
      if (i % 100 === 0) s.clock.ms += 50;
    }
    expect(s.rtk.maxInWindow()).toBe(3500);
    const over = await s.api.refreshToken(p.meetingId, p.participantId);
    expect(over).toMatchObject({ ok: false, reason: "rate-limited", retryAt: Math.floor(s.clock.ms / 1000) + 300 });
    // Past the first calls' window, but still inside the block.
    s.clock.ms += 299_000;
    expect(await s.api.refreshToken(p.meetingId, p.participantId)).toMatchObject({ reason: "rate-limited" });
    s.clock.ms += 1_000;
    expect(await s.api.refreshToken(p.meetingId, p.participantId)).toMatchObject({ ok: true });
    expect(s.rtk.calls.at(-1)?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it("5xx is unavailable and retried; an unknown meeting or participant is not-found; a refused body is invalid", async () => {
    const s = setup();
    const p = await meetingWithClient(s);
    s.rtk.failNext(503);
    expect(await s.api.refreshToken(p.meetingId, p.participantId)).toEqual({
      ok: false,
      reason: "unavailable",
      retry: true,
      status: 503,
    });
    const stranger = crypto.randomUUID();
    expect(
      await s.api.addParticipant(stranger, { participantId: CLIENT, name: "Robin", preset: "group_call_participant" }),
    ).toEqual({
      ok: false,
      reason: "not-found",
      retry: false,
      status: 404,
    });
    expect(await s.api.refreshToken(p.meetingId, stranger)).toMatchObject({ reason: "not-found", status: 404 });
    expect(
      await s.api.addParticipant(p.meetingId, { participantId: CLIENT, name: "Robin", preset: "no_such_preset" }),
    ).toEqual({
      ok: false,
      reason: "invalid",
      retry: false,
      status: 400,
    });
  });

  it("a timeout and a network error are retried; an answer that is not the API's is invalid", async () => {
    const hang: RealtimeKitFetch = (_url, init) =>
      new Promise((_, reject) => init.signal.addEventListener("abort", () => reject(init.signal.reason)));
    expect(await setup({ fetch: hang, timeoutMs: 20 }).api.createMeeting(ROOM)).toEqual({
      ok: false,
      reason: "timeout",
      retry: true,
    });
    const broken: RealtimeKitFetch = () => Promise.reject(new TypeError("network"));
    expect(await setup({ fetch: broken }).api.createMeeting(ROOM)).toEqual({
      ok: false,
      reason: "unavailable",
      retry: true,
    });
    const html: RealtimeKitFetch = async () => new Response("<html>proxy</html>", { status: 200 });
    expect(await setup({ fetch: html }).api.createMeeting(ROOM)).toEqual({
      ok: false,
      reason: "invalid",
      retry: false,
      status: 200,
    });
    const noToken: RealtimeKitFetch = async () =>
      Response.json({ success: true, data: { id: crypto.randomUUID() } }, { status: 201 });
    expect(
      await setup({ fetch: noToken }).api.addParticipant(crypto.randomUUID(), {
        participantId: CLIENT,
        name: "Robin",
        preset: "group_call_participant",
      }),
    ).toMatchObject({ ok: false, reason: "invalid" });
    const unsuccessful: RealtimeKitFetch = async () =>
      Response.json({ success: false, data: { id: crypto.randomUUID() } });
    expect(await setup({ fetch: unsuccessful }).api.createMeeting(ROOM)).toMatchObject({
      ok: false,
      reason: "invalid",
    });
  });

  it("never sends ids that are not RealtimeKit's or opaque, a readable title, or a name that could break the request", async () => {
    const s = setup();
    const meetingId = crypto.randomUUID();
    const who = { participantId: CLIENT, name: "Robin", preset: "group_call_participant" };
    const refused = [
      await s.api.createMeeting("Tuesday group for Robin"),
      await s.api.findMeeting("Tuesday group"),
      await s.api.addParticipant("../../apps", who),
      await s.api.addParticipant(meetingId, { ...who, participantId: "robin@example.com" }),
      await s.api.addParticipant(meetingId, { ...who, preset: "../host" }),
      await s.api.addParticipant(meetingId, { ...who, name: "Robin\r\nX-Evil: 1" }),
      await s.api.addParticipant(meetingId, { ...who, name: "" }),
      await s.api.refreshToken(meetingId, "a/b"),
      await s.api.removeParticipant("not-a-uuid", "p"),
      await s.api.kick(meetingId, []),
      await s.api.kick(meetingId, ["robin@example.com"]),
      await s.api.deactivateMeeting("x"),
    ];
    for (const r of refused) expect(r).toEqual({ ok: false, reason: "invalid", retry: false });
    expect(s.rtk.calls).toHaveLength(0);
  });

  it("the stand-in answers 401 without the right Bearer token and 404 off its routes", async () => {
    const s = setup();
    const res = await s.rtk.fetch(`https://api.cloudflare.com${APP_PATH}/meetings`, {
      method: "POST",
      headers: {},
      body: "{}",
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ success: false, errors: [{ code: 10000 }] });
    const other = await s.rtk.fetch(
      `https://api.cloudflare.com/client/v4/accounts/${ACCOUNT}/realtime/kit/another-app/meetings`,
      {
        method: "GET",
        headers: { authorization: `Bearer ${TOKEN}` },
      },
    );
    expect(other.status).toBe(404);
  });
});

describe("RealtimeKit webhooks: rtk-signature (RSA-SHA256 over the raw body) and presence facts", () => {
  const pair = crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  ) as Promise<CryptoKeyPair>;

  async function pemOf(key: CryptoKey): Promise<string> {
    const der = new Uint8Array((await crypto.subtle.exportKey("spki", key)) as ArrayBuffer);
    return `-----BEGIN PUBLIC KEY-----\n${toBase64(der).replace(/(.{64})/g, "$1\n")}\n-----END PUBLIC KEY-----`;
  }

  async function signed(body: string, privateKey?: CryptoKey, uuid = crypto.randomUUID()) {
    const key = privateKey ?? (await pair).privateKey;
    const sig = new Uint8Array(await crypto.subtle.sign("RSASSA-PKCS1-v1_5", key, new TextEncoder().encode(body)));
    return new Headers({
      "rtk-signature": toBase64(sig),
      "rtk-uuid": uuid,
      "rtk-webhook-id": "0d1f069d-43bb-489a-ad8c-7eb95592ba8e",
    });
  }

  const meeting = {
    id: "50c8940e-1b97-402a-97d6-2708b7feca41",
    sessionId: "05e57591-d89e-45c9-ae44-08dc1eaad0e0",
    title: ROOM,
    status: "LIVE",
  };
  const joined = JSON.stringify({
    event: "meeting.participantJoined",
    meeting,
    participant: {
      peerId: "e32fb785",
      userDisplayName: "Mary Sue",
      customParticipantId: CLIENT,
      clientSpecificId: CLIENT,
      joinedAt: "2030-06-03T10:05:00.000Z",
    },
  });

  it("accepts a body signed by the pinned key; the dedupe id is the body's hash, so a replay under a new rtk-uuid dedupes", async () => {
    const key = await importRealtimeKitKey(await pemOf((await pair).publicKey));
    if (!key) throw new Error("key did not import");
    const first = await verifyRealtimeKit({ rawBody: joined, headers: await signed(joined), keys: [key] });
    expect(first).toMatchObject({
      ok: true,
      deliveryId: expect.stringMatching(/^rtk_[0-9a-f]{64}$/),
      webhookId: "0d1f069d-43bb-489a-ad8c-7eb95592ba8e",
    });
    const replay = await verifyRealtimeKit({ rawBody: joined, headers: await signed(joined), keys: [key] });
    expect(replay.ok && first.ok && replay.deliveryId === first.deliveryId).toBe(true);
    expect(replay.ok && first.ok && replay.deliveryUuid !== first.deliveryUuid).toBe(true);
  });

  it("refuses a tampered body, another key, a missing or malformed signature, no key, and a signed body that is not JSON", async () => {
    const key = await importRealtimeKitKey(await pemOf((await pair).publicKey));
    const other = (await crypto.subtle.generateKey(
      { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
      true,
      ["sign", "verify"],
    )) as CryptoKeyPair;
    if (!key) throw new Error("key did not import");
    const headers = await signed(joined);
    const tampered = joined.replace(CLIENT, "clt_someoneelse");
    expect(await verifyRealtimeKit({ rawBody: tampered, headers, keys: [key] })).toEqual({
      ok: false,
      reason: "bad-signature",
      status: 401,
    });
    expect(
      await verifyRealtimeKit({ rawBody: joined, headers: await signed(joined, other.privateKey), keys: [key] }),
    ).toMatchObject({ reason: "bad-signature" });
    expect(await verifyRealtimeKit({ rawBody: joined, headers: new Headers(), keys: [key] })).toEqual({
      ok: false,
      reason: "missing-header",
      status: 401,
    });
    expect(
      await verifyRealtimeKit({
        rawBody: joined,
        headers: new Headers({ "rtk-signature": "not base64!" }),
        keys: [key],
      }),
    ).toMatchObject({ reason: "malformed-header" });
    expect(await verifyRealtimeKit({ rawBody: joined, headers, keys: [] })).toMatchObject({ reason: "no-secret" });
    expect(await verifyRealtimeKit({ rawBody: "not json", headers: await signed("not json"), keys: [key] })).toEqual({
      ok: false,
      reason: "malformed-body",
      status: 400,
    });
    // During a rotation either key suffices.
    const otherKey = await importRealtimeKitKey(await pemOf(other.publicKey));
    if (!otherKey) throw new Error("key did not import");
    expect(await verifyRealtimeKit({ rawBody: joined, headers, keys: [otherKey, key] })).toMatchObject({ ok: true });
  });

  it("imports the PEM as webhooks.json gives it (escaped line breaks) and nothing that is not a key", async () => {
    const pem = (await pemOf((await pair).publicKey)).replace(/\n/g, "\\n");
    expect(await importRealtimeKitKey(pem)).not.toBeNull();
    expect(await importRealtimeKitKey("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")).toBeNull();
    expect(await importRealtimeKitKey("")).toBeNull();
  });

  it("turns joined, left and ended into presence facts at the platform's times, keyed by the room name and custom id, with no names", () => {
    const id = "rtk_abc";
    expect(normalizeRealtimeKit(JSON.parse(joined), id)).toEqual({
      ok: true,
      facts: [
        { eventId: id, room: ROOM, identity: CLIENT, type: "connect", at: Date.parse("2030-06-03T10:05:00.000Z") },
      ],
    });
    const left = {
      event: "meeting.participantLeft",
      meeting,
      participant: {
        customParticipantId: CLIENT,
        joinedAt: "2030-06-03T10:05:00.000Z",
        leftAt: "2030-06-03T10:25:00.000Z",
      },
    };
    expect(normalizeRealtimeKit(left, id)).toMatchObject({
      ok: true,
      facts: [{ type: "disconnect", at: Date.parse("2030-06-03T10:25:00.000Z") }],
    });
    const ended = {
      event: "meeting.ended",
      meeting: { ...meeting, endedAt: "2030-06-03T10:30:00.000Z" },
      reason: "ALL_PARTICIPANTS_LEFT",
    };
    expect(normalizeRealtimeKit(ended, id)).toEqual({
      ok: true,
      facts: [
        { eventId: id, room: ROOM, identity: "", type: "room-finished", at: Date.parse("2030-06-03T10:30:00.000Z") },
      ],
    });
    expect(JSON.stringify(normalizeRealtimeKit(JSON.parse(joined), id))).not.toContain("Mary");
  });

  it("ignores events presence does not use and meetings or participants that are not the product's; refuses broken ones", () => {
    const id = "rtk_abc";
    const p = { customParticipantId: CLIENT, joinedAt: "2030-06-03T10:05:00.000Z" };
    expect(normalizeRealtimeKit({ event: "recording.statusUpdate", recording: {} }, id)).toEqual({
      ok: true,
      facts: [],
    });
    expect(normalizeRealtimeKit({ event: "constructor", meeting }, id)).toEqual({ ok: true, facts: [] });
    expect(
      normalizeRealtimeKit(
        { event: "meeting.participantJoined", meeting: { ...meeting, title: "Weekly sync" }, participant: p },
        id,
      ),
    ).toEqual({ ok: true, facts: [] });
    expect(
      normalizeRealtimeKit(
        { event: "meeting.participantJoined", meeting, participant: { ...p, customParticipantId: "mary@example.com" } },
        id,
      ),
    ).toEqual({ ok: true, facts: [] });
    expect(
      normalizeRealtimeKit(
        { event: "meeting.participantJoined", meeting, participant: { customParticipantId: CLIENT } },
        id,
      ),
    ).toEqual({
      ok: false,
      reason: "invalid-payload",
    });
    expect(normalizeRealtimeKit({ event: "meeting.ended", meeting }, id)).toEqual({
      ok: false,
      reason: "invalid-payload",
    });
    expect(normalizeRealtimeKit({ event: "meeting.participantLeft", participant: p }, id)).toEqual({
      ok: false,
      reason: "invalid-payload",
    });
    expect(normalizeRealtimeKit("nope", id)).toEqual({ ok: false, reason: "invalid-payload" });
  });
});
