import { GoogleEvent, GoogleEventsPage } from "../../../../schemas/calendar/google.ts";

/** Calendar API v3; configurable so tests (and a proxy) can stand in for Google. */
export const GOOGLE_CALENDAR_BASE_URL = "https://www.googleapis.com/calendar/v3";

/** The whole sync (every page) is abandoned after this long; the next push or reconciliation retries. */
export const GOOGLE_SYNC_TIMEOUT_MS = 10_000;

// A runaway pagination (a proxy looping on one token) must end; 100 × 250 events is far beyond a program.
const MAX_PAGES = 100;
const PAGE_SIZE = "250";

/** The slice of `fetch` the client uses; the global `fetch` satisfies it. */
export type FetchLike = (
  url: string,
  init: { headers: Record<string, string>; signal: AbortSignal },
) => Promise<Response>;

/** Events changed since `syncToken` (or all events for a full sync) and the token for next time. */
export type GoogleSyncResult =
  | { ok: true; events: GoogleEvent[]; nextSyncToken: string; skipped: number }
  | { ok: false; reason: "full-resync-required" | "http" | "timeout"; status?: number };

/**
 * Incremental sync of one calendar (`events.list` with `syncToken`, following `nextPageToken`).
 * Without a token it is a full sync. 410 Gone means Google invalidated the token: the caller
 * clears it and runs a full sync. `singleEvents=true` on both, since a token is only valid with
 * the parameters of the sync that produced it. Events it cannot read are counted in `skipped`.
 */
export async function syncEvents(opts: {
  fetch: FetchLike;
  baseUrl?: string;
  calendarId: string;
  /** Absent when the deployment has none: the API then refuses the call (401) and the work is retried. */
  accessToken?: string;
  syncToken?: string;
  timeoutMs?: number;
}): Promise<GoogleSyncResult> {
  const signal = AbortSignal.timeout(opts.timeoutMs ?? GOOGLE_SYNC_TIMEOUT_MS);
  const base = (opts.baseUrl ?? GOOGLE_CALENDAR_BASE_URL).replace(/\/+$/, "");
  const headers: Record<string, string> = {
    accept: "application/json",
    ...(opts.accessToken ? { authorization: `Bearer ${opts.accessToken}` } : {}),
  };
  const events: GoogleEvent[] = [];
  let skipped = 0;
  let pageToken: string | undefined;

  for (let page = 0; page < MAX_PAGES; page++) {
    const url = new URL(`${base}/calendars/${encodeURIComponent(opts.calendarId)}/events`);
    url.searchParams.set("singleEvents", "true");
    url.searchParams.set("maxResults", PAGE_SIZE);
    if (opts.syncToken) url.searchParams.set("syncToken", opts.syncToken);
    if (pageToken) url.searchParams.set("pageToken", pageToken);

    let body: unknown;
    try {
      const res = await opts.fetch(url.toString(), { headers, signal });
      if (!res.ok) {
        await res.body?.cancel();
        if (res.status === 410) return { ok: false, reason: "full-resync-required" };
        return { ok: false, reason: "http", status: res.status };
      }
      body = await res.json();
    } catch {
      return { ok: false, reason: signal.aborted ? "timeout" : "http" };
    }

    const parsed = GoogleEventsPage.safeParse(body);
    if (!parsed.success) return { ok: false, reason: "http" };
    for (const item of parsed.data.items) {
      const event = GoogleEvent.safeParse(item);
      if (event.success) events.push(event.data);
      else skipped++;
    }
    if (parsed.data.nextPageToken) pageToken = parsed.data.nextPageToken;
    else if (parsed.data.nextSyncToken) return { ok: true, events, nextSyncToken: parsed.data.nextSyncToken, skipped };
    else return { ok: false, reason: "http" };
  }
  return { ok: false, reason: "http" };
}
