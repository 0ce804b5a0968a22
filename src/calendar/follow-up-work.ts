import type { CalendarChange } from "../../schemas/calendar/change.ts";
import type { FollowUpItem, FollowUpResult } from "./follow-up-items.ts";
import { NO_PARTICIPANTS } from "./providers/common.ts";
import { type GoogleApi, stopChannel, watchCalendar } from "./providers/google/channels-api.ts";
import { normalizeGoogleEvent } from "./providers/google/normalize.ts";
import { syncEvents } from "./providers/google/sync-api.ts";
import {
  createGraphSubscription,
  fetchGraphEvent,
  GRAPH_SERIES_HORIZON_MS,
  type GraphApi,
  listGraphEvents,
  listGraphInstances,
  renewGraphSubscription,
} from "./providers/microsoft/api.ts";
import { eventIdOf, normalizeGraphEvent, normalizeGraphSeries } from "./providers/microsoft/event.ts";

/** What the outbound calls need: both APIs, the program's e-mail hash key (it stays in the Durable Object), and its secrets. */
export interface FollowUpApis {
  google: GoogleApi;
  graph: GraphApi;
  emailHashKey: string;
  /** The newest secret of a source set for this program (a new Google channel's token, a new subscription's clientState). */
  newestSecret: (source: "google" | "microsoft") => Promise<string | undefined>;
  now: number;
}

/**
 * Do one item's outbound work (a Calendar API sync, a Graph fetch or listing, a renewal or a
 * re-creation) and normalise what came back. Runs inside the program's Durable Object, from its
 * alarm, between two synchronous steps; never throws.
 */
export async function performFollowUp(item: FollowUpItem, apis: FollowUpApis): Promise<FollowUpResult> {
  try {
    return await perform(item, apis);
  } catch (err) {
    return { kind: item.kind, ref: item.ref, ok: false, reason: (err as Error).name.slice(0, 32) };
  }
}

