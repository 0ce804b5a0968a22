import { SubjectId } from "../../../schemas/common.ts";
import { RoomName } from "../../../schemas/join-token.ts";

/**
 * Daily's REST API, the calls the rooms need, as docs.daily.co reference/rest-api documents them:
 * `POST /rooms`, `GET /rooms/:name`, `DELETE /rooms/:name`, `POST /rooms/:name/eject` and
 * `GET /rooms/:name/presence`, each with `Authorization: Bearer <API key>`. Errors are
 * `{ error, info }` with `error` one of Daily's kinds (`authentication-error`, `authorization-header-error`,
 * `invalid-request-error`, `rate-limit-error`, `not-found`, `server-error`…); `info` is never kept.
 * Daily rate-limits most endpoints at 20 requests/s (100 per 5 s) and `DELETE /rooms/:name` at about 2/s
 * (50 per 30 s): a 429 is `rate-limited`, to retry with backoff. Nothing here throws.
 */

export const DAILY_API_URL = "https://api.daily.co/v1";
/** A call is abandoned after this long and retried from the caller's alarm. */
export const DAILY_API_TIMEOUT_MS = 10_000;
/** Eject takes "max 100" ids per list. */
export const DAILY_EJECT_MAX = 100;
/** Asked for explicitly (`limit`): a group room holds tens of people, and a cut list would read as "they left". */
export const DAILY_PRESENCE_LIMIT = 500;
/** A room or error answer is a few KiB; a presence list of the limit with every field, some hundred KiB. */
const MAX_ANSWER_BYTES = 1024 * 1024;

/** The slice of `fetch` the client uses; the global `fetch` and the test fake both satisfy it. */
export type DailyFetch = (
  url: string,
  init: { method: Method; headers: Record<string, string>; body?: string; signal: AbortSignal },
) => Promise<Response>;

export interface DailyApiConfig {
  fetch: DailyFetch;
  /** The domain's API key, sent as a Bearer token. */
  apiKey: string;
  /** `DAILY_API_URL` unless told. */
  baseUrl?: string;
  timeoutMs?: number;
}

/**
 * Why a call did not take effect. `rate-limited` (429), `unavailable` (network, 408, 5xx) and `timeout` are
 * worth a retry; `unauthorized` (a missing or wrong API key) and `invalid` (any other 4xx, an id that is
 * not opaque, an answer that is not Daily's, a room of that name that is not private) fail again the same way.
 */
export type DailyApiFailure = "rate-limited" | "unavailable" | "timeout" | "unauthorized" | "invalid";

/** A call that did not take effect; `status` and Daily's `error` kind are for the log. */
export type DailyApiError = { ok: false; retry: boolean; reason: DailyApiFailure; status?: number; error?: string };

/** `created: false`: a private room of that name was already there, which is what was asked for. */
export type CreateRoomResult = { ok: true; created: boolean } | DailyApiError;
/** `gone`: the room was already gone (404), which is what was asked for. */
export type DeleteRoomResult = { ok: true; gone: boolean } | DailyApiError;
/** `ejected`: how many connections Daily removed; 0 when none of them was in the call. */
export type EjectResult = { ok: true; ejected: number } | DailyApiError;

/** One of ours in a room, as presence lists it: the token's `user_id`, Daily's participant id, since when. */
export interface DailyPresence {
  userId: string;
  participantId: string;
  joinedAtMs: number;
}
/** Everyone of ours Daily sees in the room now (up to 15 s late, as Daily documents); a room Daily does not know lists nobody. */
export type PresenceResult = { ok: true; participants: DailyPresence[] } | DailyApiError;

export interface DailyApi {
  /** A private room (a meeting token needed to join), closing at `exp` (seconds) when given. */
  createRoom(name: string, opts: { privacy: "private"; exp?: number }): Promise<CreateRoomResult>;
  /** Remove these participants (by the `user_id` their tokens set) from the ongoing meeting. */
  ejectParticipants(room: string, userIds: readonly string[]): Promise<EjectResult>;
  /** Delete the room: everyone in it is disconnected and nobody can join it again. */
  deleteRoom(name: string): Promise<DeleteRoomResult>;
  presence(room: string): Promise<PresenceResult>;
}

const INVALID: DailyApiError = { ok: false, retry: false, reason: "invalid" };
const KIND = /^[a-z-]{1,40}$/;

