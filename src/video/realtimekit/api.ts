import { decodeJwt } from "jose";
import { SubjectId } from "../../../schemas/common.ts";
import { type JoinRole, RoomName } from "../../../schemas/join-token.ts";
import type { MintRequest } from "../mint-request.ts";
import { call, type Data, INVALID, type Method, type Reader } from "./http.ts";

export { DEFAULT_RETRY_AFTER_SECONDS, REALTIMEKIT_TIMEOUT_MS } from "./http.ts";

/**
 * Cloudflare RealtimeKit's REST API, the calls the rooms need, as documented at
 * developers.cloudflare.com/api/resources/realtime_kit/: `{base}/accounts/{account_id}/realtime/kit/{app_id}`
 * then `POST /meetings`, `GET /meetings?search=`, `PATCH /meetings/{meeting_id}`,
 * `POST /meetings/{meeting_id}/participants`, `POST …/participants/{participant_id}/token`,
 * `PATCH …/participants/{participant_id}` (Edit a participant's detail: here only `name`),
 * `DELETE …/participants/{participant_id}` and `POST /meetings/{meeting_id}/active-session/kick`, each with
 * `Authorization: Bearer <Cloudflare API token>` (permission "Realtime" or "Realtime Admin"); answers are
 * `{ success, data }`. There is no offline signing: every participant token comes from a call, so callers
 * take each call from the account's budget (rate-budget.ts) first. Nothing here throws.
 */

/** Cloudflare's API root; the account and app paths are appended. */
export const REALTIMEKIT_API_BASE = "https://api.cloudflare.com/client/v4";

/** The slice of `fetch` the client uses; the global `fetch` and the test stand-in both satisfy it. */
export type RealtimeKitFetch = (
  url: string,
  init: {
    method: "GET" | "POST" | "PATCH" | "DELETE";
    headers: Record<string, string>;
    body?: string;
    signal: AbortSignal;
  },
) => Promise<Response>;

/** Where the app is and how to reach it; `now` is the injected clock in seconds since the epoch. */
export interface RealtimeKitConfig {
  fetch: RealtimeKitFetch;
  /** `REALTIMEKIT_API_URL`, default Cloudflare's. */
  baseUrl?: string;
  accountId: string;
  appId: string;
  /** A Cloudflare API token with the Realtime (or Realtime Admin) permission; sent as a Bearer token. */
  apiToken: string;
  now: () => number;
  timeoutMs?: number;
}

/** The preset applied per role; presets are configured on the RealtimeKit app, not by this product. */
export type RealtimeKitPresets = Record<JoinRole, string>;

/**
 * Defaults: the group-call host and participant presets a dashboard-made app starts with, spelled as
 * Cloudflare's demo app and most integrations spell them (check the app's `GET /presets`; configure
 * otherwise). No default preset hides a participant and forbids publishing, so observers need one made on
 * the app: `iop_observer`, with `hidden_participant: true` and audio, video and screenshare `NOT_ALLOWED`.
 */
export const DEFAULT_PRESETS: RealtimeKitPresets = {
  facilitator: "group_call_host",
  client: "group_call_participant",
  family: "group_call_participant",
  observer: "iop_observer",
};

/** The preset for `role`: the configured one, else the default. */
export function presetFor(role: JoinRole, presets: Partial<RealtimeKitPresets> = {}): string {
  return presets[role] ?? DEFAULT_PRESETS[role];
}

/**
 * Why a call did not take effect. `rate-limited` (429, with `retryAt`), `unavailable` (network, 408, 5xx)
 * and `timeout` are worth a retry; `unauthorized` (401/403: token or permission), `not-found` (the meeting
 * or participant does not exist) and `invalid` (any other 4xx, an id that is not one, an answer that is not
 * the API's) fail the same way again.
 */
export type RealtimeKitFailure = "rate-limited" | "unavailable" | "timeout" | "unauthorized" | "not-found" | "invalid";

