import { TokenVerifier } from "livekit-server-sdk";
import type { ParticipantState } from "../../src/video/livekit/room-service.ts";

/**
 * A small LiveKit RoomService that speaks its documented Twirp protocol, for tests inside workerd:
 * `POST /twirp/livekit.RoomService/{RemoveParticipant|DeleteRoom|ListParticipants}`,
 * `Content-Type: application/json` (parameters may be under `_` or camelCase names),
 * `Authorization: Bearer <token>` checked with livekit-server-sdk's `TokenVerifier`, and the grants
 * LiveKit's server checks: `roomAdmin` for the named room to remove someone or list a room,
 * `roomCreate` to delete a room. Errors are Twirp's `{ code, msg }` with Twirp's HTTP status;
 * permission errors are `unauthenticated` (401), as LiveKit answers them.
 * Answers are written as LiveKit's server writes them: its generated Twirp server marshals with
 * `protojson.MarshalOptions{UseProtoNames: true, EmitUnpopulated: true}` (livekit/protocol
 * `livekit/livekit_room.twirp.go`, no JSON options set in livekit/livekit `pkg/service/server.go`), so
 * snake_case names, every field even when empty, int64 as strings and enums by name.
 * Stricter than LiveKit on one point, on purpose: a field it does not know is refused, so a test
 * sees anything extra (a name, metadata) the product tries to send.
 */

/** One request that reached the stand-in, whatever it was answered. */
export interface LiveKitCall {
  method: string;
  room?: string;
  identity?: string;
  revokeTokenTs?: number;
  /** The stand-in's clock (seconds) when the call arrived. */
  at: number;
  status: number;
  /** Twirp's error code when refused. */
  code?: string;
  /** Exactly what was sent, for privacy assertions. */
  body: string;
  headers: Record<string, string>;
  /** The verified token's claims, when it verified. */
  claims?: Record<string, unknown>;
}

export interface LiveKitStandInOptions {
  apiKey: string;
  apiSecret: string;
  /** Seconds since the epoch; the real time when absent (as a LiveKit server has it). */
  now?: () => number;
}

/** Twirp's HTTP status per error code (twitchtv/twirp `ServerHTTPStatusFromErrorCode`). */
const STATUS: Record<string, number> = {
  bad_route: 404,
  malformed: 400,
  invalid_argument: 400,
  not_found: 404,
  unauthenticated: 401,
  permission_denied: 403,
  resource_exhausted: 429,
  internal: 500,
  unavailable: 503,
};
const CODE_FOR_STATUS: Record<number, string> = { 429: "resource_exhausted", 500: "internal", 503: "unavailable" };
/** livekit-server-sdk's `TokenVerifier` default leeway. */
const LEEWAY_SECONDS = 10;
const PREFIX = "/twirp/livekit.RoomService/";
const FIELDS: Record<string, Record<string, string>> = {
  RemoveParticipant: {
    room: "room",
    identity: "identity",
    revokeTokenTs: "revokeTokenTs",
    revoke_token_ts: "revokeTokenTs",
  },
  DeleteRoom: { room: "room" },
  ListParticipants: { room: "room" },
};

/** Who is in a room, as a test sets it; `name` and `metadata` are there to prove the client drops them. */
export interface StandInParticipant {
  identity: string;
  joinedAtMs: number;
  /** `active` unless told. */
  state?: ParticipantState;
  name?: string;
  metadata?: string;
  kind?: "STANDARD" | "EGRESS" | "AGENT" | "SIP";
}

/** A `ParticipantInfo` as LiveKit's server writes it (see the header). */
function participantInfo(p: StandInParticipant, i: number) {
  return {
    sid: `PA_standin${i}`,
    identity: p.identity,
    state: (p.state ?? "active").toUpperCase(),
    tracks: [],
    metadata: p.metadata ?? "",
    joined_at: String(Math.floor(p.joinedAtMs / 1000)),
    joined_at_ms: String(p.joinedAtMs),
    name: p.name ?? "",
    version: 3,
    permission: {
      can_subscribe: true,
      can_publish: true,
      can_publish_data: true,
      can_publish_sources: [],
      hidden: false,
      recorder: false,
      can_update_metadata: false,
      agent: false,
      can_subscribe_metrics: false,
      can_manage_agent_session: false,
    },
    region: "",
    is_publisher: (p.state ?? "active") === "active",
    kind: p.kind ?? "STANDARD",
    attributes: {},
    disconnect_reason: "UNKNOWN_REASON",
    kind_details: [],
    data_tracks: [],
    client_protocol: 0,
    capabilities: [],
  };
}