/** A client over `config`; each request has its own deadline. */
export function dailyApi(config: DailyApiConfig): DailyApi {
  const base = (config.baseUrl ?? DAILY_API_URL).replace(/\/+$/, "");
  const room = (name: string) => `${base}/rooms/${encodeURIComponent(name)}`;
  const send = (method: Method, url: string, body?: unknown) =>
    config.apiKey ? request(config, method, url, body) : Promise.resolve(UNAUTHORIZED);
  return {
    async createRoom(name, opts) {
      if (!RoomName.safeParse(name).success || opts.privacy !== "private") return INVALID;
      if (opts.exp !== undefined && !(Number.isSafeInteger(opts.exp) && opts.exp > 0)) return INVALID;
      const properties = opts.exp === undefined ? {} : { exp: opts.exp };
      const made = await send("POST", `${base}/rooms`, { name, privacy: opts.privacy, properties });
      if (made.ok) return isRoom(made.json, name) ? { ok: true, created: true } : invalid(made.status);
      // Daily answers a taken name with a 400 whose wording it does not document: look the room up instead.
      if (made.reason !== "invalid" || made.error !== "invalid-request-error") return made;
      const found = await send("GET", room(name));
      if (!found.ok) return found.status === 404 ? made : found;
      if (!isRoom(found.json, name)) return invalid(found.status);
      // A public room of that name would admit anyone with the link: never take it as ours.
      return (found.json as { privacy?: unknown }).privacy === "private"
        ? { ok: true, created: false }
        : { ...INVALID, status: found.status, error: "room-not-private" };
    },
    async ejectParticipants(name, userIds) {
      if (!RoomName.safeParse(name).success || userIds.length > DAILY_EJECT_MAX) return INVALID;
      if (!userIds.every((id) => SubjectId.safeParse(id).success)) return INVALID;
      if (userIds.length === 0) return { ok: true, ejected: 0 };
      const res = await send("POST", `${room(name)}/eject`, { user_ids: [...userIds] });
      // No meeting in the room (or no room): nobody to eject.
      if (!res.ok) return res.status === 404 && res.error === "not-found" ? { ok: true, ejected: 0 } : res;
      const ids = (res.json as { ejectedIds?: unknown } | null)?.ejectedIds;
      return Array.isArray(ids) ? { ok: true, ejected: ids.length } : invalid(res.status);
    },
    async deleteRoom(name) {
      if (!RoomName.safeParse(name).success) return INVALID;
      const res = await send("DELETE", room(name));
      if (!res.ok) return res.status === 404 && res.error === "not-found" ? { ok: true, gone: true } : res;
      return { ok: true, gone: false };
    },
    async presence(name) {
      if (!RoomName.safeParse(name).success) return INVALID;
      const res = await send("GET", `${room(name)}/presence?limit=${DAILY_PRESENCE_LIMIT}`);
      if (!res.ok) return res.status === 404 && res.error === "not-found" ? { ok: true, participants: [] } : res;
      return readPresence(res.json, res.status);
    },
  };
}

const UNAUTHORIZED: DailyApiError = { ok: false, retry: false, reason: "unauthorized" };

type Answer = { ok: true; status: number; json: unknown } | DailyApiError;

type Method = "GET" | "POST" | "DELETE";

async function request(config: DailyApiConfig, method: Method, url: string, body?: unknown): Promise<Answer> {
  const signal = AbortSignal.timeout(config.timeoutMs ?? DAILY_API_TIMEOUT_MS);
  const headers: Record<string, string> = { authorization: `Bearer ${config.apiKey}`, accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  try {
    const res = await config.fetch(url, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal,
    });
    const text = await readCapped(res, MAX_ANSWER_BYTES);
    const json = text === undefined ? undefined : parse(text);
    if (res.ok) return json === undefined ? invalid(res.status) : { ok: true, status: res.status, json };
    return classify(res.status, errorKind(json));
  } catch {
    return signal.aborted
      ? { ok: false, retry: true, reason: "timeout" }
      : { ok: false, retry: true, reason: "unavailable" };
  }
}

function classify(status: number, error: string | undefined): DailyApiError {
  const seen = error === undefined ? { status } : { status, error };
  // A missing or malformed Authorization header is Daily's 400 `authorization-header-error`.
  if (status === 401 || status === 403 || error === "authentication-error" || error === "authorization-header-error")
    return { ok: false, retry: false, reason: "unauthorized", ...seen };
  if (status === 429) return { ok: false, retry: true, reason: "rate-limited", ...seen };
  if (status === 408 || status >= 500) return { ok: false, retry: true, reason: "unavailable", ...seen };
  return { ...INVALID, ...seen };
}

function invalid(status: number): DailyApiError {
  return { ...INVALID, status };
}

/** Daily's `error` kind from an error body; a proxy's page or a body without one leaves it unknown. */
function errorKind(json: unknown): string | undefined {
  const kind = json && typeof json === "object" && "error" in json ? json.error : undefined;
  return typeof kind === "string" && KIND.test(kind) ? kind : undefined;
}

function isRoom(json: unknown, name: string): boolean {
  return !!json && typeof json === "object" && (json as { name?: unknown }).name === name;
}

/**
 * Daily's presence answer `{ total_count, data: [{ room, id, userId, userName, joinTime, … }] }`, our
 * participants only (a `userId` that is not an opaque id is not one of ours); names are dropped. A list
 * shorter than `total_count`, or one of ours that cannot be read, refuses the whole answer: leaving
 * someone out would read as "they left".
 */
function readPresence(json: unknown, status: number): PresenceResult {
  const answer = json as { total_count?: unknown; data?: unknown } | null;
  const data = answer?.data;
  if (!Array.isArray(data) || data.length > DAILY_PRESENCE_LIMIT) return invalid(status);
  if (typeof answer?.total_count === "number" && answer.total_count > data.length) return invalid(status);
  const participants: DailyPresence[] = [];
  for (const entry of data as Array<Record<string, unknown> | null>) {
    const userId = entry?.userId;
    if (typeof userId !== "string" || !SubjectId.safeParse(userId).success) continue;
    const joinedAtMs = typeof entry?.joinTime === "string" ? Date.parse(entry.joinTime) : Number.NaN;
    const participantId = entry?.id;
    if (!Number.isSafeInteger(joinedAtMs) || joinedAtMs <= 0) return invalid(status);
    if (typeof participantId !== "string" || participantId.length === 0 || participantId.length > 64)
      return invalid(status);
    participants.push({ userId, participantId, joinedAtMs });
  }
  return { ok: true, participants };
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The body as text, or undefined past `max` bytes (read no further). */
async function readCapped(res: Response, max: number): Promise<string | undefined> {
  const reader = res.body?.getReader();
  if (!reader) return "";
  const decoder = new TextDecoder();
  let text = "";
  let size = 0;
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    size += chunk.value.byteLength;
    if (size > max) {
      await reader.cancel();
      return undefined;
    }
    text += decoder.decode(chunk.value, { stream: true });
  }
  return text + decoder.decode();
}
