import { CalendarChange } from "../../schemas/calendar/change.ts";
import { ANY_TRACK_REF, type CalendarConfig, type CalendarMapping } from "../../schemas/calendar/integration.ts";
import type { Program } from "../../schemas/program.ts";
import type { Session } from "../../schemas/session.ts";
import type { SessionStore } from "../directory/session-store.ts";
import { cancelSession } from "../directory/sessions.ts";
import type { TrackStore } from "../directory/track-store.ts";
import { isoInstant } from "../lib/clock.ts";
import { newChildId } from "../lib/ids.ts";
import type { RoomBinding } from "../rooms/binding.ts";
import {
  applyChange,
  type CalendarRecord,
  mergePeople,
  mergeRecords,
  type PersonState,
  peopleUpdates,
  presentPeople,
} from "./event-merge.ts";
import type { CalendarHold } from "./follow-up-items.ts";
import { planOccurrence } from "./plan-occurrence.ts";
import type { CalendarConfigStore } from "./stores/config-store.ts";
import type { CalendarEventStore } from "./stores/event-store.ts";

/**
 * How long a reschedule of a booking the program has never seen waits for the rest of its chain
 * before it gets a session of its own. Cal.com sends a chain's deliveries within seconds of each
 * other, but not necessarily in order: its second reschedule (C, `rescheduleUid` B) can come before
 * its first (B, `rescheduleUid` A), and nothing in it says that B is A's. Planned at once, it would
 * stand beside A's session as a second one until B arrives. A link that has not come within two
 * minutes is not a delivery still on its way: the booking was made before the integration was set
 * up (or the delivery was lost), so the held reschedule is then planned as a booking of its own.
 */
export const RESCHEDULE_HOLD_MS = 2 * 60_000;

/** What applying changes did: the rooms to rebind (moved or cancelled sessions) and a count per effect. */
export interface ApplyOutcome {
  bindings: RoomBinding[];
  effects: Record<string, number>;
  /** Every session written, and how (for the audit trail: the calendar changed it). */
  changed: { id: string; effect: string; version: number }[];
  /** Records held back from planning (see `RESCHEDULE_HOLD_MS`): the caller lists their release. */
  holds: CalendarHold[];
}

/**
 * Applies calendar changes to the program's sessions, synchronously (no outside I/O), so that
 * the caller's dedupe check, the ordering check and the session writes form one atomic step.
 */
export class CalendarApplier {
  private readonly events: CalendarEventStore;
  private readonly config: CalendarConfigStore;
  private readonly sessions: SessionStore;
  private readonly tracks: TrackStore;

  constructor(deps: {
    events: CalendarEventStore;
    config: CalendarConfigStore;
    sessions: SessionStore;
    tracks: TrackStore;
  }) {
    this.events = deps.events;
    this.config = deps.config;
    this.sessions = deps.sessions;
    this.tracks = deps.tracks;
  }

  /** Apply each change in order; changes that do not satisfy the contract are skipped and counted. */
  apply(changes: readonly unknown[], program: Program, now: number): ApplyOutcome {
    const out: ApplyOutcome = { bindings: [], effects: {}, changed: [], holds: [] };
    const { config } = this.config.get(now);
    for (const raw of changes) {
      const parsed = CalendarChange.safeParse(raw);
      if (!parsed.success) {
        count(out, "invalid");
        continue;
      }
      this.applyOne(parsed.data, program, config, now, out);
      // A Graph series deleted as a whole: Graph notifies the master only, so its occurrences
      // (kept by `occurrenceId`, `OID.{masterId}.{date}`) are cancelled with it.
      const c = parsed.data;
      if (c.source === "microsoft" && c.action === "cancel" && !c.externalId.startsWith("OID.")) {
        for (const id of this.events.liveWithPrefix("microsoft", `OID.${c.externalId}.`)) {
          this.applyOne({ ...c, externalId: id }, program, config, now, out);
        }
      }
    }
    return out;
  }

