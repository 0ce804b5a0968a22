/** Every outbound call to a calendar API is abandoned after this long; the work is retried later. */
export const CALENDAR_API_TIMEOUT_MS = 10_000;

/**
 * The slice of `fetch` the calendar clients use. The global `fetch` satisfies it; tests pass a
 * fake that speaks the documented API. (It also satisfies `FetchLike` of the Google sync client.)
 */
export type HttpFetch = (
  url: string,
  init: { method?: string; headers: Record<string, string>; body?: string; signal: AbortSignal },
) => Promise<Response>;

/** A JSON API answer, or why there is none. Never throws. */
export type JsonCall =
  | { ok: true; status: number; body: unknown }
  | { ok: false; reason: "http" | "timeout"; status?: number };

/** The global `fetch`, looked up at call time (so a test's stand-in is honoured). */
export const globalFetch: HttpFetch = (url, init) => fetch(url, init);

/**
 * Call a JSON API with a bearer token and a deadline. A non-2xx answer is `{ ok: false, status }`
 * (the body is discarded unread, it may hold personal data); a body that is not JSON is `http`.
 */
export async function callJson(
  fetchFn: HttpFetch,
  url: string,
  opts: {
    method?: string;
    accessToken?: string | undefined;
    body?: unknown;
    headers?: Record<string, string>;
    timeoutMs?: number;
  },
): Promise<JsonCall> {
  const signal = AbortSignal.timeout(opts.timeoutMs ?? CALENDAR_API_TIMEOUT_MS);
  const headers: Record<string, string> = {
    ...(opts.accessToken ? { authorization: `Bearer ${opts.accessToken}` } : {}),
    accept: "application/json",
    ...opts.headers,
  };
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  try {
    const res = await fetchFn(url, {
      method: opts.method ?? "GET",
      headers,
      signal,
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    });
    if (!res.ok) {
      await res.body?.cancel();
      return { ok: false, reason: "http", status: res.status };
    }
    if (res.status === 204) return { ok: true, status: 204, body: null };
    return { ok: true, status: res.status, body: await res.json() };
  } catch {
    return { ok: false, reason: signal.aborted ? "timeout" : "http" };
  }
}

/** `base` without trailing slashes, so paths join cleanly whatever the configuration says. */
export function trimBase(base: string): string {
  return base.replace(/\/+$/, "");
}