export function liveKitRoomServiceStandIn(opts: LiveKitStandInOptions) {
  const verifier = new TokenVerifier(opts.apiKey, opts.apiSecret);
  const clock = opts.now ?? (() => Math.floor(Date.now() / 1000));
  const calls: LiveKitCall[] = [];
  let failures: { left: number; status: number } = { left: 0, status: 503 };
  let notFound = 0;
  let delayMs = 0;
  const rooms = new Map<string, readonly StandInParticipant[]>();

  const twirp = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

  async function handle(request: Request, signal: AbortSignal | null | undefined): Promise<Response> {
    const url = new URL(request.url);
    const method = url.pathname.startsWith(PREFIX) ? url.pathname.slice(PREFIX.length) : "";
    // Bytes, not text(): a test may send a body of another content type on purpose.
    const body = new TextDecoder().decode(await request.arrayBuffer());
    const call: LiveKitCall = { method, at: clock(), status: 0, body, headers: Object.fromEntries(request.headers) };
    calls.push(call);
    const error = (code: string, msg: string, status = STATUS[code] ?? 500) => {
      call.status = status;
      call.code = code;
      return twirp(call.status, { code, msg });
    };

    if (delayMs > 0) await sleep(delayMs, signal);
    if (request.method !== "POST")
      return error("bad_route", `unsupported method ${request.method} (only POST is allowed)`);
    const fields = FIELDS[method];
    if (!fields) return error("bad_route", `no handler for path ${url.pathname}`);
    const type = (request.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
    if (type !== "application/json") return error("bad_route", `unexpected Content-Type: ${type}`);

    let params: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(body);
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new TypeError("not an object");
      params = {};
      for (const [k, v] of Object.entries(parsed)) {
        const name = fields[k];
        if (!name) return error("malformed", `unknown field ${k}`);
        params[name] = v;
      }
    } catch {
      return error("malformed", "the json request could not be decoded");
    }
    if (typeof params.room !== "string" || params.room === "") return error("invalid_argument", "room is required");
    call.room = params.room;
    if (method === "RemoveParticipant") {
      if (typeof params.identity !== "string" || params.identity === "") {
        return error("invalid_argument", "identity is required");
      }
      call.identity = params.identity;
      if (params.revokeTokenTs !== undefined) {
        const ts = Number(params.revokeTokenTs);
        if (
          !Number.isSafeInteger(ts) ||
          (typeof params.revokeTokenTs !== "string" && typeof params.revokeTokenTs !== "number")
        ) {
          return error("malformed", "revoke_token_ts must be an int64");
        }
        call.revokeTokenTs = ts;
      }
    }

    const auth = request.headers.get("authorization") ?? "";
    if (!auth.startsWith("Bearer "))
      return error("unauthenticated", "invalid authorization header. Must start with Bearer ");
    const claims = await verify(auth.slice(7), call.at);
    if (!claims) return error("unauthenticated", "invalid authorization token");
    call.claims = claims;
    const video = (claims.video ?? {}) as Record<string, unknown>;
    const allowed =
      method === "DeleteRoom" ? video.roomCreate === true : video.roomAdmin === true && video.room === call.room;
    if (!allowed) return error("unauthenticated", "permissions denied");

    if (failures.left > 0) {
      failures = { ...failures, left: failures.left - 1 };
      return error(CODE_FOR_STATUS[failures.status] ?? "unknown", "injected failure", failures.status);
    }
    if (notFound > 0) {
      notFound -= 1;
      const gone = method === "RemoveParticipant" ? "participant not found" : "requested room does not exist";
      return error("not_found", gone);
    }
    call.status = 200;
    // A room nobody joined is an empty list, as LiveKit's own stores answer (`localstore.go`, `redisstore.go`).
    if (method === "ListParticipants")
      return twirp(200, { participants: (rooms.get(call.room) ?? []).map(participantInfo) });
    return twirp(200, {});
  }

  /** The SDK checks signature, `iss` and `exp` (against the wall clock, widened to the stand-in's), then the window against the stand-in's clock. */
  async function verify(token: string, now: number): Promise<Record<string, unknown> | undefined> {
    try {
      const skew = Math.ceil(Math.abs(Date.now() / 1000 - now));
      const claims = (await verifier.verify(token, skew + LEEWAY_SECONDS)) as Record<string, unknown>;
      const { nbf, exp } = claims;
      if (typeof exp !== "number" || exp + LEEWAY_SECONDS < now) return undefined;
      if (typeof nbf === "number" && nbf - LEEWAY_SECONDS > now) return undefined;
      return claims;
    } catch {
      return undefined;
    }
  }

  return {
    /** A `fetch` to inject: only this stand-in answers it. */
    fetch: (input: RequestInfo | URL, init?: RequestInit): Promise<Response> =>
      handle(new Request(input, init), init?.signal ?? (input instanceof Request ? input.signal : undefined)),
    calls,
    /** Calls that LiveKit would have carried out. */
    done: () => calls.filter((c) => c.status === 200),
    /** The next `n` authorized calls fail with `status` (503 unless told) and Twirp's code for it. */
    failNext(n: number, status = 503) {
      failures = { left: n, status };
    },
    /** Who LiveKit has in `room` from now on; an empty list empties it. */
    setParticipants(room: string, participants: readonly StandInParticipant[]) {
      rooms.set(room, [...participants]);
    },
    /** The next `n` authorized calls answer `not_found`: the participant or room is already gone. */
    notFoundNext(n: number) {
      notFound = n;
    },
    /** Every answer waits this long first (a slow or hanging server); aborts as `fetch` would. */
    delay(ms: number) {
      delayMs = ms;
    },
  };
}

export type LiveKitRoomServiceStandIn = ReturnType<typeof liveKitRoomServiceStandIn>;

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
