/**
 * An in-process Daily REST API for tests, speaking the endpoints docs.daily.co reference/rest-api
 * documents, as Daily answers them: `POST /rooms` (`{ name, privacy, properties }`), `GET /rooms/:name`,
 * `DELETE /rooms/:name` (`{ deleted, name }`, 404 when there is none), `POST /rooms/:name/eject`
 * (`{ ids?, user_ids?, ban? }`, at most 100 each, answered `{ ejectedIds }`) and
 * `GET /rooms/:name/presence` (`?limit`, answered `{ total_count, data }`). Authentication as documented:
 * no `Authorization: Bearer` header is a 400 `authorization-header-error`, a wrong key a 401
 * `authentication-error`. Errors are `{ error, info }`. A taken room name is a 400
 * `invalid-request-error`, as Daily answers it. Stricter than Daily on one point, on purpose: a body
 * field it does not document is refused, so a test sees anything extra the client sends.
 */

/** One request that reached the fake, whatever it was answered. */
export interface DailyCall {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Exactly what was sent, for privacy assertions. */
  body: string;
  headers: Record<string, string>;
  status: number;
  error?: string;
}

/** Someone in a room's meeting, as a test sets it; `userName` is there to prove the client drops it. */
export interface FakePresence {
  userId: string;
  participantId: string;
  userName?: string;
  joinTime: string;
}

interface Room {
  id: string;
  name: string;
  privacy: string;
  properties: Record<string, unknown>;
  created_at: string;
}

const ROOM_FIELDS = new Set(["name", "privacy", "properties"]);
const ROOM_PROPERTIES = new Set(["exp", "nbf", "eject_at_room_exp", "max_participants"]);
const EJECT_FIELDS = new Set(["ids", "user_ids", "ban"]);
/** Daily's room-name rule: letters, digits, `-` and `_`, at most 128. */
const ROOM_NAME = /^[A-Za-z0-9_-]{1,128}$/;

