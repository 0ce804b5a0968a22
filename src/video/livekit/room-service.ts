import { SignJWT } from "jose";
import { SubjectId } from "../../../schemas/common.ts";
import { RoomName } from "../../../schemas/join-token.ts";
import { readList } from "./participant-list.ts";

/**
 * LiveKit's RoomService over its documented Twirp HTTP API: `POST {url}/twirp/livekit.RoomService/<Method>`
 * with a JSON body and `Authorization: Bearer <server token>`. Only the calls the rooms need:
 * `RemoveParticipant` and `ListParticipants` (grant `roomAdmin` for that room, livekit/livekit
 * `pkg/service/roomservice.go` `EnsureAdminPermission`) and `DeleteRoom` (grant `roomCreate`).
 * Nothing here throws: every answer is a tagged result the caller can retry from its alarm.
 */

/** The SDK's own default deadline (livekit-server-sdk TwirpRPC): a call is abandoned after this long. */
export const ROOM_SERVICE_TIMEOUT_MS = 10_000;
/** Server tokens live as long as livekit-server-sdk's (`ServiceBase` ttl "10m"); one is minted per call. */
export const SERVER_TOKEN_TTL_SECONDS = 600;

const SERVICE_PATH = "/twirp/livekit.RoomService";
/** A Twirp error body is a few hundred bytes; anything longer is not read further. */
const MAX_ERROR_BODY = 4096;

export { MAX_LISTED_PARTICIPANTS } from "./participant-list.ts";