/** A call that did not take effect. `retryAt` (seconds) comes with `rate-limited`. Error bodies are never kept. */
export type RealtimeKitError = {
  ok: false;
  reason: RealtimeKitFailure;
  retry: boolean;
  status?: number;
  retryAt?: number;
};

export type MeetingResult = { ok: true; meetingId: string } | RealtimeKitError;
export type FindMeetingResult = { ok: true; meetingId: string | null } | RealtimeKitError;
/** A participant token; `expiresAt` (seconds) is the token's own `exp` when it carries one, else null. */
export type TokenResult = { ok: true; token: string; expiresAt: number | null } | RealtimeKitError;
/** An edit's answer: the participant's token when the answer carries one (it is documented as part of it). */
export type EditResult = { ok: true; token: string | null; expiresAt: number | null } | RealtimeKitError;
export type EnrolResult =
  | { ok: true; participantId: string; token: string; expiresAt: number | null }
  | RealtimeKitError;
/** `gone`: it was already gone (404), which is what was asked for. */
export type RemovalResult = { ok: true; gone: boolean } | RealtimeKitError;

/** Who to add: the opaque participant id (`custom_participant_id`), the call name and the preset. */
export interface NewParticipant {
  participantId: string;
  name: string;
  preset: string;
}

/** The calls. Ids are RealtimeKit's: a meeting id (a UUID) and a participant id from `addParticipant`. */
export interface RealtimeKitApi {
  /** One meeting per occurrence, titled with the opaque room name; recording, chat history and summaries off. */
  createMeeting(title: string): Promise<MeetingResult>;
  /** The meeting titled exactly `title`, for when a create's answer was lost. */
  findMeeting(title: string): Promise<FindMeetingResult>;
  /** Mark the meeting `INACTIVE`: nobody can join it any more, whatever tokens are out. */
  deactivateMeeting(meetingId: string): Promise<RemovalResult>;
  addParticipant(meetingId: string, who: NewParticipant): Promise<EnrolResult>;
  /** A new token for an existing participant: same participant id and preset, no new enrolment. */
  refreshToken(meetingId: string, participantId: string): Promise<TokenResult>;
  /** The name the call shows for an existing participant (Edit a participant's detail); same id, preset, enrolment. */
  renameParticipant(meetingId: string, participantId: string, name: string): Promise<EditResult>;
  /** Delete the participant. That its tokens then stop admitting is assumed, not documented; `deactivateMeeting` is. */
  removeParticipant(meetingId: string, participantId: string): Promise<RemovalResult>;
  /** Disconnect these opaque ids from the meeting's live session; no live session is `gone`. */
  kick(meetingId: string, customParticipantIds: readonly string[]): Promise<RemovalResult>;
}

/** What `addParticipant` is given for a minted grant: `sub` as `custom_participant_id`, the call name, the role's preset. */
export function participantFor(req: MintRequest, presets: Partial<RealtimeKitPresets> = {}): NewParticipant {
  return { participantId: req.grant.sub, name: req.callName, preset: presetFor(req.grant.role, presets) };
}

