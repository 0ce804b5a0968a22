import { decodeJwt } from "jose";
import { TokenVerifier } from "livekit-server-sdk";
import { describe, expect, it } from "vitest";
import {
  liveKitRoomService,
  mintServerToken,
  type RoomServiceConfig,
  type RoomServiceFetch,
} from "../../src/video/livekit/room-service.ts";
import { liveKitRoomServiceStandIn } from "../stand-ins/livekit-room-service.ts";

const KEY = "APIroomservicekey";
const SECRET = "room-service-secret-0123456789abcdef0123456789";
const URL_ = "https://livekit.test";
const ROOM = "r_8c3v5b4k9d2m7q1x0abcdefgh";
const OTHER_ROOM = "r_0000000000000000zzzz";
const IDENTITY = "clt_7f3k2p9d4x";
const wallClock = () => Math.floor(Date.now() / 1000);

/** A stand-in and a client that share a clock (the wall clock unless told), with anything overridden. */
function setup(over: Partial<RoomServiceConfig> = {}, now: () => number = wallClock) {
  const lk = liveKitRoomServiceStandIn({ apiKey: KEY, apiSecret: SECRET, now });
  const client = liveKitRoomService({ fetch: lk.fetch, url: URL_, apiKey: KEY, apiSecret: SECRET, now, ...over });
  return { lk, client };
}

function tokenOf(headers: Record<string, string>): string {
  const auth = headers.authorization ?? "";
  expect(auth).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
  return auth.slice("Bearer ".length);
}

