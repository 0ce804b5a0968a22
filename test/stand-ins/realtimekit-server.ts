import { toBase64Url, utf8 } from "../../src/lib/bytes.ts";

/**
 * A small in-process Cloudflare RealtimeKit REST API, as documented at
 * developers.cloudflare.com/api/resources/realtime_kit/ (paths under
 * `/client/v4/accounts/{account_id}/realtime/kit/{app_id}`):
 * `POST /meetings`, `GET /meetings?search=`, `PATCH /meetings/{meeting_id}`,
 * `POST /meetings/{meeting_id}/participants` (`custom_participant_id` and `preset_name` required,
 * `name` and `picture` optional; answers `data.id`, `data.token`), `POST …/participants/{participant_id}/token`
 * (`data.token`), `PATCH …/participants/{participant_id}` (Edit a participant's detail: optional `name`,
 * `picture`, `preset_name`; answers the participant with `data.token`), `DELETE …/participants/{participant_id}`
 * and `POST /meetings/{meeting_id}/active-session/kick` (`custom_participant_ids`, `participant_ids`). Answers are `{ success, data }`; errors Cloudflare's
 * `{ success: false, errors: [{ code, message }] }`. 401 without `Authorization: Bearer <the token>`, 404 for
 * anything unknown. The account limit (3,500 calls per five minutes) is enforced over a sliding window
 * with a 429, `Retry-After` and, as Cloudflare documents for its API, every call blocked for the next
 * five minutes; `Ratelimit`/`Ratelimit-Policy` headers are sent as Cloudflare documents them.
 * Choices where the documentation is silent, marked so the tests do not mistake them for the platform's:
 * the token is a JWT-shaped string whose `exp` is `tokenTtlSeconds` after issue (or absent), a refreshed
 * token leaves older ones valid, an edit's answer carries a newly issued token (older ones stay valid), kicking with no live session is a 404, an unknown preset is a 400, and a
 * body field the API does not document is a 400 (stricter than the platform, so tests see anything extra).
 */

/** One request that reached the stand-in, whatever it was answered. */
export interface RealtimeKitCall {
  method: string;
  /** The path below the app, with its query, e.g. `/meetings/{id}/participants`. */
  path: string;
  /** The stand-in's clock (epoch ms) when it arrived. */
  at: number;
  status: number;
  /** Exactly what was sent, for privacy assertions. */
  body?: string;
  headers: Record<string, string>;
}

export interface RealtimeKitStandInOptions {
  accountId: string;
  appId: string;
  apiToken: string;
  /** Epoch ms. */
  now: () => number;
  baseUrl?: string;
  limit?: number;
  windowMs?: number;
  /** How long the account is blocked once over the limit. */
  blockMs?: number;
  /** Lifetime of an issued token; null issues tokens without `exp`. */
  tokenTtlSeconds?: number | null;
  /** The presets the app has. */
  presets?: readonly string[];
}

interface Participant {
  id: string;
  customId: string;
  preset: string;
  name: string | null;
  createdAt: string;
}

interface Meeting {
  id: string;
  title: string | null;
  status: "ACTIVE" | "INACTIVE";
  createdAt: string;
  participants: Map<string, Participant>;
  /** Custom participant ids connected to the live session. */
  live: Set<string>;
}

const MEETING_FIELDS = new Set([
  "title",
  "record_on_start",
  "persist_chat",
  "summarize_on_end",
  "live_stream_on_start",
  "session_keep_alive_time_in_secs",
  "ai_config",
  "recording_config",
]);
const PARTICIPANT_FIELDS = new Set(["custom_participant_id", "preset_name", "name", "picture"]);
const PATCH_FIELDS = new Set([...MEETING_FIELDS, "status"]);
const EDIT_FIELDS = new Set(["name", "picture", "preset_name"]);

