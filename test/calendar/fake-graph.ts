import type { HttpFetch } from "../../src/calendar/providers/api-call.ts";
import { iso } from "../dates.ts";
import { atSecond, on, withOffset } from "./fixtures.ts";

/**
 * A small stand-in for Microsoft Graph v1.0 as documented: `GET users/{id}/events/{id}` (404
 * `ErrorItemNotFound` once deleted; times in UTC only with `Prefer: outlook.timezone="UTC"`),
 * `GET users/{id}/events?$filter=lastModifiedDateTime ge …` paged by `@odata.nextLink`,
 * `GET users/{id}/events/{id}/instances?startDateTime&endDateTime` (a series' occurrences and
 * exceptions, without the cancelled ones), and
 * `PATCH subscriptions/{id}` to extend a subscription, and `POST subscriptions` to create one (400
 * without changeType, an https notificationUrl, a resource, a clientState of at most 128
 * characters, or with an expiration more than 10,080 minutes ahead). 401 without the right bearer token.
 */
export function fakeGraph(opts: { baseUrl: string; accessToken: string; pageSize?: number; now: () => number }) {
  const events = new Map<string, Record<string, unknown>>();
  const subscriptions = new Map<string, string>();
  const created: Record<string, string>[] = [];
  let failCreates = 0;
  const requests: { method: string; url: URL; headers: Record<string, string>; body?: unknown }[] = [];
  let delayMs = 0;
  const key = (user: string, id: string) => `${user.toLowerCase()}/${id}`;
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  const error = (status: number, code: string) => json(status, { error: { code, message: code } });

  const fetch: HttpFetch = async (input, init) => {
    const url = new URL(input);
    const body = init.body ? JSON.parse(init.body) : undefined;
    requests.push({ method: init.method ?? "GET", url, headers: init.headers, body });
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    if (init.headers.authorization !== `Bearer ${opts.accessToken}`) return error(401, "InvalidAuthenticationToken");
    const path = url.pathname.replace(new URL(opts.baseUrl).pathname, "").replace(/^\//, "");
    const utc = init.headers.prefer === 'outlook.timezone="UTC"';
    const one = /^users\/([^/]+)\/events\/([^/]+)$/i.exec(path);
    if (one && (init.method ?? "GET") === "GET") {
      const event = events.get(key(one[1] as string, one[2] as string));
      return event ? json(200, view(event, utc)) : error(404, "ErrorItemNotFound");
    }
    const instances = /^users\/([^/]+)\/events\/([^/]+)\/instances$/i.exec(path);
    if (instances) {
      // startDateTime and endDateTime are required; cancelled occurrences are not listed.
      const from = url.searchParams.get("startDateTime");
      const to = url.searchParams.get("endDateTime");
      if (!from || !to) return error(400, "ErrorInvalidParameter");
      const user = (instances[1] as string).toLowerCase();
      if (!events.has(key(user, instances[2] as string))) return error(404, "ErrorItemNotFound");
      const start = (e: Record<string, unknown>) => `${(e.start as { dateTime: string }).dateTime.slice(0, 19)}Z`;
      const value = [...events.entries()]
        .filter(([k, e]) => k.startsWith(`${user}/`) && e.seriesMasterId === instances[2])
        .filter(([, e]) => start(e) >= `${from.slice(0, 19)}Z` && start(e) < `${to.slice(0, 19)}Z`)
        .map(([, e]) => view(e, utc));
      return json(200, { value });
    }
    const list = /^users\/([^/]+)\/events$/i.exec(path);
    if (list) {
      const since = /lastModifiedDateTime ge (\S+)/.exec(url.searchParams.get("$filter") ?? "")?.[1];
      const user = (list[1] as string).toLowerCase();
      const all = [...events.entries()]
        // The event list holds single events and series masters; a series' occurrences come from `instances`.
        .filter(([k, e]) => k.startsWith(`${user}/`) && !e.seriesMasterId)
        .filter(([, e]) => !since || String(e.lastModifiedDateTime) >= since)
        .map(([, e]) => view(e, utc));
      const skip = Number(url.searchParams.get("$skip") ?? 0);
      const size = opts.pageSize ?? 50;
      const next = new URL(url);
      next.searchParams.set("$skip", String(skip + size));
      return json(200, {
        value: all.slice(skip, skip + size),
        ...(skip + size < all.length ? { "@odata.nextLink": next.toString() } : {}),
      });
    }
    const sub = /^subscriptions\/([^/]+)$/.exec(path);
    if (sub && init.method === "PATCH") {
      const id = decodeURIComponent(sub[1] as string);
      if (!subscriptions.has(id)) return error(404, "ResourceNotFound");
      subscriptions.set(id, body.expirationDateTime);
      return json(200, { id, expirationDateTime: body.expirationDateTime });
    }
    if (path === "subscriptions" && init.method === "POST") {
      const ahead = Date.parse(body?.expirationDateTime) - opts.now();
      const valid =
        typeof body?.changeType === "string" &&
        /^https:\/\//.test(body?.notificationUrl ?? "") &&
        typeof body?.resource === "string" &&
        typeof body?.clientState === "string" &&
        body.clientState.length <= 128 &&
        ahead > 0 &&
        ahead <= 10_080 * 60_000;
      if (!valid) return error(400, "InvalidRequest");
      if (failCreates > 0) {
        failCreates--;
        return error(503, "ServiceUnavailable");
      }
      const id = crypto.randomUUID();
      subscriptions.set(id, body.expirationDateTime);
      created.push({ id, ...body });
      return json(201, { id, ...body, applicationId: "app-1", creatorId: "creator-1" });
    }
    return error(400, "BadRequest");
  };

  return {
    fetch,
    requests,
    put(user: string, event: Record<string, unknown> & { id: string }) {
      events.set(key(user, event.id), event);
    },
    remove(user: string, id: string) {
      events.delete(key(user, id));
    },
    subscribe(id: string, expirationDateTime: string) {
      subscriptions.set(id, expirationDateTime);
    },
    subscription: (id: string) => subscriptions.get(id),
    /** Subscriptions made through `POST subscriptions`, as asked for. */
    created,
    /** Graph forgets a subscription (what precedes `subscriptionRemoved`). */
    unsubscribe(id: string) {
      subscriptions.delete(id);
    },
    /** Answer the next `n` creations with 503. */
    failCreates(n: number) {
      failCreates = n;
    },
    slowDown(ms: number) {
      delayMs = ms;
    },
  };
}

/** Graph answers in the mailbox's zone unless asked for UTC; the product always asks. */
function view(event: Record<string, unknown>, utc: boolean): Record<string, unknown> {
  if (utc) return event;
  const local = (w: unknown) => ({ ...(w as object), timeZone: "Pacific Standard Time" });
  return { ...event, start: local(event.start), end: local(event.end) };
}

/** An instant as Graph writes an event's time when asked for UTC: `{ dateTime: "…T17:00:00.0000000", timeZone: "UTC" }`. */
export function graphTime(instant: string) {
  return { dateTime: instant.replace(/Z$/, ".0000000"), timeZone: "UTC" };
}

/**
 * A Graph event full of personal data, as Outlook stores it: on the fixtures' Monday, 09:00–10:00
 * in Los Angeles, last modified at `atSecond(0)` (test/calendar/fixtures.ts).
 */
export function graphEvent(over: Record<string, unknown> = {}) {
  return {
    "@odata.etag": 'W/"abc"',
    id: "AAMk1",
    type: "singleInstance",
    subject: "Relapse Prevention – Jane Doe",
    bodyPreview: "I have been drinking daily",
    body: { contentType: "html", content: "<p>I have been drinking daily</p>" },
    isCancelled: false,
    isAllDay: false,
    lastModifiedDateTime: iso(atSecond(0)).replace(/Z$/, ".1234567Z"),
    start: graphTime(on(0, "09:00")),
    end: graphTime(on(0, "10:00")),
    organizer: { emailAddress: { name: "Dr. Alice Clinician", address: "alice@clinic.example" } },
    attendees: [
      {
        type: "required",
        status: { response: "accepted" },
        emailAddress: { name: "Jane Doe", address: "Jane.Doe@example.com" },
      },
      { type: "resource", emailAddress: { name: "Room 3", address: "room3@clinic.example" } },
    ],
    ...over,
  };
}

/** A Graph change notification body (its subscription expiring on the fixtures' Monday, 10:00 local). */
export function graphNotification(items: Record<string, unknown>[]) {
  return JSON.stringify({
    value: items.map((over) => ({
      subscriptionId: "sub-1",
      subscriptionExpirationDateTime: withOffset(0, "10:00", 7),
      changeType: "updated",
      resource: "Users/u-1/Events/AAMk1",
      resourceData: { "@odata.type": "#Microsoft.Graph.Event", "@odata.id": "Users/u-1/Events/AAMk1", id: "AAMk1" },
      clientState: "graph-client-state-secret",
      tenantId: "tenant-1",
      ...over,
    })),
  });
}
