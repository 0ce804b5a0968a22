import { z } from "zod";
import { isoInstant } from "../../../lib/clock.ts";
import { callJson, type HttpFetch, trimBase } from "../api-call.ts";
import { toInstant } from "../common.ts";

/** The named extended property (PS_PUBLIC_STRINGS) where an integrator puts opaque client ids. */
export const GRAPH_CLIENT_IDS_PROPERTY = "String {00020329-0000-0000-C000-000000000046} Name clientIds";

/** Graph allows an event subscription under seven days; the product renews for three at a time. */
export const GRAPH_SUBSCRIPTION_TTL_MS = 3 * 24 * 3600 * 1000;

const SELECT =
  "id,type,occurrenceId,seriesMasterId,cancelledOccurrences,isCancelled,isAllDay,lastModifiedDateTime,start,end,attendees";
/** How far ahead a series is expanded: the product's own planning horizon for tracks. */
export const GRAPH_SERIES_HORIZON_MS = 400 * 24 * 3600 * 1000;
const EXPAND = `singleValueExtendedProperties($filter=id eq '${GRAPH_CLIENT_IDS_PROPERTY}')`;
const RESOURCE = /^[A-Za-z0-9_\-=.@'()!+/]{1,1024}$/;
const MAX_PAGES = 20;
const Page = z.object({ value: z.array(z.unknown()).max(1000), "@odata.nextLink": z.string().max(4096).optional() });

/** What a Graph call needs: where it is, the bearer token, and the fetch to use. */
export interface GraphApi {
  fetch: HttpFetch;
  baseUrl: string;
  /** Absent when not configured: Graph answers 401 and the work is retried. */
  accessToken?: string | undefined;
}

/** True for a relative resource path as Graph sends them (`Users/{id}/Events/{id}`): nothing that leaves the API root. */
export function safeResource(resource: string): boolean {
  if (!RESOURCE.test(resource) || resource.startsWith("/")) return false;
  return !resource.split("/").some((seg) => seg === "" || seg === "." || seg === "..");
}

/** Times come back in UTC, so they can be read without Windows zone names. */
const UTC = { prefer: 'outlook.timezone="UTC"' };

/** Fetch the event a notification names; `gone` when Graph no longer has it (deleted since). */
export async function fetchGraphEvent(
  api: GraphApi,
  resource: string,
): Promise<{ ok: true; event: unknown } | { ok: true; gone: true } | { ok: false; status?: number }> {
  if (!safeResource(resource)) return { ok: false };
  const url = new URL(`${trimBase(api.baseUrl)}/${resource}`);
  url.searchParams.set("$select", SELECT);
  url.searchParams.set("$expand", EXPAND);
  const res = await callJson(api.fetch, url.toString(), { accessToken: api.accessToken, headers: UTC });
  if (res.ok) return { ok: true, event: res.body };
  if (res.status === 404 || res.status === 410) return { ok: true, gone: true };
  return { ok: false, status: res.status };
}

/**
 * The occurrences and exceptions of a series master in [from, to) (`GET {event}/instances`, which
 * leaves cancelled occurrences out: the master lists those in `cancelledOccurrences`).
 */
export async function listGraphInstances(
  api: GraphApi,
  resource: string,
  from: number,
  to: number,
): Promise<{ ok: true; events: unknown[] } | { ok: false; status?: number }> {
  if (!safeResource(resource)) return { ok: false };
  const first = new URL(`${trimBase(api.baseUrl)}/${resource}/instances`);
  first.searchParams.set("startDateTime", isoInstant(from));
  first.searchParams.set("endDateTime", isoInstant(to));
  first.searchParams.set("$select", SELECT);
  first.searchParams.set("$expand", EXPAND);
  first.searchParams.set("$top", "50");
  return pages(api, first.toString());
}

/** Extend a subscription (also what `reauthorizationRequired` asks for). */
export async function renewGraphSubscription(
  api: GraphApi,
  subscriptionId: string,
  now: number,
): Promise<{ ok: true; expiresAt: string } | { ok: false; status?: number }> {
  const url = `${trimBase(api.baseUrl)}/subscriptions/${encodeURIComponent(subscriptionId)}`;
  const res = await callJson(api.fetch, url, {
    method: "PATCH",
    accessToken: api.accessToken,
    body: { expirationDateTime: isoInstant(now + GRAPH_SUBSCRIPTION_TTL_MS) },
  });
  if (!res.ok) return { ok: false, status: res.status };
  const answer = z.object({ expirationDateTime: z.string().max(64) }).safeParse(res.body);
  const expiresAt = answer.success ? toInstant(answer.data.expirationDateTime) : null;
  return expiresAt ? { ok: true, expiresAt } : { ok: false };
}

/**
 * Create a subscription on a calendar's events (`POST /subscriptions`), for one Graph removed:
 * created, updated and deleted events and the lifecycle events all go to `notificationUrl`, and
 * carry `clientState`. Graph checks the URL (its validation handshake) before it answers 201.
 */
export async function createGraphSubscription(
  api: GraphApi,
  opts: { resource: string; notificationUrl: string; clientState: string; now: number },
): Promise<{ ok: true; id: string; expiresAt: string } | { ok: false; status?: number }> {
  if (!safeResource(opts.resource)) return { ok: false };
  const res = await callJson(api.fetch, `${trimBase(api.baseUrl)}/subscriptions`, {
    method: "POST",
    accessToken: api.accessToken,
    body: {
      changeType: "created,updated,deleted",
      notificationUrl: opts.notificationUrl,
      lifecycleNotificationUrl: opts.notificationUrl,
      resource: opts.resource,
      expirationDateTime: isoInstant(opts.now + GRAPH_SUBSCRIPTION_TTL_MS),
      clientState: opts.clientState,
    },
  });
  if (!res.ok) return { ok: false, status: res.status };
  const answer = z
    .object({ id: z.string().min(1).max(256), expirationDateTime: z.string().max(64) })
    .safeParse(res.body);
  const expiresAt = answer.success ? toInstant(answer.data.expirationDateTime) : null;
  return answer.success && expiresAt ? { ok: true, id: answer.data.id, expiresAt } : { ok: false };
}

/** Events of a subscription's resource changed since `since` (after `missed`), following `@odata.nextLink`. */
export async function listGraphEvents(
  api: GraphApi,
  resource: string,
  since: number,
): Promise<{ ok: true; events: unknown[] } | { ok: false; status?: number }> {
  if (!safeResource(resource)) return { ok: false };
  const first = new URL(`${trimBase(api.baseUrl)}/${resource}`);
  first.searchParams.set("$filter", `lastModifiedDateTime ge ${isoInstant(since)}`);
  first.searchParams.set("$select", SELECT);
  first.searchParams.set("$expand", EXPAND);
  first.searchParams.set("$top", "50");
  return pages(api, first.toString());
}

/** Every page of a listing, following `@odata.nextLink`, which must stay on the configured API. */
async function pages(
  api: GraphApi,
  url: string,
): Promise<{ ok: true; events: unknown[] } | { ok: false; status?: number }> {
  const base = trimBase(api.baseUrl);
  const events: unknown[] = [];
  let next: string | undefined = url;
  for (let page = 0; next && page < MAX_PAGES; page++) {
    // A next link must stay on the configured API: the token is never sent anywhere else.
    if (!next.startsWith(`${base}/`)) return { ok: false };
    const res = await callJson(api.fetch, next, { accessToken: api.accessToken, headers: UTC });
    if (!res.ok) return { ok: false, status: res.status };
    const parsed = Page.safeParse(res.body);
    if (!parsed.success) return { ok: false };
    events.push(...parsed.data.value);
    next = parsed.data["@odata.nextLink"];
  }
  return next ? { ok: false } : { ok: true, events };
}
