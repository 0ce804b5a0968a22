import type { CalendarChange, ParticipantsChange } from "../../schemas/calendar/change.ts";
import type { CalendarConfig, CalendarRenewal } from "../../schemas/calendar/integration.ts";
import type { Program } from "../../schemas/program.ts";
import type { ApplyOutcome, CalendarApplier } from "./apply-changes.ts";
import {
  type FollowUpItem,
  type FollowUpKind,
  type FollowUpResult,
  releaseOf,
  releaseOrder,
} from "./follow-up-items.ts";
import type { CalendarConfigStore } from "./stores/config-store.ts";
import type { CalendarEventStore } from "./stores/event-store.ts";
import type { FollowUpStore } from "./stores/follow-up-store.ts";
import type { RenewalStore } from "./stores/renewal-store.ts";

/** Channels and subscriptions are renewed when they have less than this left (the cron runs every 15 minutes). */
export const RENEW_BEFORE_MS = 24 * 3600 * 1000;
/** After Graph says notifications were missed, events changed in this window are fetched again. */
export const GRAPH_RESYNC_WINDOW_MS = 3 * 24 * 3600 * 1000;

const NO_PEOPLE: ParticipantsChange = { mode: "unchanged", clientIds: [], emailHashes: [] };
const RENEWALS: ReadonlySet<FollowUpKind> = new Set(["google-renew", "graph-renew", "graph-recreate"]);

/** What completing an item did: the sessions it changed, and the renewal attempt to audit. */
export type FollowUpOutcome = ApplyOutcome & { renewal?: Omit<CalendarRenewal, "at"> };

/** The Google calendars a program follows: those it holds channels on, and those it maps by id. */
export function googleCalendars(config: CalendarConfig): string[] {
  const ids = new Set(config.google.channels.map((c) => c.calendarId));
  for (const m of config.mappings) if (m.source === "google" && m.trackRef !== "*") ids.add(m.trackRef);
  return [...ids].sort();
}

/**
 * The synchronous side of follow-up work: what the cron schedules, what is due (with what its
 * outbound call needs), and what an answer changes. The calls themselves are made between
 * `due` and `complete` (follow-up-work.ts), never inside one of these steps.
 */
export class FollowUpPlan {
  readonly #work: FollowUpStore;
  readonly #renewals: RenewalStore;
  readonly #config: CalendarConfigStore;
  readonly #events: CalendarEventStore;
  readonly #applier: CalendarApplier;

  constructor(deps: {
    work: FollowUpStore;
    renewals: RenewalStore;
    config: CalendarConfigStore;
    events: CalendarEventStore;
    applier: CalendarApplier;
  }) {
    this.#work = deps.work;
    this.#renewals = deps.renewals;
    this.#config = deps.config;
    this.#events = deps.events;
    this.#applier = deps.applier;
  }

  /** The cron's periodic work: a sync of every Google calendar (push is not guaranteed) and renewals that are near. */
  schedule(now: number): void {
    const { config } = this.#config.get(now);
    for (const calendarId of googleCalendars(config)) this.#work.add({ kind: "google-sync", ref: calendarId }, now);
    const near = (expiresAt: string | undefined) =>
      expiresAt !== undefined && Date.parse(expiresAt) - now < RENEW_BEFORE_MS;
    for (const c of config.google.channels) {
      if (near(c.expiresAt)) this.#work.add({ kind: "google-renew", ref: c.id }, now);
    }
    for (const s of config.microsoft.subscriptions) {
      if (near(s.expiresAt)) this.#work.add({ kind: "graph-renew", ref: s.id }, now);
    }
  }

  /** The items due now, each with what its call needs; items about things no longer configured are dropped. */
  due(now: number): FollowUpItem[] {
    const { config } = this.#config.get(now);
    const items: FollowUpItem[] = [];
    for (const row of this.#work.start(now)) {
      const item = this.#toItem(row, config);
      if (item) items.push(item);
      else this.#work.drop(row.kind, row.ref);
    }
    return items;
  }

