import { describe, expect, it } from "vitest";
import { type DailyApiConfig, dailyApi } from "../../src/video/daily/api.ts";
import { fakeDaily } from "./fake-daily.ts";

const KEY = "daily-api-key-0123456789abcdef0123456789abcdef";
const BASE = "https://api.daily.test/v1";
const ROOM = "r_8c3v5b4k9d2m7q1x0abcdefgh";
const ALICE = "clt_7f3k2p9d4x";
const BOB = "fam_2m7q1x8c3v";
const nowS = () => Math.floor(Date.now() / 1000);

function setup(over: Partial<DailyApiConfig> = {}) {
  const daily = fakeDaily({ apiKey: KEY });
  const api = dailyApi({ fetch: daily.fetch, apiKey: KEY, baseUrl: BASE, ...over });
  return { daily, api };
}

const joined = (userId: string, participantId: string, agoS = 60) => ({
  userId,
  participantId,
  userName: "Jane Doe",
  joinTime: new Date((nowS() - agoS) * 1000).toISOString(),
});

describe("Daily REST client against the fake", () => {
  it("creates a private room with POST /rooms, a bearer key and exactly the documented body", async () => {
    const { daily, api } = setup();
    const exp = nowS() + 7200;
    expect(await api.createRoom(ROOM, { privacy: "private", exp })).toEqual({ ok: true, created: true });
    const [call] = daily.calls;
    expect(call).toMatchObject({ method: "POST", path: "/rooms", status: 200 });
    expect(call?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(call?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(call?.body ?? "")).toEqual({ name: ROOM, privacy: "private", properties: { exp } });
    expect(daily.rooms.get(ROOM)?.privacy).toBe("private");
  });

  it("treats a private room that already exists as made (a retried create), but never a public one", async () => {
    const { daily, api } = setup();
    expect(await api.createRoom(ROOM, { privacy: "private" })).toEqual({ ok: true, created: true });
    expect(await api.createRoom(ROOM, { privacy: "private" })).toEqual({ ok: true, created: false });
    expect(daily.calls.map((c) => [c.method, c.path, c.status])).toEqual([
      ["POST", "/rooms", 200],
      ["POST", "/rooms", 400],
      ["GET", `/rooms/${ROOM}`, 200],
    ]);

    const other = "r_0000000000000000zzzz";
    daily.addRoom(other, "public");
    expect(await api.createRoom(other, { privacy: "private" })).toMatchObject({
      ok: false,
      retry: false,
      reason: "invalid",
      error: "room-not-private",
    });
  });

  it("ejects by user id with POST /rooms/:name/eject and { user_ids }, counting who was removed", async () => {
    const { daily, api } = setup();
    await api.createRoom(ROOM, { privacy: "private" });
    daily.setPresence(ROOM, [joined(ALICE, "p-1"), joined(ALICE, "p-2"), joined(BOB, "p-3")]);
    expect(await api.ejectParticipants(ROOM, [ALICE])).toEqual({ ok: true, ejected: 2 });
    const call = daily.calls.at(-1);
    expect(call).toMatchObject({ method: "POST", path: `/rooms/${ROOM}/eject`, status: 200 });
    expect(JSON.parse(call?.body ?? "")).toEqual({ user_ids: [ALICE] });
    expect(daily.presenceOf(ROOM).map((p) => p.userId)).toEqual([BOB]);
    // Someone already gone is not an error: nobody ejected.
    expect(await api.ejectParticipants(ROOM, [ALICE])).toEqual({ ok: true, ejected: 0 });
  });

  it("sends no eject for nobody, and refuses ids that are not opaque or more than Daily's 100", async () => {
    const { daily, api } = setup();
    expect(await api.ejectParticipants(ROOM, [])).toEqual({ ok: true, ejected: 0 });
    expect(await api.ejectParticipants(ROOM, ["jane@example.com"])).toMatchObject({ ok: false, reason: "invalid" });
    const many = Array.from({ length: 101 }, (_, i) => `clt_${String(i).padStart(10, "0")}`);
    expect(await api.ejectParticipants(ROOM, many)).toMatchObject({ ok: false, reason: "invalid" });
    expect(await api.createRoom("Jane's group", { privacy: "private" })).toMatchObject({
      ok: false,
      reason: "invalid",
    });
    expect(daily.calls).toHaveLength(0);
  });

  it("deletes with DELETE /rooms/:name; a room already gone (404 not-found) is done", async () => {
    const { daily, api } = setup();
    await api.createRoom(ROOM, { privacy: "private" });
    expect(await api.deleteRoom(ROOM)).toEqual({ ok: true, gone: false });
    expect(daily.calls.at(-1)).toMatchObject({ method: "DELETE", path: `/rooms/${ROOM}`, status: 200 });
    expect(daily.rooms.has(ROOM)).toBe(false);
    expect(await api.deleteRoom(ROOM)).toEqual({ ok: true, gone: true });
    expect(daily.calls.at(-1)).toMatchObject({ status: 404, error: "not-found" });
  });

  it("a 404 that is not Daily's (a wrong base URL) is not taken as gone", async () => {
    const { api } = setup({
      fetch: async () =>
        new Response("<html>Not Found</html>", { status: 404, headers: { "content-type": "text/html" } }),
    });
    expect(await api.deleteRoom(ROOM)).toEqual({ ok: false, retry: false, reason: "invalid", status: 404 });
  });

  it("reads presence with GET /rooms/:name/presence: user ids, participant ids and join times, no names", async () => {
    const { daily, api } = setup();
    await api.createRoom(ROOM, { privacy: "private" });
    const a = joined(ALICE, "p-1", 120);
    daily.setPresence(ROOM, [a, joined("a-stranger@example.com", "p-9"), joined(BOB, "p-3", 30)]);
    const result = await api.presence(ROOM);
    expect(result).toEqual({
      ok: true,
      participants: [
        { userId: ALICE, participantId: "p-1", joinedAtMs: Date.parse(a.joinTime) },
        { userId: BOB, participantId: "p-3", joinedAtMs: expect.any(Number) },
      ],
    });
    expect(JSON.stringify(result)).not.toContain("Jane");
    const call = daily.calls.at(-1);
    expect(call).toMatchObject({ method: "GET", path: `/rooms/${ROOM}/presence`, query: { limit: "500" } });
  });

  it("a room Daily does not know lists nobody; a list cut short of total_count is refused", async () => {
    const { daily, api } = setup();
    expect(await api.presence(ROOM)).toEqual({ ok: true, participants: [] });
    const { api: cut } = setup({
      fetch: async () =>
        Response.json({ total_count: 3, data: [{ room: ROOM, id: "p-1", userId: ALICE, joinTime: "x" }] }),
    });
    expect(await cut.presence(ROOM)).toMatchObject({ ok: false, reason: "invalid" });
    expect(daily.calls[0]?.status).toBe(404);
  });

  it("without the right key: 401 authentication-error, or Daily's 400 for no header, both unauthorized", async () => {
    const { api } = setup({ apiKey: "not-the-key" });
    expect(await api.deleteRoom(ROOM)).toEqual({
      ok: false,
      retry: false,
      reason: "unauthorized",
      status: 401,
      error: "authentication-error",
    });
    const daily = fakeDaily({ apiKey: KEY });
    const res = await daily.fetch(`${BASE}/rooms/${ROOM}`, { method: "DELETE" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "authorization-header-error" });
    expect(await dailyApi({ fetch: daily.fetch, apiKey: "" }).deleteRoom(ROOM)).toMatchObject({
      reason: "unauthorized",
    });
  });

  it("5xx and network failures are retryable; 429 is rate-limited and retryable", async () => {
    const { daily, api } = setup();
    daily.failNext(1, 503);
    expect(await api.createRoom(ROOM, { privacy: "private" })).toEqual({
      ok: false,
      retry: true,
      reason: "unavailable",
      status: 503,
      error: "server-error",
    });
    expect(await api.createRoom(ROOM, { privacy: "private" })).toEqual({ ok: true, created: true });
    daily.failNext(1, 429);
    expect(await api.deleteRoom(ROOM)).toMatchObject({ ok: false, retry: true, reason: "rate-limited", status: 429 });
    const { api: offline } = setup({
      fetch: async () => {
        throw new TypeError("network connection lost");
      },
    });
    expect(await offline.presence(ROOM)).toEqual({ ok: false, retry: true, reason: "unavailable" });
  });

  it("a slow Daily times out, as retryable", async () => {
    const { daily, api } = setup({ timeoutMs: 50 });
    daily.delay(5_000);
    expect(await api.ejectParticipants(ROOM, [ALICE])).toEqual({ ok: false, retry: true, reason: "timeout" });
  });

  it("a 200 that is not Daily's answer is invalid, not success", async () => {
    const { api } = setup({ fetch: async () => new Response("ok", { status: 200 }) });
    expect(await api.createRoom(ROOM, { privacy: "private" })).toMatchObject({ ok: false, reason: "invalid" });
    expect(await api.ejectParticipants(ROOM, [ALICE])).toMatchObject({ ok: false, reason: "invalid" });
    expect(await api.presence(ROOM)).toMatchObject({ ok: false, reason: "invalid" });
  });
});