  /** Re-derive one event's session (its attendees' e-mails became known, say). */
  replan(source: string, externalId: string, program: Program, now: number, out: ApplyOutcome): void {
    const rec = this.events.get(source, externalId);
    if (!rec?.sessionId) return;
    this.settle(
      source,
      externalId,
      rec,
      this.events.people(source, externalId),
      program,
      this.config.get(now).config,
      now,
      out,
    );
  }

  /**
   * A held record's hold ran out with no delivery linking it into a chain: the booking predates the
   * integration, so it is planned as one of its own. A record no longer held (linked, or released by
   * its own creation) or gone (merged into its chain's root) is left as it is.
   */
  release(source: string, externalId: string, program: Program, now: number, out: ApplyOutcome): void {
    const rec = this.events.get(source, externalId);
    if (rec?.heldUntil === undefined) return;
    const { heldUntil: _, ...released } = rec;
    count(out, "released");
    this.settle(
      source,
      externalId,
      released,
      this.events.people(source, externalId),
      program,
      this.config.get(now).config,
      now,
      out,
    );
  }

  private applyOne(change: CalendarChange, program: Program, config: CalendarConfig, now: number, out: ApplyOutcome) {
    const { source } = change;
    const root = this.events.resolve(source, change.externalId);
    const before = this.events.get(source, root);
    const step = applyChange(before, change);
    let rec = step.record;
    // A reschedule (it names the booking's new id as `alias`) of a booking never seen: the start of
    // its chain is not known yet, so it is held (below) unless what it merges with has a session.
    const unrooted = !before && root === change.externalId && change.alias !== undefined && change.alias !== root;
    // The booking's own creation (an upsert of its id, naming no other) says where its chain starts:
    // a hold on it ends, whatever its version.
    const created = root === change.externalId && change.alias === undefined && change.action === "upsert";
    if (created && rec.heldUntil !== undefined) {
      const { heldUntil: _, ...released } = rec;
      rec = released;
    }
    let people = this.events.people(source, root);
    const updates = peopleUpdates(people, change);
    this.events.putPeople(source, root, updates);
    people = mergePeople(people, updates);

    let merged = false;
    if (change.alias && change.alias !== root) {
      const aliasRoot = this.events.resolve(source, change.alias);
      if (aliasRoot === change.alias) {
        const own = this.events.get(source, change.alias);
        this.events.addAlias(source, change.alias, root);
        if (own) {
          ({ rec, people } = this.absorb(source, change.alias, own, root, rec, people, program, now, out));
          merged = true;
        }
      }
    }
    if (unrooted && !rec.sessionId) {
      rec = { ...rec, heldUntil: now + RESCHEDULE_HOLD_MS };
      out.holds.push({ source, externalId: root, until: rec.heldUntil as number });
    }
    const released = before?.heldUntil !== undefined && rec.heldUntil === undefined;
    if (!step.changed && !merged && !released && updates.size === 0) {
      count(out, step.why);
      return;
    }
    this.settle(source, root, rec, people, program, config, now, out);
  }

  /** Fold an alias's own record (and attendees) into the root; the booking keeps one session (see `oneSession`). */
  private absorb(
    source: string,
    alias: string,
    own: CalendarRecord,
    root: string,
    rec: CalendarRecord,
    people: Map<string, PersonState>,
    program: Program,
    now: number,
    out: ApplyOutcome,
  ) {
    const mergedPeople = mergePeople(people, this.events.people(source, alias));
    this.events.putPeople(source, root, mergedPeople);
    const sessionId = this.oneSession(rec.sessionId, own.sessionId, program, now, out);
    this.events.delete(source, alias);
    return { rec: { ...mergeRecords(rec, own), sessionId }, people: mergedPeople };
  }