  /** Record an item's answer: apply what it fetched, keep the new channel or subscription, or count the failure. */
  complete(r: FollowUpResult, program: Program, now: number): FollowUpOutcome {
    const out: FollowUpOutcome = { bindings: [], effects: {}, changed: [], holds: [] };
    if (!r.ok) {
      this.#work.failed(r.kind, r.ref, r.reason, now);
      // A subscription Graph no longer knows cannot be renewed: it is made anew.
      if (r.kind === "graph-renew" && r.reason === "renew-404") {
        this.#work.drop(r.kind, r.ref);
        this.#work.add({ kind: "graph-recreate", ref: r.ref }, now);
      }
      if (RENEWALS.has(r.kind))
        out.renewal = { kind: r.kind as CalendarRenewal["kind"], ref: r.ref, ok: false, reason: r.reason };
      return this.#noted(out, now);
    }
    const changes: unknown[] = "changes" in r && r.changes ? [...r.changes] : [];
    if (r.kind === "google-sync" && "fullSyncIds" in r && r.fullSyncIds) {
      changes.push(...this.#vanished(r.ref, r.fullSyncIds, now));
    }
    Object.assign(out, this.#applier.apply(changes, program, now));
    for (const hold of out.holds) this.#work.add(releaseOrder(hold), hold.until);
    if (r.kind === "calendar-release") {
      const { source, externalId } = releaseOf(r.ref);
      this.#applier.release(source, externalId, program, now, out);
    }
    if (r.kind === "google-sync" && "nextSyncToken" in r && r.nextSyncToken) {
      this.#config.putSyncToken("google", r.ref, r.nextSyncToken, now);
    }
    if ("channel" in r) {
      this.#replaceChannel(r.replaces, r.channel, now);
      out.renewal = { kind: "google-renew", ref: r.ref, ok: true, replacedBy: r.channel.id, ...expiry(r.channel) };
    }
    if ("subscription" in r) {
      this.#replaceSubscription(r.replaces, r.subscription, now);
      out.renewal = {
        kind: "graph-recreate",
        ref: r.ref,
        ok: true,
        replacedBy: r.subscription.id,
        ...expiry(r.subscription),
      };
    }
    if ("expiresAt" in r) {
      this.#renewedSubscription(r.ref, r.expiresAt, now);
      out.renewal = { kind: "graph-renew", ref: r.ref, ok: true, expiresAt: r.expiresAt };
    }
    this.#work.done(r.kind, r.ref);
    return this.#noted(out, now);
  }

  #noted(out: FollowUpOutcome, now: number): FollowUpOutcome {
    if (out.renewal) this.#renewals.put(out.renewal, now);
    return out;
  }

  #toItem(row: { kind: FollowUpKind; ref: string; detail: Record<string, string> }, config: CalendarConfig) {
    const { ref } = row;
    const subscription = config.microsoft.subscriptions.find((s) => s.id === ref);
    const url = (u: string | undefined) => (u ? { webhookUrl: u } : {});
    switch (row.kind) {
      case "google-sync": {
        const syncToken = this.#config.syncToken("google", ref);
        return { kind: "google-sync", ref, calendarId: ref, ...(syncToken ? { syncToken } : {}) } as const;
      }
      case "google-renew": {
        const channel = config.google.channels.find((c) => c.id === ref);
        return channel ? ({ kind: "google-renew", ref, channel, ...url(config.google.webhookUrl) } as const) : null;
      }
      case "graph-fetch":
        return { kind: "graph-fetch", ref, resource: ref, subscriptionId: row.detail.subscriptionId ?? "" } as const;
      case "graph-renew":
        return subscription ? ({ kind: "graph-renew", ref, subscription } as const) : null;
      case "graph-recreate":
        return subscription
          ? ({ kind: "graph-recreate", ref, subscription, ...url(config.microsoft.webhookUrl) } as const)
          : null;
      case "calendar-release":
        return { kind: "calendar-release", ref } as const;
      case "graph-resync": {
        const since = Number(row.detail.since ?? 0);
        return subscription ? ({ kind: "graph-resync", ref, subscription, since } as const) : null;
      }
    }
  }

  /** After a full sync, events the calendar no longer lists were deleted while the sync token was invalid. */
  #vanished(calendarId: string, listed: readonly string[], now: number): CalendarChange[] {
    const present = new Set(listed);
    return this.#events
      .liveWithSession("google", calendarId)
      .filter((id) => !present.has(id))
      .filter((id) => {
        // Only upcoming sessions: a past one is part of the attendance record, whatever the calendar says now.
        const rec = this.#events.get("google", id);
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

  #replaceChannel(old: string, channel: CalendarConfig["google"]["channels"][number], now: number): void {
    const { config } = this.#config.get(now);
    const channels = config.google.channels.filter((c) => c.id !== old && c.id !== channel.id);
    this.#config.put({ ...config, google: { ...config.google, channels: [...channels, channel] } }, now);
  }

  /** A re-created subscription has a new id: the mappings, the events' track and the work follow it. */
  #replaceSubscription(old: string, sub: CalendarConfig["microsoft"]["subscriptions"][number], now: number): void {
    const { config } = this.#config.get(now);
    const subscriptions = [...config.microsoft.subscriptions.filter((s) => s.id !== old && s.id !== sub.id), sub];
    const mappings = config.mappings.map((m) =>
      m.source === "microsoft" && m.trackRef === old ? { ...m, trackRef: sub.id } : m,
    );
    this.#config.put({ ...config, mappings, microsoft: { ...config.microsoft, subscriptions } }, now);
    this.#events.retrack("microsoft", old, sub.id);
    for (const kind of ["graph-renew", "graph-resync"] as const) this.#work.drop(kind, old);
  }

  #renewedSubscription(id: string, expiresAt: string, now: number): void {
    const { config } = this.#config.get(now);
    const subscriptions = config.microsoft.subscriptions.map((s) => (s.id === id ? { ...s, expiresAt } : s));
    this.#config.put({ ...config, microsoft: { ...config.microsoft, subscriptions } }, now);
  }
}

const expiry = (x: { expiresAt?: string }) => (x.expiresAt ? { expiresAt: x.expiresAt } : {});
