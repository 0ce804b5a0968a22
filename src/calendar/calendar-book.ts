import type { CalendarChange, CalendarSource } from "../../schemas/calendar/change.ts";
import type { CalendarConfigInput, CalendarConfigView, GoogleChannel } from "../../schemas/calendar/integration.ts";
import type { EnrollmentStore } from "../directory/enrollment-store.ts";
import type { ProgramStore } from "../directory/program-store.ts";
import { fail, type Result } from "../directory/result.ts";
import type { SessionStore } from "../directory/session-store.ts";
import type { TrackStore } from "../directory/track-store.ts";
import { sha256, toHex, utf8 } from "../lib/bytes.ts";
import { isoInstant } from "../lib/clock.ts";
import { type ApplyOutcome, CalendarApplier } from "./apply-changes.ts";
import { hashEmail } from "./email-hash.ts";
import { type FollowUpItem, type FollowUpOrder, type FollowUpResult, releaseOrder } from "./follow-up-items.ts";
import { type FollowUpOutcome, FollowUpPlan, googleCalendars } from "./follow-up-plan.ts";
import type { IntegrationSecrets } from "./integration-secrets.ts";
import { CalendarConfigStore } from "./stores/config-store.ts";
import { CalendarEventStore } from "./stores/event-store.ts";
import { FollowUpStore } from "./stores/follow-up-store.ts";
import { RenewalStore } from "./stores/renewal-store.ts";
import type { SecretRow } from "./stores/secret-store.ts";

/** A verified delivery, normalised: dedupe on `deliveryId` (null: nothing to dedupe on), apply, queue follow-up work. */
export interface CalendarDelivery {
  source: CalendarSource;
  deliveryId: string | null;
  changes: CalendarChange[];
  work?: FollowUpOrder[];
}

/** What an authentic delivery asks for: changes and work, nothing (`ignored`), or a refusal. */
export type DeliveryPlan = CalendarDelivery | "ignored" | "stale" | "invalid";

/** What a delivery did; `bindings` are the rooms of moved or cancelled sessions, to rebind at once. */
export type IngestOutcome = ApplyOutcome & { status: "applied" | "duplicate" };

/** What verifying and normalising a delivery of this program needs (inside its Durable Object). */
export interface CalendarContext {
  emailHashKey: string;
  googleChannels: GoogleChannel[];
  graphSubscriptions: string[];
  /** The program's active integration secrets, sealed (set through the API; opened with INTEGRATION_KEY). */
  secrets: SecretRow[];
}

// An e-mail shared by many events re-plans at most this many of them at once.
const REPLAN_LIMIT = 200;

/**
 * The calendar integration of one program, living in its `ProgramDirectory` Durable Object:
 * configuration, delivery dedupe, event ordering, occurrences, and the list of follow-up work.
 */
export class CalendarBook {
  private readonly programs: ProgramStore;
  private readonly tracks: TrackStore;
  private readonly enrollments: EnrollmentStore;
  private readonly config: CalendarConfigStore;
  private readonly events: CalendarEventStore;
  private readonly work: FollowUpStore;
  private readonly renewals: RenewalStore;
  private readonly applier: CalendarApplier;
  private readonly followUps: FollowUpPlan;
  private readonly secrets: IntegrationSecrets | undefined;

  constructor(
    sql: SqlStorage,
    deps: {
      programs: ProgramStore;
      sessions: SessionStore;
      tracks: TrackStore;
      enrollments: EnrollmentStore;
      secrets?: IntegrationSecrets;
    },
  ) {
    this.secrets = deps.secrets;
    this.programs = deps.programs;
    this.tracks = deps.tracks;
    this.enrollments = deps.enrollments;
    this.config = new CalendarConfigStore(sql);
    this.events = new CalendarEventStore(sql);
    this.work = new FollowUpStore(sql);
    this.renewals = new RenewalStore(sql);
    this.applier = new CalendarApplier({
      events: this.events,
      config: this.config,
      sessions: deps.sessions,
      tracks: deps.tracks,
    });
    this.followUps = new FollowUpPlan({
      work: this.work,
      renewals: this.renewals,
      config: this.config,
      events: this.events,
      applier: this.applier,
    });
  }

  /** The configuration as staff see it; null when the program does not exist. */
  async view(now: number): Promise<CalendarConfigView | null> {
    if (!this.programs.get()) return null;
    const { config, emailKey, updatedAt } = this.config.get(now);
    const synced = this.config.syncedAt("google");
    return {
      ...config,
      emailHashKey: { fingerprint: toHex(await sha256(utf8(emailKey))).slice(0, 8) },
      chores: this.work.all().map(({ dueAt, ...w }) => ({ ...w, dueAt: isoInstant(dueAt) })),
      renewals: this.renewals.all(),
      syncedAt: Object.fromEntries(Object.entries(synced).map(([ref, at]) => [ref, isoInstant(at)])),
      updatedAt: isoInstant(updatedAt),
    };
  }

