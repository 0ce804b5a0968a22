import type { RealtimeKitConfig, RealtimeKitError } from "./api.ts";

/**
 * How every RealtimeKit call travels (api.ts names the calls): one deadline per call, Cloudflare's
 * `{ success, data }` envelope read within a size bound, and each HTTP failure mapped to the one closed
 * set of reasons the callers retry or not on. Nothing here throws.
 */

/** A call is abandoned after this long and retried from the caller's alarm. */
export const REALTIMEKIT_TIMEOUT_MS = 10_000;
/** Cloudflare blocks an account over its limit for five minutes: a 429 without `Retry-After` waits that long. */
export const DEFAULT_RETRY_AFTER_SECONDS = 300;
/** Answers are a few hundred bytes; a longer body is not the API's and is not read. */
const MAX_ANSWER_BYTES = 16_384;

/** An answer that is not what the API documents, or a request never sent: the same again would fail the same way. */
export const INVALID: RealtimeKitError = { ok: false, reason: "invalid", retry: false };

export type Method = "GET" | "POST" | "PATCH" | "DELETE";
// biome-ignore lint/suspicious/noExplicitAny: the answer's `data` is read field by field and checked.
export type Data = any;
/** Turns a successful answer's `data` into the result, or null when it is not what the API documents. */
export type Reader<T> = (data: Data) => T | null;

/** One call: `read` turns a successful answer's `data` into the result; a 404 is `onMissing` when given. */
export async function call<T>(
  config: RealtimeKitConfig,
  method: Method,
  url: string,
  body: unknown,
  read: Reader<T>,
  onMissing?: T,
): Promise<T | RealtimeKitError> {
  // A timer cleared when the call ends: a room's alarm or a rush makes many calls, and workerd caps live timers.
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), config.timeoutMs ?? REALTIMEKIT_TIMEOUT_MS);
  const signal = deadline.signal;
  const headers: Record<string, string> = { authorization: `Bearer ${config.apiToken}`, accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  try {
    const res = await config.fetch(url, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal,
    });
    const text = await res.text();
    if (res.status === 404 && onMissing !== undefined) return onMissing;
    if (!res.ok) return failure(res, config.now());
    const answer = text.length <= MAX_ANSWER_BYTES ? parse(text) : null;
    const result = answer?.success === true ? read(answer.data) : null;
    return result ?? { ...INVALID, status: res.status };
  } catch {
    return signal.aborted
      ? { ok: false, reason: "timeout", retry: true }
      : { ok: false, reason: "unavailable", retry: true };
  } finally {
    clearTimeout(timer);
  }
}

function parse(text: string): { success?: unknown; data?: unknown } | null {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" ? value : null;
  } catch {
    return null;
  }
}

function failure(res: Response, now: number): RealtimeKitError {
  const status = res.status;
  if (status === 429) {
    return { ok: false, reason: "rate-limited", retry: true, status, retryAt: now + retryAfter(res.headers, now) };
  }
  if (status === 401 || status === 403) return { ok: false, reason: "unauthorized", retry: false, status };
  if (status === 404) return { ok: false, reason: "not-found", retry: false, status };
  if (status === 408 || status >= 500) return { ok: false, reason: "unavailable", retry: true, status };
  return { ...INVALID, status };
}

/** Seconds to wait from `Retry-After` (delta-seconds or an HTTP date, RFC 9110 §10.2.3), else five minutes. */
function retryAfter(headers: Headers, now: number): number {
  const raw = headers.get("retry-after")?.trim() ?? "";
  if (/^[0-9]{1,6}$/.test(raw)) return Math.max(1, Number(raw));
  const date = Date.parse(raw);
  if (Number.isFinite(date)) return Math.max(1, Math.ceil(date / 1000 - now));
  return DEFAULT_RETRY_AFTER_SECONDS;
}