export function fakeDaily(opts: { apiKey: string; domain?: string }) {
  const calls: DailyCall[] = [];
  const rooms = new Map<string, Room>();
  const presence = new Map<string, FakePresence[]>();
  let failures = { left: 0, status: 503 };
  let delayMs = 0;
  const domain = opts.domain ?? "clinic";

  async function handle(url: string, init: RequestInit = {}): Promise<Response> {
    const u = new URL(url);
    const body = typeof init.body === "string" ? init.body : "";
    const headers = Object.fromEntries(new Headers(init.headers));
    const method = (init.method ?? "GET").toUpperCase();
    const path = u.pathname.replace(/^\/v1/, "");
    const call: DailyCall = { method, path, query: Object.fromEntries(u.searchParams), body, headers, status: 0 };
    calls.push(call);
    const answer = (status: number, json: unknown) => {
      call.status = status;
      return new Response(JSON.stringify(json), { status, headers: { "content-type": "application/json" } });
    };
    const error = (status: number, kind: string, info: string) => {
      call.error = kind;
      return answer(status, { error: kind, info });
    };

    if (delayMs > 0) await sleep(delayMs, init.signal);
    const auth = headers.authorization ?? "";
    if (!/^Bearer \S+$/.test(auth)) return error(400, "authorization-header-error", "Authorization header required");
    if (auth !== `Bearer ${opts.apiKey}`) return error(401, "authentication-error", "authorization failed");
    if (failures.left > 0) {
      failures = { ...failures, left: failures.left - 1 };
      return error(failures.status, failures.status === 429 ? "rate-limit-error" : "server-error", "injected");
    }

    let params: Record<string, unknown> = {};
    if (body) {
      try {
        const parsed: unknown = JSON.parse(body);
        if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new TypeError("not an object");
        params = parsed as Record<string, unknown>;
      } catch {
        return error(400, "json-parsing-error", "the request body could not be parsed");
      }
      if ((headers["content-type"] ?? "").split(";")[0] !== "application/json") {
        return error(400, "invalid-request-error", "content-type must be application/json");
      }
    }

    const [, first, name, action, ...rest] = path.split("/");
    if (first !== "rooms" || rest.length > 0) return error(404, "not-found", "no such endpoint");
    const roomName = name === undefined ? undefined : decodeURIComponent(name);

    if (method === "POST" && !roomName) {
      const unknown = Object.keys(params).find((k) => !ROOM_FIELDS.has(k));
      if (unknown) return error(400, "invalid-request-error", `unknown parameter ${unknown}`);
      const props = (params.properties ?? {}) as Record<string, unknown>;
      const badProp = Object.keys(props).find((k) => !ROOM_PROPERTIES.has(k));
      if (badProp) return error(400, "invalid-request-error", `unknown property ${badProp}`);
      const n = params.name;
      if (typeof n !== "string" || !ROOM_NAME.test(n)) return error(400, "invalid-request-error", "invalid name");
      if (params.privacy !== undefined && params.privacy !== "private" && params.privacy !== "public") {
        return error(400, "invalid-request-error", "invalid privacy");
      }
      if (rooms.has(n)) return error(400, "invalid-request-error", `a room named ${n} already exists`);
      const made: Room = {
        id: crypto.randomUUID(),
        name: n,
        privacy: (params.privacy as string | undefined) ?? "public",
        properties: props,
        created_at: new Date().toISOString(),
      };
      rooms.set(n, made);
      return answer(200, roomJson(made));
    }
    if (!roomName) return error(404, "not-found", "no such endpoint");
    const existing = rooms.get(roomName);
    const notFound = () => error(404, "not-found", `room ${roomName} was not found`);

    if (!action && method === "GET") return existing ? answer(200, roomJson(existing)) : notFound();
    if (!action && method === "DELETE") {
      if (!existing) return notFound();
      rooms.delete(roomName);
      presence.delete(roomName);
      return answer(200, { deleted: true, name: roomName });
    }
    if (action === "eject" && method === "POST") {
      const unknown = Object.keys(params).find((k) => !EJECT_FIELDS.has(k));
      if (unknown) return error(400, "invalid-request-error", `unknown parameter ${unknown}`);
      const userIds = params.user_ids ?? [];
      const ids = params.ids ?? [];
      if (!isStrings(userIds) || !isStrings(ids) || userIds.length > 100 || ids.length > 100) {
        return error(400, "invalid-request-error", "ids and user_ids are lists of at most 100 strings");
      }
      if (!existing) return notFound();
      const here = presence.get(roomName) ?? [];
      const out = here.filter((p) => userIds.includes(p.userId) || ids.includes(p.participantId));
      presence.set(
        roomName,
        here.filter((p) => !out.includes(p)),
      );
      // Participants not found are not an error: `ejectedIds` says who was ejected.
      return answer(200, { ejectedIds: out.map((p) => p.participantId) });
    }
    if (action === "presence" && method === "GET") {
      if (!existing) return notFound();
      const limit = call.query.limit === undefined ? 20 : Number(call.query.limit);
      const here = presence.get(roomName) ?? [];
      const data = here.slice(0, limit).map((p) => ({
        room: roomName,
        id: p.participantId,
        userId: p.userId,
        userName: p.userName ?? "Guest",
        mtgSessionId: "16e9701a-93e0-4933-83c9-223e7c40d552",
        joinTime: p.joinTime,
        duration: 60,
      }));
      return answer(200, { total_count: here.length, data });
    }
    return error(404, "not-found", "no such endpoint");
  }

  function roomJson(r: Room) {
    return {
      id: r.id,
      name: r.name,
      api_created: true,
      privacy: r.privacy,
      url: `https://${domain}.daily.co/${r.name}`,
      created_at: r.created_at,
      config: r.properties,
    };
  }

  return {
    /** A `fetch` to inject: only this fake answers it. */
    fetch: (url: string, init?: RequestInit): Promise<Response> => handle(url, init),
    calls,
    rooms,
    /** Add a room as if made elsewhere (the dashboard, an earlier run). */
    addRoom(name: string, privacy: "private" | "public") {
      rooms.set(name, { id: crypto.randomUUID(), name, privacy, properties: {}, created_at: new Date().toISOString() });
    },
    /** Who is in `room`'s meeting from now on. */
    setPresence(room: string, who: FakePresence[]) {
      presence.set(room, [...who]);
    },
    presenceOf: (room: string) => presence.get(room) ?? [],
    /** The next `n` authenticated calls fail with `status` (503 unless told). */
    failNext(n: number, status = 503) {
      failures = { left: n, status };
    },
    /** Every answer waits this long first; aborts as `fetch` would. */
    delay(ms: number) {
      delayMs = ms;
    },
  };
}

export type FakeDaily = ReturnType<typeof fakeDaily>;

function isStrings(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === "string");
}

function sleep(ms: number, signal: AbortSignal | null | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}