async function perform(item: FollowUpItem, apis: FollowUpApis): Promise<FollowUpResult> {
  const head = { kind: item.kind, ref: item.ref };
  const failed = (reason: string, status?: number): FollowUpResult => ({
    ...head,
    ok: false,
    reason: status ? `${reason}-${status}` : reason,
  });
  const { now } = apis;
  switch (item.kind) {
    case "google-sync": {
      const sync = (syncToken?: string) =>
        syncEvents({ ...apis.google, calendarId: item.calendarId, ...(syncToken ? { syncToken } : {}) });
      let res = await sync(item.syncToken);
      let full = !item.syncToken;
      if (!res.ok && res.reason === "full-resync-required") {
        res = await sync();
        full = true;
      }
      if (!res.ok) return failed(res.reason, res.status);
      const mapping = { emailHashKey: apis.emailHashKey, calendarId: item.calendarId, syncedAt: now };
      const changes = await collect(res.events, (e) => normalizeGoogleEvent(e, mapping));
      const fullSyncIds = full ? res.events.filter((e) => e.status !== "cancelled").map((e) => e.id) : undefined;
      return { ...head, ok: true, changes, nextSyncToken: res.nextSyncToken, ...(fullSyncIds ? { fullSyncIds } : {}) };
    }
    case "google-renew": {
      const token = await apis.newestSecret("google");
      if (!item.webhookUrl || !token) return failed("not-configured");
      const opened = await watchCalendar(apis.google, {
        calendarId: item.channel.calendarId,
        address: item.webhookUrl,
        token,
      });
      if (!opened.ok) return failed("watch", opened.status);
      await stopChannel(apis.google, item.channel);
      return { ...head, ok: true, channel: opened.channel, replaces: item.channel.id };
    }
    case "graph-fetch": {
      const res = await fetchGraphEvent(apis.graph, item.resource);
      if (!res.ok) return failed("fetch", res.status);
      const mapping = { emailHashKey: apis.emailHashKey, subscriptionId: item.subscriptionId, fetchedAt: now };
      if ("gone" in res) return { ...head, ok: true, changes: graphGone(item.resource, mapping) };
      if (isSeriesMaster(res.event)) {
        // A new weekly series is notified once, as its master: its occurrences come from `instances`.
        const series = await expandSeries(apis.graph, item.resource, res.event, mapping, now);
        return series ? { ...head, ok: true, changes: series } : failed("instances");
      }
      return { ...head, ok: true, changes: await collect([res.event], (e) => normalizeGraphEvent(e, mapping)) };
    }
    case "graph-renew": {
      const res = await renewGraphSubscription(apis.graph, item.subscription.id, now);
      return res.ok ? { ...head, ok: true, expiresAt: res.expiresAt } : failed("renew", res.status);
    }
    case "graph-recreate": {
      const clientState = await apis.newestSecret("microsoft");
      if (!item.webhookUrl || !clientState) return failed("not-configured");
      const res = await createGraphSubscription(apis.graph, {
        resource: item.subscription.resource,
        notificationUrl: item.webhookUrl,
        clientState,
        now,
      });
      if (!res.ok) return failed("create", res.status);
      const subscription = { id: res.id, resource: item.subscription.resource, expiresAt: res.expiresAt };
      return { ...head, ok: true, subscription, replaces: item.subscription.id };
    }
    case "calendar-release":
      // No call: the release is applied in the step that records the answer (`FollowUpPlan.complete`).
      return { ...head, ok: true };
    case "graph-resync": {
      const res = await listGraphEvents(apis.graph, item.subscription.resource, item.since);
      if (!res.ok) return failed("list", res.status);
      const mapping = { emailHashKey: apis.emailHashKey, subscriptionId: item.subscription.id, fetchedAt: now };
      const changes = await collect(res.events, (e) => normalizeGraphEvent(e, mapping));
      // The event list holds series masters, not their occurrences: a changed master is expanded.
      for (const master of res.events.filter(isSeriesMaster)) {
        const id = (master as { id?: unknown }).id;
        if (typeof id !== "string") continue;
        const series = await expandSeries(apis.graph, `${item.subscription.resource}/${id}`, master, mapping, now);
        if (!series) return failed("instances");
        changes.push(...series);
      }
      return { ...head, ok: true, changes };
    }
  }
}

const isSeriesMaster = (e: unknown) => (e as { type?: unknown } | null)?.type === "seriesMaster";

/** A series master's changes over the planning horizon; null when Graph could not list its instances. */
async function expandSeries(
  graph: GraphApi,
  resource: string,
  master: unknown,
  mapping: { emailHashKey: string; subscriptionId: string; fetchedAt: number },
  now: number,
): Promise<CalendarChange[] | null> {
  const listed = await listGraphInstances(graph, resource, now, now + GRAPH_SERIES_HORIZON_MS);
  if (!listed.ok) return null;
  const series = await normalizeGraphSeries(master, listed.events, mapping);
  return series.ok ? series.changes : [];
}

/** Normalise each item; an item that cannot be read is skipped (it is no reason to refetch the rest). */
async function collect<T>(
  items: readonly T[],
  normalize: (item: T) => Promise<{ ok: true; changes: CalendarChange[] } | { ok: false }>,
): Promise<CalendarChange[]> {
  const out: CalendarChange[] = [];
  for (const item of items) {
    const n = await normalize(item);
    if (n.ok) out.push(...n.changes);
  }
  return out;
}

/** Graph no longer has the event: it was deleted, so its occurrence is cancelled. */
function graphGone(resource: string, mapping: { subscriptionId: string; fetchedAt: number }): CalendarChange[] {
  const externalId = eventIdOf(resource);
  if (!externalId) return [];
  return [
    {
      source: "microsoft",
      externalId,
      action: "cancel",
      version: mapping.fetchedAt,
      trackRef: mapping.subscriptionId,
      participants: NO_PARTICIPANTS,
    },
  ];
}
