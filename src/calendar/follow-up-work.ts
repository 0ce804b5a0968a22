import type { CalendarChange } from "../../schemas/calendar/change.ts";
import { log } from "../lib/log.ts";
import { rebindRooms } from "../rooms/rebind.ts";
import { NO_PARTICIPANTS } from "./providers/common.ts";
import { type GoogleApi, stopChannel, watchCalendar } from "./providers/google/channels-api.ts";
import { normalizeGoogleEvent } from "./providers/google/normalize.ts";
import { syncEvents } from "./providers/google/sync-api.ts";
import {
  fetchGraphEvent,
  GRAPH_SERIES_HORIZON_MS,
  type GraphApi,
  listGraphEvents,
  listGraphInstances,
  renewGraphSubscription,
} from "./providers/microsoft/api.ts";
import { eventIdOf, normalizeGraphEvent, normalizeGraphSeries } from "./providers/microsoft/event.ts";
import type { WorkFilter, WorkItem, WorkLease, WorkResult } from "./stores/work-store.ts";

/** Everything the Worker needs to do a program's calendar work: its directory, the rooms, and the two APIs. */
export interface CalendarRunnerDeps {
  programId: string;
  directory: ReturnType<Env["PROGRAMS"]["getByName"]>;
  rooms: Env["ROOMS"];
  google: GoogleApi;
  /** The token new Google channels carry (verify.ts checks it on every push). */
  channelToken: () => Promise<string | undefined>;
  graph: GraphApi;
  now: () => number;
}

// News that keeps arriving during a lease is picked up by at most this many extra rounds, then by the cron.
const MAX_ROUNDS = 3;

/**
 * Lease due work from the program's directory, do it (Calendar API syncs and channel renewals,
 * Graph fetches and renewals), report back, and rebind the rooms of sessions that moved or were
 * cancelled. Never throws: what fails is retried by the directory's queue.
 */
export async function runCalendarWork(
  deps: CalendarRunnerDeps,
  filter: WorkFilter,
): Promise<{ items: number; failed: number }> {
  const totals = { items: 0, failed: 0 };
  let current = filter;
  try {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const lease = await deps.directory.claimCalendarWork(deps.now(), current);
      if (!lease || lease.items.length === 0) break;
      const results: WorkResult[] = [];
      for (const item of lease.items) results.push(await perform(item, lease, deps));
      totals.items += results.length;
      totals.failed += results.filter((r) => !r.ok).length;
      const outcome = await deps.directory.completeCalendarWork(results, deps.now());
      if (!outcome) break;
      await rebindRooms(deps.rooms, outcome.bindings, deps.now());
      if (!outcome.again) break;
      current = { ...(filter.only ? { only: filter.only } : {}) };
    }
  } catch (err) {
    log("error", "calendar.work.failed", { programId: deps.programId, error: (err as Error).name });
  }
  if (totals.items > 0) log("info", "calendar.work", { programId: deps.programId, ...totals });
  return totals;
}

async function perform(item: WorkItem, lease: WorkLease, deps: CalendarRunnerDeps): Promise<WorkResult> {
  const head = { kind: item.kind, ref: item.ref, gen: item.gen };
  const failed = (reason: string): WorkResult => ({ ...head, ok: false, reason });
  const now = deps.now();
  switch (item.kind) {
    case "google-sync": {
      const sync = (syncToken?: string) =>
        syncEvents({ ...deps.google, calendarId: item.calendarId, ...(syncToken ? { syncToken } : {}) });
      let res = await sync(item.syncToken);
      let full = !item.syncToken;
      if (!res.ok && res.reason === "full-resync-required") {
        res = await sync();
        full = true;
      }
      if (!res.ok) return failed(res.reason);
      const mapping = { emailHashKey: lease.emailHashKey, calendarId: item.calendarId, syncedAt: now };
      const changes = await collect(res.events, (e) => normalizeGoogleEvent(e, mapping));
      const fullSyncIds = full ? res.events.filter((e) => e.status !== "cancelled").map((e) => e.id) : undefined;
      return { ...head, ok: true, changes, nextSyncToken: res.nextSyncToken, ...(fullSyncIds ? { fullSyncIds } : {}) };
    }
    case "google-renew": {
      const token = await deps.channelToken();
      if (!lease.webhookUrl || !token) return failed("not-configured");
      const opened = await watchCalendar(deps.google, {
        calendarId: item.channel.calendarId,
        address: lease.webhookUrl,
        token,
      });
      if (!opened.ok) return failed("watch");
      await stopChannel(deps.google, item.channel);
      return { ...head, ok: true, channel: opened.channel, replaces: item.channel.id };
    }
    case "graph-fetch": {
      const res = await fetchGraphEvent(deps.graph, item.resource);
      if (!res.ok) return failed("fetch");
      const mapping = { emailHashKey: lease.emailHashKey, subscriptionId: item.subscriptionId, fetchedAt: now };
      if ("gone" in res) return { ...head, ok: true, changes: graphGone(item.resource, mapping) };
      if (isSeriesMaster(res.event)) {
        // A new weekly series is notified once, as its master: its occurrences come from `instances`.
        const series = await expandSeries(deps.graph, item.resource, res.event, mapping, now);
        return series ? { ...head, ok: true, changes: series } : failed("instances");
      }
      return { ...head, ok: true, changes: await collect([res.event], (e) => normalizeGraphEvent(e, mapping)) };
    }
    case "graph-renew": {
      const res = await renewGraphSubscription(deps.graph, item.subscription.id, now);
      return res.ok ? { ...head, ok: true, expiresAt: res.expiresAt } : failed("renew");
    }
    case "graph-resync": {
      const res = await listGraphEvents(deps.graph, item.subscription.resource, item.since);
      if (!res.ok) return failed("list");
      const mapping = { emailHashKey: lease.emailHashKey, subscriptionId: item.subscription.id, fetchedAt: now };
      const changes = await collect(res.events, (e) => normalizeGraphEvent(e, mapping));
      // The event list holds series masters, not their occurrences: a changed master is expanded.
      for (const master of res.events.filter(isSeriesMaster)) {
        const id = (master as { id?: unknown }).id;
        if (typeof id !== "string") continue;
        const series = await expandSeries(deps.graph, `${item.subscription.resource}/${id}`, master, mapping, now);
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
