import type { CalendarChange, ParticipantsChange } from "../../schemas/calendar/change.ts";
import type { CalendarConfig } from "../../schemas/calendar/integration.ts";
import type { Program } from "../../schemas/program.ts";
import type { ApplyOutcome, CalendarApplier } from "./apply-changes.ts";
import type { CalendarConfigStore } from "./stores/config-store.ts";
import type { CalendarEventStore } from "./stores/event-store.ts";
import type { CalendarWorkStore, WorkFilter, WorkItem, WorkLease, WorkResult } from "./stores/work-store.ts";

/** Channels and subscriptions are renewed when they have less than this left (the cron runs every 15 minutes). */
export const RENEW_BEFORE_MS = 24 * 3600 * 1000;
/** After Graph says notifications were missed, events changed in this window are fetched again. */
export const GRAPH_RESYNC_WINDOW_MS = 3 * 24 * 3600 * 1000;

const NO_PEOPLE: ParticipantsChange = { mode: "unchanged", clientIds: [], emailHashes: [] };

/** The Google calendars a program follows: those it holds channels on, and those it maps by id. */
export function googleCalendars(config: CalendarConfig): string[] {
  const ids = new Set(config.google.channels.map((c) => c.calendarId));
  for (const m of config.mappings) if (m.source === "google" && m.trackRef !== "*") ids.add(m.trackRef);
  return [...ids].sort();
}

/**
 * Leases calendar work to Workers and records what they did. Outbound calls (Google, Graph) are
 * made by the Worker between `claim` and `complete`, never inside the Durable Object's critical step.
 */
export class CalendarChores {
  private readonly work: CalendarWorkStore;
  private readonly config: CalendarConfigStore;
  private readonly events: CalendarEventStore;
  private readonly applier: CalendarApplier;

  constructor(deps: {
    work: CalendarWorkStore;
    config: CalendarConfigStore;
    events: CalendarEventStore;
    applier: CalendarApplier;
  }) {
    this.work = deps.work;
    this.config = deps.config;
    this.events = deps.events;
    this.applier = deps.applier;
  }

  /** Lease what is due; with `reconcile`, first schedule a sync of every calendar and renewals that are near. */
  claim(now: number, filter: WorkFilter): WorkLease {
    const { config, emailKey } = this.config.get(now);
    if (filter.reconcile) this.schedule(config, now);
    const items: WorkItem[] = [];
    for (const row of this.work.claim(now, filter.only)) {
      const item = this.toItem(row, config);
      if (item) items.push(item);
      else this.work.finish(row.kind, row.ref, row.gen);
    }
    return {
      items,
      emailHashKey: emailKey,
      ...(config.google.webhookUrl ? { webhookUrl: config.google.webhookUrl } : {}),
    };
  }

  /** Apply what the Worker fetched and renewed; `again` when news arrived during the lease. */
  complete(results: readonly WorkResult[], program: Program, now: number): ApplyOutcome & { again: boolean } {
    const out: ApplyOutcome & { again: boolean } = { bindings: [], effects: {}, changed: [], again: false };
    for (const r of results) {
      if (!r.ok) {
        this.work.retryLater(r.kind, r.ref, now);
        continue;
      }
      const changes: unknown[] = "changes" in r && r.changes ? [...r.changes] : [];
      if (r.kind === "google-sync" && "fullSyncIds" in r && r.fullSyncIds) {
        changes.push(...this.vanished(r.ref, r.fullSyncIds, now));
      }
      const applied = this.applier.apply(changes, program, now);
      out.bindings.push(...applied.bindings);
      out.changed.push(...applied.changed);
      for (const [k, n] of Object.entries(applied.effects)) out.effects[k] = (out.effects[k] ?? 0) + n;
      if (r.kind === "google-sync" && "nextSyncToken" in r && r.nextSyncToken) {
        this.config.putSyncToken("google", r.ref, r.nextSyncToken, now);
      }
      if ("channel" in r) this.replaceChannel(r.replaces, r.channel, now);
      if ("expiresAt" in r) this.renewedSubscription(r.ref, r.expiresAt, now);
      if (!this.work.finish(r.kind, r.ref, r.gen)) out.again = true;
    }
    return out;
  }

  private schedule(config: CalendarConfig, now: number): void {
    for (const calendarId of googleCalendars(config)) this.work.enqueue({ kind: "google-sync", ref: calendarId }, now);
    const near = (expiresAt: string | undefined) =>
      expiresAt !== undefined && Date.parse(expiresAt) - now < RENEW_BEFORE_MS;
    if (config.google.webhookUrl) {
      for (const c of config.google.channels)
        if (near(c.expiresAt)) this.work.enqueue({ kind: "google-renew", ref: c.id }, now);
    }
    for (const s of config.microsoft.subscriptions) {
      if (near(s.expiresAt)) this.work.enqueue({ kind: "graph-renew", ref: s.id }, now);
    }
  }

  private toItem(
    row: { kind: WorkItem["kind"] | "graph-removed"; ref: string; gen: number; detail: Record<string, string> },
    config: CalendarConfig,
  ): WorkItem | null {
    const { ref, gen } = row;
    const subscription = config.microsoft.subscriptions.find((s) => s.id === ref);
    switch (row.kind) {
      case "google-sync": {
        const syncToken = this.config.syncToken("google", ref);
        return { kind: "google-sync", ref, gen, calendarId: ref, ...(syncToken ? { syncToken } : {}) };
      }
      case "google-renew": {
        const channel = config.google.channels.find((c) => c.id === ref);
        return channel ? { kind: "google-renew", ref, gen, channel } : null;
      }
      case "graph-fetch": {
        const subscriptionId = row.detail.subscriptionId ?? "";
        return { kind: "graph-fetch", ref, gen, resource: ref, subscriptionId };
      }
      case "graph-renew":
        return subscription ? { kind: "graph-renew", ref, gen, subscription } : null;
      case "graph-resync": {
        const since = Number(row.detail.since ?? 0);
        return subscription ? { kind: "graph-resync", ref, gen, subscription, since } : null;
      }
      case "graph-removed":
        return null;
    }
  }

  /** After a full sync, events the calendar no longer lists were deleted while the sync token was invalid. */
  private vanished(calendarId: string, listed: readonly string[], now: number): CalendarChange[] {
    const present = new Set(listed);
    return this.events
      .liveWithSession("google", calendarId)
      .filter((id) => !present.has(id))
      .filter((id) => {
        // Only upcoming sessions: a past one is part of the attendance record, whatever the calendar says now.
        const rec = this.events.get("google", id);
        return rec?.endsAt !== undefined && Date.parse(rec.endsAt) > now;
      })
      .map((externalId) => ({
        source: "google",
        externalId,
        action: "cancel",
        version: now,
        trackRef: calendarId,
        participants: NO_PEOPLE,
      }));
  }

  private replaceChannel(old: string, channel: CalendarConfig["google"]["channels"][number], now: number): void {
    const { config } = this.config.get(now);
    const channels = config.google.channels.filter((c) => c.id !== old && c.id !== channel.id);
    this.config.put({ ...config, google: { ...config.google, channels: [...channels, channel] } }, now);
  }

  private renewedSubscription(id: string, expiresAt: string, now: number): void {
    const { config } = this.config.get(now);
    const subscriptions = config.microsoft.subscriptions.map((s) => (s.id === id ? { ...s, expiresAt } : s));
    this.config.put({ ...config, microsoft: { subscriptions } }, now);
  }
}