/** The stand-in: its `fetch`, what it holds, and what it saw. */
export function realtimeKitStandIn(opts: RealtimeKitStandInOptions) {
  const base = new URL(opts.baseUrl ?? "https://api.cloudflare.com/client/v4");
  const app = `${base.pathname.replace(/\/+$/, "")}/accounts/${opts.accountId}/realtime/kit/${opts.appId}`;
  const limit = opts.limit ?? 3500;
  const windowMs = opts.windowMs ?? 300_000;
  const blockMs = opts.blockMs ?? 300_000;
  const presets = new Set(opts.presets ?? ["group_call_host", "group_call_participant", "iop_observer"]);
  const meetings = new Map<string, Meeting>();
  const tokens = new Map<string, { meetingId: string; participantId: string; exp: number | null }>();
  const calls: RealtimeKitCall[] = [];
  let counted: number[] = [];
  let blockedUntil = 0;
  const failures: { status: number; headers?: Record<string, string> }[] = [];

  const iso = () => new Date(opts.now()).toISOString();
  const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { "content-type": "application/json", ...rateHeaders(), ...headers },
    });
  const ok = (data: unknown, status = 200) => answer(status, { success: true, data });
  const error = (status: number, code: number, message: string, headers?: Record<string, string>) =>
    answer(status, { success: false, errors: [{ code, message }], messages: [] }, headers);
  const rateHeaders = () => {
    const left = Math.max(0, limit - counted.length);
    const reset = counted[0] === undefined ? 0 : Math.ceil((counted[0] + windowMs - opts.now()) / 1000);
    return {
      ratelimit: `"default";r=${left};t=${Math.max(0, reset)}`,
      "ratelimit-policy": `"default";q=${limit};w=${windowMs / 1000}`,
    };
  };

  function issue(meetingId: string, participantId: string): string {
    const iat = Math.floor(opts.now() / 1000);
    const ttl = opts.tokenTtlSeconds === undefined ? 3600 : opts.tokenTtlSeconds;
    const exp = ttl === null ? null : iat + ttl;
    const part = (v: unknown) => toBase64Url(utf8(JSON.stringify(v)));
    const sig = toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
    const token = `${part({ alg: "RS256", typ: "JWT" })}.${part({ sub: participantId, meetingId, iat, ...(exp === null ? {} : { exp }) })}.${sig}`;
    tokens.set(token, { meetingId, participantId, exp });
    return token;
  }

  /** Over the limit: blocked for `blockMs`, as Cloudflare does. Calls refused with 429 do not count. */
  function throttled(): Response | null {
    const now = opts.now();
    counted = counted.filter((t) => t > now - windowMs);
    if (now < blockedUntil || counted.length >= limit) {
      if (now >= blockedUntil) blockedUntil = now + blockMs;
      const wait = String(Math.ceil((blockedUntil - now) / 1000));
      return error(429, 10429, "Rate limited", { "retry-after": wait });
    }
    counted.push(now);
    return null;
  }

  function route(method: string, url: URL, body: Record<string, unknown> | undefined): Response {
    const path = url.pathname.slice(app.length);
    if (path === "/meetings" && method === "POST") {
      if (!fieldsIn(body ?? {}, MEETING_FIELDS)) return error(400, 10400, "Unknown field");
      const title = body?.title;
      if (title !== undefined && title !== null && typeof title !== "string") return error(400, 10400, "Bad title");
      const m: Meeting = {
        id: crypto.randomUUID(),
        title: (title as string | undefined) ?? null,
        status: "ACTIVE",
        createdAt: iso(),
        participants: new Map(),
        live: new Set(),
      };
      meetings.set(m.id, m);
      return ok(view(m), 201);
    }
    if (path === "/meetings" && method === "GET") {
      const search = url.searchParams.get("search") ?? "";
      const found = [...meetings.values()].filter((m) => m.id === search || (m.title ?? "").includes(search));
      return answer(200, {
        success: true,
        data: found.map(view),
        paging: { total_count: found.length, start_offset: 0, end_offset: found.length },
      });
    }
    const one = /^\/meetings\/([^/]+)(\/.*)?$/.exec(path);
    const m = one ? meetings.get(decodeURIComponent(one[1] as string)) : undefined;
    if (!one || !m) return error(404, 10404, "Not found");
    const rest = one[2] ?? "";
    if (rest === "" && method === "PATCH") {
      if (!body || !fieldsIn(body, PATCH_FIELDS)) return error(400, 10400, "Unknown field");
      if (body.status !== undefined && body.status !== "ACTIVE" && body.status !== "INACTIVE")
        return error(400, 10400, "Bad status");
      if (body.status) m.status = body.status as Meeting["status"];
      if (typeof body.title === "string") m.title = body.title;
      return ok(view(m));
    }
    if (rest === "/participants" && method === "POST") {
      if (!body || !fieldsIn(body, PARTICIPANT_FIELDS)) return error(400, 10400, "Unknown field");
      const { custom_participant_id: customId, preset_name: preset, name } = body;
      if (typeof customId !== "string" || customId.length === 0)
        return error(400, 10400, "custom_participant_id is required");
      if (typeof preset !== "string" || !presets.has(preset)) return error(400, 10400, "Unknown preset");
      if (name !== undefined && name !== null && typeof name !== "string") return error(400, 10400, "Bad name");
      const p: Participant = {
        id: crypto.randomUUID(),
        customId,
        preset,
        name: (name as string | undefined) ?? null,
        createdAt: iso(),
      };
      m.participants.set(p.id, p);
      return ok({ ...participantView(p), token: issue(m.id, p.id) }, 201);
    }
    const pm = /^\/participants\/([^/]+)(\/token)?$/.exec(rest);
    const p = pm ? m.participants.get(decodeURIComponent(pm[1] as string)) : undefined;
    if (pm && !p) return error(404, 10404, "Participant not found");
    if (p && pm?.[2] === "/token" && method === "POST") return ok({ token: issue(m.id, p.id) });
    if (p && !pm?.[2] && method === "PATCH") {
      if (!body || !fieldsIn(body, EDIT_FIELDS)) return error(400, 10400, "Unknown field");
      const { name, preset_name: preset } = body;
      if (name !== undefined && name !== null && typeof name !== "string") return error(400, 10400, "Bad name");
      if (preset !== undefined && (typeof preset !== "string" || !presets.has(preset)))
        return error(400, 10400, "Unknown preset");
      if (typeof name === "string") p.name = name;
      if (typeof preset === "string") p.preset = preset;
      return ok({ ...participantView(p), token: issue(m.id, p.id) });
    }
    if (p && !pm?.[2] && method === "DELETE") {
      m.participants.delete(p.id);
      m.live.delete(p.customId);
      return ok({
        created_at: p.createdAt,
        custom_participant_id: p.customId,
        preset_id: crypto.randomUUID(),
        updated_at: iso(),
      });
    }
    if (rest === "/active-session/kick" && method === "POST") {
      if (!body || !fieldsIn(body, new Set(["custom_participant_ids", "participant_ids"])))
        return error(400, 10400, "Unknown field");
      if (m.live.size === 0) return error(404, 10404, "No active session");
      const ids = Array.isArray(body.custom_participant_ids) ? (body.custom_participant_ids as string[]) : [];
      const kicked = ids.filter((id) => m.live.delete(id));
      return ok({ action: "kick", participants: kicked.map((id) => ({ id, created_at: iso(), updated_at: iso() })) });
    }
    return error(404, 10404, "Not found");
  }

  const fetch = async (
    input: string,
    init: { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal },
  ): Promise<Response> => {
    const url = new URL(input);
    const method = init.method ?? "GET";
    const headers = init.headers ?? {};
    const call: RealtimeKitCall = {
      method,
      path: url.pathname.slice(app.length) + url.search,
      at: opts.now(),
      status: 0,
      headers,
    };
    if (init.body !== undefined) call.body = init.body;
    calls.push(call);
    const res = await respond(url, method, headers, init.body);
    call.status = res.status;
    return res;
  };

  async function respond(
    url: URL,
    method: string,
    headers: Record<string, string>,
    raw: string | undefined,
  ): Promise<Response> {
    if (url.origin !== base.origin || !url.pathname.startsWith(`${app}/`))
      return error(404, 7003, "No route for that URI");
    if (headers.authorization !== `Bearer ${opts.apiToken}`) return error(401, 10000, "Authentication error");
    const limited = throttled();
    if (limited) return limited;
    const failure = failures.shift();
    if (failure) return error(failure.status, 10500, "Injected failure", failure.headers);
    let body: Record<string, unknown> | undefined;
    if (raw !== undefined) {
      if (headers["content-type"] !== "application/json") return error(400, 10400, "Expected JSON");
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return error(400, 10400, "Malformed JSON");
      }
    }
    return route(method, url, body);
  }

  return {
    fetch,
    calls,
    meetings,
    /** The meeting's participants for one custom id (ours), as RealtimeKit holds them. */
    participantsOf(meetingId: string, customId: string) {
      return [...(meetings.get(meetingId)?.participants.values() ?? [])].filter((p) => p.customId === customId);
    },
    /** Put a participant in the meeting's live session, as a connected SDK would. */
    connect(meetingId: string, customId: string) {
      meetings.get(meetingId)?.live.add(customId);
    },
    /** The next `n` authenticated, in-budget calls answer `status`. */
    failNext(status: number, n = 1, headers?: Record<string, string>) {
      for (let i = 0; i < n; i++) failures.push(headers ? { status, headers } : { status });
    },
    /** What a token admits, and whether it still does now. */
    tokenInfo(token: string) {
      const t = tokens.get(token);
      if (!t) return null;
      const m = meetings.get(t.meetingId);
      const p = m?.participants.get(t.participantId);
      const valid = !!p && m?.status === "ACTIVE" && (t.exp === null || t.exp * 1000 > opts.now());
      return {
        meetingId: t.meetingId,
        participantId: t.participantId,
        customParticipantId: p?.customId ?? null,
        expiresAt: t.exp,
        valid,
      };
    },
    /** The most calls that arrived within any `windowMs`, whatever they were answered. */
    maxInWindow(ms = windowMs): number {
      const times = calls
        .filter((c) => c.status !== 401)
        .map((c) => c.at)
        .sort((a, b) => a - b);
      let most = 0;
      for (let lo = 0, hi = 0; hi < times.length; hi++) {
        while ((times[hi] as number) - (times[lo] as number) >= ms) lo++;
        most = Math.max(most, hi - lo + 1);
      }
      return most;
    },
  };

  function view(m: Meeting) {
    return {
      id: m.id,
      title: m.title,
      status: m.status,
      record_on_start: false,
      persist_chat: false,
      created_at: m.createdAt,
      updated_at: iso(),
    };
  }
}

function participantView(p: Participant) {
  return {
    id: p.id,
    custom_participant_id: p.customId,
    preset_name: p.preset,
    name: p.name,
    picture: null,
    created_at: p.createdAt,
    updated_at: p.createdAt,
  };
}

function fieldsIn(body: Record<string, unknown>, allowed: ReadonlySet<string>): boolean {
  return (
    typeof body === "object" && body !== null && !Array.isArray(body) && Object.keys(body).every((k) => allowed.has(k))
  );
}