/** The slice of `fetch` the client uses; the global `fetch` and the test stand-in both satisfy it. */
export type RoomServiceFetch = (
  url: string,
  init: { method: "POST"; headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<Response>;

/** Where LiveKit is and how to reach it; `now` is the injected clock in seconds since the epoch. */
export interface RoomServiceConfig {
  fetch: RoomServiceFetch;
  /** `LIVEKIT_URL`: the server's http(s) URL, e.g. `https://clinic.livekit.cloud`. */
  url: string;
  apiKey: string;
  apiSecret: string;
  now: () => number;
  timeoutMs?: number;
}

/**
 * Why a call did not take effect. `unavailable` (network, 408/429/5xx) and `timeout` are worth a retry;
 * `unauthorized` (401/403: wrong key, secret or grant) and `invalid` (any other 4xx, a wrong URL, an id
 * that is not opaque, an answer that is not LiveKit's) will fail the same way again until someone fixes
 * the configuration.
 */
export type RoomServiceFailure = "unavailable" | "timeout" | "unauthorized" | "invalid";

/**
 * The outcome of one call. `gone` is LiveKit's `not_found`: the participant or room was already
 * gone, which is what was asked for. `status` and the Twirp `code` are for the log; LiveKit's `msg`
 * is never kept (its auth errors echo the token back).
 */
export type RoomServiceResult = { ok: true; gone: boolean } | RoomServiceError;

/** A call that did not take effect; see `RoomServiceFailure`. */
export type RoomServiceError = {
  ok: false;
  retry: boolean;
  reason: RoomServiceFailure;
  status?: number;
  code?: string;
};

/** LiveKit's `ParticipantInfo.State`: `joining` has a socket but no media yet, `disconnected` is on its way out. */
export type ParticipantState = "joining" | "joined" | "active" | "disconnected";

/** One participant as LiveKit lists it, reduced to what presence needs; names, metadata and tracks are dropped. */
export interface RoomParticipant {
  identity: string;
  /** When this connection of the identity began, by LiveKit's clock (epoch milliseconds). */
  joinedAtMs: number;
  state: ParticipantState;
}

/**
 * Who LiveKit has in a room. A room LiveKit does not know (nobody connected yet, or it was closed)
 * lists nobody. A listed identity that is not an opaque id (an agent's, a SIP caller's number) is
 * not one of ours and is left out, unread.
 */
export type ListParticipantsResult = { ok: true; participants: RoomParticipant[] } | RoomServiceError;

/** What the rooms call: remove one participant, or end a whole room. */
export interface RoomService {
  /**
   * Disconnect `identity` from `room`. LiveKit also revokes that identity's tokens whose `nbf` is
   * before `revokeTokensBefore` (seconds); left out, LiveKit uses its own now + 1 minute of leeway.
   */
  removeParticipant(room: string, identity: string, opts?: { revokeTokensBefore?: number }): Promise<RoomServiceResult>;
  /** Disconnect everyone and close `room`. */
  deleteRoom(room: string): Promise<RoomServiceResult>;
  /** Everyone LiveKit has in `room` now, whatever webhooks were lost on the way. */
  listParticipants(room: string): Promise<ListParticipantsResult>;
}

/** LiveKit's `video` grant for a server call, spelled as its server reads it. */
export type ServerGrant = { room: string; roomAdmin: true } | { room: string; roomCreate: true };

/**
 * The HS256 server token LiveKit's API accepts: `iss` is the API key, a short window from `now`
 * (seconds), and only the grant the one call needs. No `sub`, `name` or `metadata`: a server token
 * stands for no participant.
 */
export function mintServerToken(
  creds: { apiKey: string; apiSecret: string },
  video: ServerGrant,
  now: number,
): Promise<string> {
  const t = Math.floor(now);
  return new SignJWT({ video })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(creds.apiKey)
    .setIssuedAt(t)
    .setNotBefore(t)
    .setExpirationTime(t + SERVER_TOKEN_TTL_SECONDS)
    .setJti(crypto.randomUUID())
    .sign(new TextEncoder().encode(creds.apiSecret));
}

/** A RoomService client over `config`; each call mints its own token and has its own deadline. */
export function liveKitRoomService(config: RoomServiceConfig): RoomService {
  const base = config.url.replace(/\/+$/, "");
  return {
    removeParticipant(room, identity, opts) {
      if (!RoomName.safeParse(room).success || !SubjectId.safeParse(identity).success) return refuse();
      const before = opts?.revokeTokensBefore;
      if (before !== undefined && !(Number.isSafeInteger(before) && before > 0)) return refuse();
      // protobuf's JSON mapping writes int64 as a string, as livekit-server-sdk sends it.
      const body: Record<string, string> = { room, identity };
      if (before !== undefined) body.revokeTokenTs = String(before);
      return call(config, base, "RemoveParticipant", body, { room, roomAdmin: true }, applied, GONE);
    },
    deleteRoom(room) {
      if (!RoomName.safeParse(room).success) return refuse();
      // LiveKit checks `roomCreate` for DeleteRoom (its room is not part of that check; kept as a label).
      return call(config, base, "DeleteRoom", { room }, { room, roomCreate: true }, applied, GONE);
    },
    listParticipants(room) {
      if (!RoomName.safeParse(room).success) return refuse();
      return call(config, base, "ListParticipants", { room }, { room, roomAdmin: true }, readList, NOBODY);
    },
  };
}

const GONE = { ok: true, gone: true } as const;
const NOBODY: ListParticipantsResult = { ok: true, participants: [] };
const INVALID: RoomServiceError = { ok: false, retry: false, reason: "invalid" };

/** Never sent: ids that are not opaque could be someone's name. */
function refuse(): Promise<RoomServiceError> {
  return Promise.resolve(INVALID);
}

async function applied(res: Response): Promise<RoomServiceResult> {
  await res.body?.cancel();
  return { ok: true, gone: false };
}

async function call<T>(
  config: RoomServiceConfig,
  base: string,
  method: "RemoveParticipant" | "DeleteRoom" | "ListParticipants",
  body: Record<string, string>,
  grant: ServerGrant,
  ok: (res: Response) => Promise<T | RoomServiceError>,
  gone: T,
): Promise<T | RoomServiceError> {
  if (!config.apiKey || !config.apiSecret) return { ok: false, retry: false, reason: "unauthorized" };
  const signal = AbortSignal.timeout(config.timeoutMs ?? ROOM_SERVICE_TIMEOUT_MS);
  try {
    const token = await mintServerToken(config, grant, config.now());
    const res = await config.fetch(`${base}${SERVICE_PATH}/${method}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
      signal,
    });
    if (res.ok) return await ok(res);
    const failed = classify(res.status, await twirpCode(res));
    return failed === "gone" ? gone : failed;
  } catch {
    return signal.aborted
      ? { ok: false, retry: true, reason: "timeout" }
      : { ok: false, retry: true, reason: "unavailable" };
  }
}

/** Twirp's code from an error body `{ code, msg, meta }`, or undefined when the body is not Twirp's. */
async function twirpCode(res: Response): Promise<string | undefined> {
  const text = (await res.text()).slice(0, MAX_ERROR_BODY);
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === "object" && "code" in parsed && typeof parsed.code === "string") {
      return /^[a-z_]{1,40}$/.test(parsed.code) ? parsed.code : undefined;
    }
  } catch {
    // A proxy's HTML page or LiveKit's plain-text auth error: the status alone decides.
  }
  return undefined;
}

function classify(status: number, code: string | undefined): RoomServiceError | "gone" {
  const seen = code === undefined ? { status } : { status, code };
  // `not_found` only: Twirp's `bad_route` is a 404 too, and means the URL is wrong, not that anyone left.
  if (code === "not_found") return "gone";
  if (status === 401 || status === 403) return { ok: false, retry: false, reason: "unauthorized", ...seen };
  if (status === 408 || status === 429 || status >= 500)
    return { ok: false, retry: true, reason: "unavailable", ...seen };
  return { ok: false, retry: false, reason: "invalid", ...seen };
}