  /** Replace the configuration; a mapping to a track the program does not have is refused. */
  async put(input: CalendarConfigInput, now: number): Promise<Result<{ config: CalendarConfigView }>> {
    if (!this.programs.get()) return fail("not-found", "No such program.");
    const errors = input.mappings.flatMap((m, i) =>
      m.trackId && !this.tracks.get(m.trackId) ? [{ path: `mappings.${i}.trackId`, message: "unknown track" }] : [],
    );
    if (errors.length > 0) return fail("invalid-request", "One or more fields are invalid.", { errors });
    this.config.put(input, now);
    // Work about channels, calendars and subscriptions the program no longer holds is dropped.
    this.work.keepOnly("google-sync", new Set(googleCalendars(input)));
    this.work.keepOnly("google-renew", new Set(input.google.channels.map((c) => c.id)));
    const subscriptions = new Set(input.microsoft.subscriptions.map((s) => s.id));
    for (const kind of ["graph-renew", "graph-resync", "graph-recreate"] as const)
      this.work.keepOnly(kind, subscriptions);
    const config = await this.view(now);
    return config ? { ok: true, config } : fail("not-found", "No such program.");
  }

  /** The e-mail hash key and what the program owns; null when the program does not exist. */
  context(now: number): CalendarContext | null {
    if (!this.programs.get()) return null;
    const { config, emailKey } = this.config.get(now);
    return {
      emailHashKey: emailKey,
      googleChannels: config.google.channels,
      graphSubscriptions: config.microsoft.subscriptions.map((s) => s.id),
      // Sealed: opened with INTEGRATION_KEY only to verify the delivery (secret-crypto.ts).
      secrets: this.secrets?.sealed(now) ?? [],
    };
  }

  /**
   * Store the keyed hash of an enrollment's e-mail (the address is hashed here and dropped), and let
   * the client into upcoming calendar sessions that already list that address.
   */
  async setEmail(enrollmentId: string, email: string, now: number): Promise<Result<{ matched: number }>> {
    const hash = await hashEmail(email, this.config.get(now).emailKey);
    // Everything below is synchronous: the enrollment cannot change between the check and the write.
    const program = this.programs.get();
    const enrollment = this.enrollments.get(enrollmentId);
    if (!program || !enrollment) return fail("not-found", "No such enrollment.");
    if (enrollment.status === "discharged") return fail("conflict", "The client was discharged.");
    this.config.putEmailHash(enrollmentId, enrollment.clientId, hash);
    const out: ApplyOutcome = { bindings: [], effects: {}, changed: [], holds: [] };
    const events = this.events.eventsWith(`h:${hash}`, REPLAN_LIMIT);
    for (const e of events) this.applier.replan(e.source, e.externalId, program, now, out);
    return { ok: true, matched: events.length };
  }

  /** Apply a delivery exactly once: a delivery id seen before changes nothing. Null when the program does not exist. */
  ingest(delivery: CalendarDelivery, now: number): IngestOutcome | null {
    const program = this.programs.get();
    if (!program) return null;
    if (delivery.deliveryId !== null && !this.events.firstDelivery(delivery.source, delivery.deliveryId, now)) {
      return { status: "duplicate", bindings: [], effects: {}, changed: [], holds: [] };
    }
    for (const order of delivery.work ?? []) this.work.add(order, now);
    const out = this.applier.apply(delivery.changes, program, now);
    // A held reschedule is planned when its hold runs out, unless the delivery linking it comes first.
    for (const hold of out.holds) this.work.add(releaseOrder(hold), hold.until);
    return { status: "applied", ...out };
  }

  /** The cron's periodic work (syncs, renewals that are near); a program that never touched calendars has none. */
  scheduleFollowUps(now: number): void {
    if (this.programs.get() && this.config.exists()) this.followUps.schedule(now);
  }

  /** The follow-up items due now, and the e-mail hash key to normalise what they fetch (it never leaves the object). */
  dueFollowUps(now: number): { items: FollowUpItem[]; emailHashKey: string } {
    if (!this.programs.get() || !this.config.exists()) return { items: [], emailHashKey: "" };
    return { items: this.followUps.due(now), emailHashKey: this.config.get(now).emailKey };
  }

  /** Record one item's answer (see `FollowUpPlan.complete`); null when the program does not exist. */
  completeFollowUp(result: FollowUpResult, now: number): FollowUpOutcome | null {
    const program = this.programs.get();
    return program ? this.followUps.complete(result, program, now) : null;
  }

  /** When the next follow-up item is due; null when there is none. */
  nextFollowUp(): number | null {
    return this.work.nextDue();
  }
}