/** The token's own expiry (seconds) when it is a JWT with `exp`; read for scheduling only, never trusted. */
export function tokenExpiry(token: string): number | null {
  try {
    const exp = decodeJwt(token).exp;
    return typeof exp === "number" && Number.isSafeInteger(exp) && exp > 0 ? exp : null;
  } catch {
    return null;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TAG = /^[A-Za-z0-9_-]{1,64}$/;
const GONE: RemovalResult = { ok: true, gone: true };
const DONE: RemovalResult = { ok: true, gone: false };

/** A client over `config`; each call has its own deadline. */
export function realtimeKitApi(config: RealtimeKitConfig): RealtimeKitApi {
  const app = `${(config.baseUrl ?? REALTIMEKIT_API_BASE).replace(/\/+$/, "")}/accounts/${config.accountId}/realtime/kit/${config.appId}`;
  const usable = TAG.test(config.accountId) && TAG.test(config.appId) && config.apiToken.length > 0;
  const send = <T>(method: Method, path: string, body: unknown, read: Reader<T>, onMissing?: T) =>
    usable ? call(config, method, `${app}${path}`, body, read, onMissing) : refuse("unauthorized");
  const participant = (m: string, p: string) => `/meetings/${m}/participants/${p}`;
  return {
    createMeeting(title) {
      if (!RoomName.safeParse(title).success) return refuse();
      const body = { title, record_on_start: false, persist_chat: false, summarize_on_end: false };
      return send("POST", "/meetings", body, (d) => (isUuid(d?.id) ? { ok: true, meetingId: d.id } : null));
    },
    findMeeting(title) {
      if (!RoomName.safeParse(title).success) return refuse();
      return send("GET", `/meetings?search=${encodeURIComponent(title)}&per_page=10`, undefined, (d) => {
        if (!Array.isArray(d)) return null;
        const hit = d.find((m: Data) => m?.title === title && isUuid(m?.id));
        return { ok: true, meetingId: hit ? (hit.id as string) : null };
      });
    },
    deactivateMeeting(meetingId) {
      if (!isUuid(meetingId)) return refuse();
      return send("PATCH", `/meetings/${meetingId}`, { status: "INACTIVE" }, () => DONE, GONE);
    },
    addParticipant(meetingId, who) {
      if (!isUuid(meetingId) || !SubjectId.safeParse(who.participantId).success || !TAG.test(who.preset)) {
        return refuse();
      }
      if (!isName(who.name)) return refuse();
      const body = { custom_participant_id: who.participantId, preset_name: who.preset, name: who.name };
      return send("POST", `/meetings/${meetingId}/participants`, body, (d) =>
        isUuid(d?.id) && isToken(d?.token)
          ? { ok: true, participantId: d.id, token: d.token, expiresAt: tokenExpiry(d.token) }
          : null,
      );
    },
    refreshToken(meetingId, participantId) {
      if (!isUuid(meetingId) || !TAG.test(participantId)) return refuse();
      return send("POST", `${participant(meetingId, participantId)}/token`, undefined, (d) =>
        isToken(d?.token) ? { ok: true, token: d.token, expiresAt: tokenExpiry(d.token) } : null,
      );
    },
    renameParticipant(meetingId, participantId, name) {
      if (!isUuid(meetingId) || !TAG.test(participantId) || !isName(name)) return refuse();
      return send("PATCH", participant(meetingId, participantId), { name }, (d) => {
        if (!d || typeof d !== "object") return null;
        return isToken(d.token) ? { ok: true, token: d.token, expiresAt: tokenExpiry(d.token) } : NO_TOKEN;
      });
    },
    removeParticipant(meetingId, participantId) {
      if (!isUuid(meetingId) || !TAG.test(participantId)) return refuse();
      return send("DELETE", participant(meetingId, participantId), undefined, () => DONE, GONE);
    },
    kick(meetingId, ids) {
      if (!isUuid(meetingId) || ids.length === 0 || !ids.every((id) => SubjectId.safeParse(id).success)) {
        return refuse();
      }
      const body = { custom_participant_ids: [...ids], participant_ids: [] };
      return send("POST", `/meetings/${meetingId}/active-session/kick`, body, () => DONE, GONE);
    },
  };
}

function isUuid(v: unknown): v is string {
  return typeof v === "string" && UUID.test(v);
}

/** A name the API can take: not empty, not overlong, no control characters. */
function isName(v: string): boolean {
  return v.length > 0 && v.length <= 256 && !/\p{Cc}/u.test(v);
}

const NO_TOKEN: EditResult = { ok: true, token: null, expiresAt: null };

function isToken(v: unknown): v is string {
  return typeof v === "string" && v.length > 0 && v.length <= 8192;
}

/** Never sent: the ids would not be RealtimeKit's or ours, or a name could break the request. */
function refuse(reason: "invalid" | "unauthorized" = "invalid"): Promise<RealtimeKitError> {
  return Promise.resolve(reason === "invalid" ? INVALID : { ok: false, reason, retry: false });
}
