import type { FetchLike } from "../../../src/calendar/providers/google/sync-api.ts";

/**
 * A small stand-in for Google Calendar API v3 `events.list`, as documented: `maxResults` pages
 * linked by `nextPageToken`, a `nextSyncToken` on the last page, incremental results (deletions
 * included, as `status: "cancelled"`) for a `syncToken`, 410 Gone once tokens are invalidated,
 * 400 for parameters Google forbids beside a sync token, 401 without the right bearer token.
 */
export function fakeGoogleCalendar(opts: { accessToken: string; maxPageSize?: number }) {
  const calendars = new Map<string, Map<string, { rev: number; event: Record<string, unknown> }>>();
  const requests: URL[] = [];
  let rev = 0;
  let epoch = 1;
  let delayMs = 0;

  const encode = (o: unknown) => btoa(JSON.stringify(o));
  const decode = (s: string): Record<string, number> | null => {
    try {
      return JSON.parse(atob(s));
    } catch {
      return null;
    }
  };
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=UTF-8" } });
  const error = (code: number, reason: string, message: string) =>
    json(code, { error: { errors: [{ domain: "calendar", reason, message }], code, message } });

  const fetch: FetchLike = async (input, init) => {
    const url = new URL(input);
    requests.push(url);
    if (delayMs > 0) await sleep(delayMs, init.signal);
    const m = /^\/calendar\/v3\/calendars\/([^/]+)\/events$/.exec(url.pathname);
    if (!m) return error(404, "notFound", "Not Found");
    if (init.headers.authorization !== `Bearer ${opts.accessToken}`) {
      return error(401, "required", "Request is missing required authentication credential.");
    }
    const events = calendars.get(decodeURIComponent(m[1] as string));
    if (!events) return error(404, "notFound", "Not Found");

    const q = url.searchParams;
    const syncToken = q.get("syncToken");
    if (syncToken && ["timeMin", "timeMax", "updatedMin", "q", "orderBy", "iCalUID"].some((p) => q.has(p))) {
      return error(400, "invalid", "Invalid parameter combined with syncToken");
    }
    let since = 0;
    if (syncToken) {
      const t = decode(syncToken);
      if (!t || t.epoch !== epoch)
        return error(410, "fullSyncRequired", "Sync token is no longer valid, a full sync is required.");
      since = t.rev as number;
    }
    const page = q.get("pageToken") ? decode(q.get("pageToken") as string) : { upTo: rev, offset: 0 };
    if (!page) return error(400, "invalid", "Invalid page token");
    // Google may return fewer items than maxResults; `maxPageSize` forces pagination in tests.
    const pageSize = Math.min(Number(q.get("maxResults") ?? 250), opts.maxPageSize ?? 2500);
    const showDeleted = syncToken !== null || q.get("showDeleted") === "true";
    const all = [...events.values()]
      .filter((e) => e.rev > since && e.rev <= (page.upTo as number))
      .filter((e) => showDeleted || e.event.status !== "cancelled")
      .sort((a, b) => a.rev - b.rev);
    const offset = page.offset as number;
    const items = all.slice(offset, offset + pageSize).map((e) => e.event);
    const more = offset + pageSize < all.length;
    return json(200, {
      kind: "calendar#events",
      summary: "Clinic calendar",
      timeZone: "America/Los_Angeles",
      items,
      ...(more
        ? { nextPageToken: encode({ upTo: page.upTo, offset: offset + pageSize }) }
        : { nextSyncToken: encode({ rev: page.upTo, epoch }) }),
    });
  };

  return {
    fetch,
    requests,
    /** Create or replace an event (as a user editing the calendar would). */
    put(calendarId: string, event: Record<string, unknown> & { id: string }) {
      const events = calendars.get(calendarId) ?? new Map();
      calendars.set(calendarId, events);
      events.set(event.id, { rev: ++rev, event });
    },
    /** Delete an event: Google keeps a minimal cancelled record for incremental syncs. */
    remove(calendarId: string, id: string) {
      calendars.get(calendarId)?.set(id, { rev: ++rev, event: { kind: "calendar#event", id, status: "cancelled" } });
    },
    /** Invalidate every sync token issued so far (Google does so at will). */
    invalidateSyncTokens() {
      epoch++;
    },
    /** Make every response wait this long (honouring the caller's abort signal). */
    slowDown(ms: number) {
      delayMs = ms;
    },
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}