/** POST straight to the stand-in with a hand-made token. */
async function post(lk: ReturnType<typeof liveKitRoomServiceStandIn>, method: string, body: unknown, token: string) {
  const res = await lk.fetch(`${URL_}/twirp/livekit.RoomService/${method}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { code?: string; msg?: string } };
}

describe("LiveKit RoomService client against the Twirp stand-in", () => {
  it("removes a participant with POST …/RemoveParticipant and a token the SDK verifier accepts (roomAdmin for that room)", async () => {
    const { lk, client } = setup();
    expect(await client.removeParticipant(ROOM, IDENTITY)).toEqual({ ok: true, gone: false });

    expect(lk.done()).toHaveLength(1);
    const [call] = lk.calls;
    expect(call).toMatchObject({ method: "RemoveParticipant", room: ROOM, identity: IDENTITY, status: 200 });
    expect(call?.headers["content-type"]).toBe("application/json");
    const token = tokenOf(call?.headers ?? {});
    const claims = await new TokenVerifier(KEY, SECRET).verify(token);
    expect(claims.iss).toBe(KEY);
    expect(claims.video).toEqual({ room: ROOM, roomAdmin: true });
    expect((claims.exp ?? 0) - (claims.nbf ?? 0)).toBe(600);
    await expect(new TokenVerifier(KEY, "another-secret-0123456789abcdef").verify(token)).rejects.toThrow();
  });

  it("deletes a room with POST …/DeleteRoom and a roomCreate token", async () => {
    const { lk, client } = setup();
    expect(await client.deleteRoom(ROOM)).toEqual({ ok: true, gone: false });

    const [call] = lk.done();
    expect(call).toMatchObject({ method: "DeleteRoom", room: ROOM });
    expect(JSON.parse(call?.body ?? "")).toEqual({ room: ROOM });
    const claims = await new TokenVerifier(KEY, SECRET).verify(tokenOf(call?.headers ?? {}));
    expect(claims.video).toEqual({ room: ROOM, roomCreate: true });
  });

  it("judges tokens by the injected clock when both sides share one far from the wall clock", async () => {
    const t = wallClock() + 30 * 86_400;
    const later = () => t;
    const { lk, client } = setup({}, later);
    expect(await client.removeParticipant(ROOM, IDENTITY)).toEqual({ ok: true, gone: false });
    expect(lk.calls[0]?.at).toBe(later());
    // The same call from a client whose clock is the wall clock is 30 days early for this server.
    const early = liveKitRoomService({ fetch: lk.fetch, url: URL_, apiKey: KEY, apiSecret: SECRET, now: wallClock });
    expect(await early.removeParticipant(ROOM, IDENTITY)).toMatchObject({ ok: false, reason: "unauthorized" });
  });

  it("the stand-in refuses a forged, expired, not-yet-valid, other-room or under-granted server token", async () => {
    const { lk } = setup();
    const now = wallClock();
    const creds = { apiKey: KEY, apiSecret: SECRET };
    const admin = { room: ROOM, roomAdmin: true } as const;
    const remove = { room: ROOM, identity: IDENTITY };

    const refusals = [
      await post(
        lk,
        "RemoveParticipant",
        remove,
        await mintServerToken({ ...creds, apiSecret: "forged-0123456789abcdef" }, admin, now),
      ),
      await post(
        lk,
        "RemoveParticipant",
        remove,
        await mintServerToken({ ...creds, apiKey: "APIunknown" }, admin, now),
      ),
      await post(lk, "RemoveParticipant", remove, await mintServerToken(creds, admin, now - 3600)),
      await post(lk, "RemoveParticipant", remove, await mintServerToken(creds, admin, now + 3600)),
      await post(
        lk,
        "RemoveParticipant",
        remove,
        await mintServerToken(creds, { room: OTHER_ROOM, roomAdmin: true }, now),
      ),
      await post(lk, "RemoveParticipant", remove, await mintServerToken(creds, { room: ROOM, roomCreate: true }, now)),
      await post(lk, "DeleteRoom", { room: ROOM }, await mintServerToken(creds, admin, now)),
    ];
    for (const r of refusals) expect(r).toMatchObject({ status: 401, body: { code: "unauthenticated" } });
    expect(lk.done()).toHaveLength(0);

    // The same requests with the right tokens go through: the refusals above were about the tokens.
    expect((await post(lk, "RemoveParticipant", remove, await mintServerToken(creds, admin, now))).status).toBe(200);
    const create = { room: ROOM, roomCreate: true } as const;
    expect((await post(lk, "DeleteRoom", { room: ROOM }, await mintServerToken(creds, create, now))).status).toBe(200);
    expect(lk.done().map((c) => c.method)).toEqual(["RemoveParticipant", "DeleteRoom"]);
  });

  it("the stand-in speaks Twirp: POST only, known paths, JSON only, known fields", async () => {
    const { lk } = setup();
    const token = await mintServerToken(
      { apiKey: KEY, apiSecret: SECRET },
      { room: ROOM, roomAdmin: true },
      wallClock(),
    );
    const path = `${URL_}/twirp/livekit.RoomService/RemoveParticipant`;
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const get = await lk.fetch(path, { method: "GET", headers });
    expect(get.status).toBe(404);
    expect(await get.json()).toMatchObject({ code: "bad_route" });
    const proto = await lk.fetch(path, {
      method: "POST",
      headers: { ...headers, "content-type": "application/protobuf" },
      body: "{}",
    });
    expect(await proto.json()).toMatchObject({ code: "bad_route" });
    const extra = await post(lk, "RemoveParticipant", { room: ROOM, identity: IDENTITY, name: "Jane" }, token);
    expect(extra).toMatchObject({ status: 400, body: { code: "malformed" } });
    // snake_case is accepted, as LiveKit accepts it.
    const snake = await post(
      lk,
      "RemoveParticipant",
      { room: ROOM, identity: IDENTITY, revoke_token_ts: "1234" },
      token,
    );
    expect(snake.status).toBe(200);
    expect(lk.calls.at(-1)?.revokeTokenTs).toBe(1234);
  });

  it("a 503 is retryable, and the retried call goes through", async () => {
    const { lk, client } = setup();
    lk.failNext(1);
    expect(await client.removeParticipant(ROOM, IDENTITY)).toEqual({
      ok: false,
      retry: true,
      reason: "unavailable",
      status: 503,
      code: "unavailable",
    });
    expect(await client.removeParticipant(ROOM, IDENTITY)).toEqual({ ok: true, gone: false });
    expect(lk.calls.map((c) => c.status)).toEqual([503, 200]);
  });

  it("a 401 (wrong key or secret) is not retried", async () => {
    const wrongSecret = setup({ apiSecret: "not-the-secret-0123456789abcdef" }).client;
    expect(await wrongSecret.removeParticipant(ROOM, IDENTITY)).toEqual({
      ok: false,
      retry: false,
      reason: "unauthorized",
      status: 401,
      code: "unauthenticated",
    });
    const wrongKey = setup({ apiKey: "APIsomeoneelse" }).client;
    expect(await wrongKey.deleteRoom(ROOM)).toMatchObject({ ok: false, retry: false, reason: "unauthorized" });
    const noSecret = setup({ apiSecret: "" });
    expect(await noSecret.client.deleteRoom(ROOM)).toMatchObject({ ok: false, retry: false, reason: "unauthorized" });
    expect(noSecret.lk.calls).toHaveLength(0);
  });

  it("not_found (already gone) counts as done; a wrong URL (Twirp bad_route, also a 404) does not", async () => {
    const { lk, client } = setup();
    lk.notFoundNext(2);
    expect(await client.removeParticipant(ROOM, IDENTITY)).toEqual({ ok: true, gone: true });
    expect(await client.deleteRoom(ROOM)).toEqual({ ok: true, gone: true });
    expect(lk.calls.map((c) => [c.status, c.code])).toEqual([
      [404, "not_found"],
      [404, "not_found"],
    ]);

    const misplaced = liveKitRoomService({
      fetch: lk.fetch,
      url: `${URL_}/v1/`,
      apiKey: KEY,
      apiSecret: SECRET,
      now: wallClock,
    });
    expect(await misplaced.deleteRoom(ROOM)).toEqual({
      ok: false,
      retry: false,
      reason: "invalid",
      status: 404,
      code: "bad_route",
    });
    expect(lk.calls.at(-1)?.code).toBe("bad_route");
  });

  it("a slow server times out, as retryable", async () => {
    const { lk, client } = setup({ timeoutMs: 50 });
    lk.delay(5_000);
    const started = performance.now();
    expect(await client.removeParticipant(ROOM, IDENTITY)).toEqual({ ok: false, retry: true, reason: "timeout" });
    expect(performance.now() - started).toBeLessThan(4_000);
    expect(lk.done()).toHaveLength(0);
  });

  it("a network failure or a 5xx without a Twirp body is retryable; a 403 is not", async () => {
    const answer =
      (res: () => Response): RoomServiceFetch =>
      async () =>
        res();
    const base = { url: URL_, apiKey: KEY, apiSecret: SECRET, now: wallClock };
    const down = liveKitRoomService({
      ...base,
      fetch: async () => {
        throw new TypeError("Network connection lost.");
      },
    });
    expect(await down.deleteRoom(ROOM)).toEqual({ ok: false, retry: true, reason: "unavailable" });
    const proxy = liveKitRoomService({
      ...base,
      fetch: answer(() => new Response("<html>Bad Gateway</html>", { status: 502 })),
    });
    expect(await proxy.deleteRoom(ROOM)).toEqual({ ok: false, retry: true, reason: "unavailable", status: 502 });
    const denied = liveKitRoomService({
      ...base,
      fetch: answer(() => Response.json({ code: "permission_denied", msg: "no" }, { status: 403 })),
    });
    expect(await denied.deleteRoom(ROOM)).toEqual({
      ok: false,
      retry: false,
      reason: "unauthorized",
      status: 403,
      code: "permission_denied",
    });
  });

  it("sends nothing personal: opaque ids, exactly the documented fields, a token without a subject or name", async () => {
    const { lk, client } = setup();
    const revokeBefore = wallClock() + 60;
    expect(await client.removeParticipant(ROOM, IDENTITY, { revokeTokensBefore: revokeBefore })).toEqual({
      ok: true,
      gone: false,
    });
    const [call] = lk.calls;
    expect(JSON.parse(call?.body ?? "")).toEqual({
      room: ROOM,
      identity: IDENTITY,
      revokeTokenTs: String(revokeBefore),
    });
    expect(call?.revokeTokenTs).toBe(revokeBefore);
    expect(Object.keys(call?.headers ?? {}).sort()).toEqual(["authorization", "content-type"]);
    expect(Object.keys(decodeJwt(tokenOf(call?.headers ?? {}))).sort()).toEqual([
      "exp",
      "iat",
      "iss",
      "jti",
      "nbf",
      "video",
    ]);

    // What could be a person's name or a group's is never sent at all.
    const refused = [
      await client.removeParticipant(ROOM, "jane.doe@example.com"),
      await client.removeParticipant(ROOM, "Jane Doe"),
      await client.removeParticipant("Tuesday recovery group", IDENTITY),
      await client.removeParticipant(ROOM, IDENTITY, { revokeTokensBefore: -1 }),
      await client.deleteRoom("Jane's family session"),
    ];
    for (const r of refused) expect(r).toEqual({ ok: false, retry: false, reason: "invalid" });
    expect(lk.calls).toHaveLength(1);
  });
});

describe("listParticipants against the Twirp stand-in", () => {
  const JOINED_MS = 1_760_000_123_456;
  const respond =
    (body: unknown, status = 200): RoomServiceFetch =>
    async () =>
      new Response(typeof body === "string" ? body : JSON.stringify(body), { status });
  const listing = (fetch: RoomServiceFetch) =>
    liveKitRoomService({ fetch, url: URL_, apiKey: KEY, apiSecret: SECRET, now: wallClock }).listParticipants(ROOM);

  it("lists with POST …/ListParticipants, a roomAdmin token for that room, and keeps only ids, join times and states", async () => {
    const { lk, client } = setup();
    lk.setParticipants(ROOM, [
      { identity: IDENTITY, joinedAtMs: JOINED_MS, name: "Jane Doe", metadata: '{"email":"jane@example.com"}' },
      { identity: "fac_9k2m4q", joinedAtMs: JOINED_MS + 7, state: "joining" },
      { identity: "EG_hk2v9x", joinedAtMs: JOINED_MS, kind: "EGRESS" },
      { identity: "+15551234567", joinedAtMs: JOINED_MS, kind: "SIP" },
    ]);
    expect(await client.listParticipants(ROOM)).toEqual({
      ok: true,
      participants: [
        { identity: IDENTITY, joinedAtMs: JOINED_MS, state: "active" },
        { identity: "fac_9k2m4q", joinedAtMs: JOINED_MS + 7, state: "joining" },
        { identity: "EG_hk2v9x", joinedAtMs: JOINED_MS, state: "active" },
      ],
    });
    const [call] = lk.done();
    expect(call).toMatchObject({ method: "ListParticipants", room: ROOM });
    expect(JSON.parse(call?.body ?? "")).toEqual({ room: ROOM });
    const claims = await new TokenVerifier(KEY, SECRET).verify(tokenOf(call?.headers ?? {}));
    expect(claims.video).toEqual({ room: ROOM, roomAdmin: true });
  });

  it("the stand-in answers as LiveKit's server writes protojson: proto names, int64 as strings, enums by name, every field", async () => {
    const { lk } = setup();
    lk.setParticipants(ROOM, [{ identity: IDENTITY, joinedAtMs: JOINED_MS }]);
    const creds = { apiKey: KEY, apiSecret: SECRET };
    const res = await post(
      lk,
      "ListParticipants",
      { room: ROOM },
      await mintServerToken(creds, { room: ROOM, roomAdmin: true }, wallClock()),
    );
    const [info] = (res.body as { participants: Record<string, unknown>[] }).participants;
    expect(info).toMatchObject({
      identity: IDENTITY,
      state: "ACTIVE",
      joined_at: "1760000123",
      joined_at_ms: String(JOINED_MS),
    });
    expect(info).toHaveProperty("kind", "STANDARD");
    expect(info).toHaveProperty("metadata", "");
    // The grant LiveKit's EnsureAdminPermission checks: roomAdmin, for this very room.
    for (const grant of [
      { room: ROOM, roomCreate: true },
      { room: OTHER_ROOM, roomAdmin: true },
    ] as const) {
      const refused = await post(
        lk,
        "ListParticipants",
        { room: ROOM },
        await mintServerToken(creds, grant, wallClock()),
      );
      expect(refused).toMatchObject({ status: 401, body: { code: "unauthenticated" } });
    }
  });

  it("a room LiveKit does not know lists nobody: an empty list, or Twirp's not_found", async () => {
    const { lk, client } = setup();
    expect(await client.listParticipants(ROOM)).toEqual({ ok: true, participants: [] });
    lk.setParticipants(ROOM, [{ identity: IDENTITY, joinedAtMs: JOINED_MS }]);
    lk.notFoundNext(1);
    expect(await client.listParticipants(ROOM)).toEqual({ ok: true, participants: [] });
    expect(lk.calls.map((c) => [c.status, c.code])).toEqual([
      [200, undefined],
      [404, "not_found"],
    ]);
  });

  it("fails as the other calls do: 503 retryable, wrong secret not, slow server a timeout; a name for a room is never sent", async () => {
    const { lk, client } = setup({ timeoutMs: 50 });
    lk.failNext(1);
    expect(await client.listParticipants(ROOM)).toEqual({
      ok: false,
      retry: true,
      reason: "unavailable",
      status: 503,
      code: "unavailable",
    });
    const wrong = setup({ apiSecret: "not-the-secret-0123456789abcdef" }).client;
    expect(await wrong.listParticipants(ROOM)).toMatchObject({
      ok: false,
      retry: false,
      reason: "unauthorized",
      status: 401,
    });
    lk.delay(5_000);
    expect(await client.listParticipants(ROOM)).toEqual({ ok: false, retry: true, reason: "timeout" });
    lk.delay(0);
    expect(await client.listParticipants("Tuesday recovery group")).toEqual({
      ok: false,
      retry: false,
      reason: "invalid",
    });
    expect(lk.calls).toHaveLength(2);
  });

  it("reads camelCase names, numbers for int64 and enums, and an older server's joined_at in seconds", async () => {
    const answer = {
      participants: [
        { identity: "clt_a1", state: 1, joinedAt: 1_760_000_000, joinedAtMs: "1760000000250" },
        { identity: "clt_b2", state: "DISCONNECTED", joined_at: "1760000001" },
        { identity: "clt_c3", state: "ACTIVE", joined_at: "1760000002", joined_at_ms: "0" },
        { identity: "clt_d4", joined_at_ms: 1_760_000_003_000 },
      ],
    };
    expect(await listing(respond(answer))).toEqual({
      ok: true,
      participants: [
        { identity: "clt_a1", joinedAtMs: 1_760_000_000_250, state: "joined" },
        { identity: "clt_b2", joinedAtMs: 1_760_000_001_000, state: "disconnected" },
        { identity: "clt_c3", joinedAtMs: 1_760_000_002_000, state: "active" },
        { identity: "clt_d4", joinedAtMs: 1_760_000_003_000, state: "joining" },
      ],
    });
    expect(await listing(respond({}))).toEqual({ ok: true, participants: [] });
    expect(await listing(respond({ participants: null }))).toEqual({ ok: true, participants: [] });
  });

  it("refuses the whole answer when one of ours cannot be read (leaving them out would read as a leave), or it is not LiveKit's", async () => {
    const ours = { identity: IDENTITY, state: "ACTIVE", joined_at_ms: String(JOINED_MS) };
    const refused = { ok: false, retry: false, reason: "invalid", status: 200 };
    for (const bad of [
      { participants: [{ ...ours, state: "SPEAKING" }] },
      { participants: [{ ...ours, state: 7 }] },
      { participants: [{ ...ours, joined_at_ms: "-5" }] },
      { participants: [{ ...ours, joined_at_ms: "12345678901234567890" }] },
      { participants: [{ identity: IDENTITY, state: "ACTIVE" }] },
      { participants: Array.from({ length: 501 }, (_, i) => ({ ...ours, identity: `clt_${i}` })) },
      { participants: ours },
      "<html>Welcome to nginx</html>",
      `{"participants":[${"[".repeat(100)}${"]".repeat(100)}]}`,
      `{"participants":[],"pad":"${"x".repeat(4 * 1024 * 1024)}"}`,
    ]) {
      expect(await listing(respond(bad))).toEqual(refused);
    }
    // Someone else's entry, unreadable, does not spoil ours.
    const other = { identity: "agent AJ 1", state: "SPEAKING" };
    expect(await listing(respond({ participants: [other, ours] }))).toEqual({
      ok: true,
      participants: [{ identity: IDENTITY, joinedAtMs: JOINED_MS, state: "active" }],
    });
  });
});