  /**
   * Both halves of a chain got a session before the delivery tying them arrived (Cal.com's second
   * reschedule before its first): one booking, so one session. The one created first is the chain's
   * (it is the one people may have seen longest); the other is withdrawn, not left behind cancelled,
   * since it was never a booking of its own: its room is told it is gone, so any join token for it is
   * revoked, and its row is removed. The audit trail keeps both its creation and this (`merged`).
   */
  private oneSession(
    rootId: string | null,
    aliasId: string | null,
    program: Program,
    now: number,
    out: ApplyOutcome,
  ): string | null {
    const mine = rootId ? this.sessions.get(rootId) : null;
    const theirs = aliasId && aliasId !== rootId ? this.sessions.get(aliasId) : null;
    if (!mine || !theirs) return mine?.id ?? theirs?.id ?? rootId ?? aliasId;
    const [keep, drop] = theirs.createdAt < mine.createdAt ? [theirs, mine] : [mine, theirs];
    const gone = cancelSession(drop, isoInstant(now));
    this.sessions.delete(gone.id);
    out.bindings.push(binding(program, gone));
    out.changed.push({ id: gone.id, effect: "merged", version: gone.version });
    count(out, "merged");
    return keep.id;
  }

  /** Write the record and the session it implies. */
  private settle(
    source: string,
    externalId: string,
    rec: CalendarRecord,
    people: ReadonlyMap<string, PersonState>,
    program: Program,
    config: CalendarConfig,
    now: number,
    out: ApplyOutcome,
  ) {
    if (rec.heldUntil !== undefined) {
      // Remembered (times, version, people) but not planned: no session until the hold ends.
      this.events.put(source, externalId, rec);
      count(out, "held");
      return;
    }
    const target = findTarget(config, source, rec.trackRef);
    const track = target?.trackId ? this.tracks.get(target.trackId) : null;
    const existing = rec.sessionId
      ? this.sessions.get(rec.sessionId)
      : this.sessions.byOrigin(`cal:${source}:${externalId}`);
    const plan = planOccurrence(rec, { source, externalId }, this.clients(people), existing, {
      programId: program.id,
      timezone: program.timezone,
      settings: program.settings,
      target,
      trackCap: track?.groupCap ?? null,
      now,
      newId: () => newChildId("ses", program.id),
    });
    let saved = rec;
    if (plan.effect !== "none") {
      this.sessions.put(plan.session);
      out.changed.push({ id: plan.session.id, effect: plan.effect, version: plan.session.version });
      saved = { ...rec, sessionId: plan.session.id };
      if (["moved", "cancelled", "restored", "people-removed"].includes(plan.effect)) {
        out.bindings.push(binding(program, plan.session));
      }
    } else if (existing && !rec.sessionId) {
      saved = { ...rec, sessionId: existing.id };
    }
    this.events.put(source, externalId, saved);
    count(out, plan.effect === "none" ? (plan.reason ?? "unchanged") : plan.effect);
  }

  /** Opaque client ids of the present attendees: named directly, or matched by e-mail hash to an enrollment. */
  private clients(people: ReadonlyMap<string, PersonState>): string[] {
    const ids = new Set<string>();
    const hashes: string[] = [];
    for (const key of presentPeople(people)) {
      if (key.startsWith("c:")) ids.add(key.slice(2));
      else if (key.startsWith("h:")) hashes.push(key.slice(2));
    }
    for (const id of this.config.clientsByHash(hashes)) ids.add(id);
    return [...ids].sort();
  }
}

/** The mapping for `(source, trackRef)`, else the source's catch-all. */
export function findTarget(config: CalendarConfig, source: string, trackRef: string | null): CalendarMapping | null {
  const exact = trackRef ? config.mappings.find((m) => m.source === source && m.trackRef === trackRef) : undefined;
  return exact ?? config.mappings.find((m) => m.source === source && m.trackRef === ANY_TRACK_REF) ?? null;
}

/** The room binding of a session of this program. */
export function binding(program: Program, session: Session): RoomBinding {
  return { programId: program.id, timezone: program.timezone, session, settings: program.settings };
}

function count(out: ApplyOutcome, effect: string): void {
  out.effects[effect] = (out.effects[effect] ?? 0) + 1;
}
