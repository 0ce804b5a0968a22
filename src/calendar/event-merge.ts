import type { CalendarChange } from "../../schemas/calendar/change.ts";
import type { SessionKind } from "../../schemas/session.ts";

/**
 * What the product remembers of one calendar event, keyed by `(source, externalId)`: the newest
 * version seen, its times, and whether it was cancelled. A cancelled record is a tombstone: it
 * outlives its occurrence so that a late "create" cannot bring a cancelled session back.
 */
export interface CalendarRecord {
  version: number;
  cancelled: boolean;
  /** A cancellation a newer upsert may undo (`CalendarChange.reopenable`); absent: final. */
  reopenable?: boolean;
  trackRef: string | null;
  sessionId: string | null;
  startsAt?: string;
  endsAt?: string;
  kind?: SessionKind;
  facilitatorIds?: string[];
  /**
   * Held back from planning until then (epoch ms): a reschedule of a booking the program never saw,
   * whose session waits for the delivery that links it into its chain (`RESCHEDULE_HOLD_MS`).
   */
  heldUntil?: number;
}

/** One attendee of an event (`c:<clientId>` or `h:<emailHash>`), as a last-writer-wins set member. */
export interface PersonState {
  version: number;
  present: boolean;
}

/** Why a change left the record as it was. */
export type Unchanged = "stale" | "tombstone";

/**
 * Apply a change's times or cancellation. A higher version wins, so an older reschedule that
 * arrives late never overwrites a newer one; equal versions are the same change seen twice.
 * A final cancellation wins whatever its version (a calendar does not resurrect such a booking),
 * so the outcome does not depend on arrival order. A reopenable one (Cal.com's request-reschedule,
 * Google's bin) is ordered by version like any change: a newer upsert undoes it, and it does not
 * undo a newer upsert that arrived first.
 */
export function applyChange(
  rec: CalendarRecord | null,
  change: CalendarChange,
): { record: CalendarRecord; changed: true } | { record: CalendarRecord; changed: false; why: Unchanged } {
  const base: CalendarRecord = rec ?? { version: -1, cancelled: false, trackRef: null, sessionId: null };
  const soft = change.reopenable === true;
  if (base.cancelled && !base.reopenable) return { record: base, changed: false, why: "tombstone" };
  if (base.cancelled && change.action === "cancel" && !soft) {
    // The sender made a taken-back cancellation final after all.
    return { record: { ...base, version: Math.max(base.version, change.version), reopenable: false }, changed: true };
  }
  const trackRef = base.trackRef ?? change.trackRef ?? null;
  if (change.action === "cancel") {
    if (soft && change.version <= base.version) return { record: base, changed: false, why: "stale" };
    return {
      record: { ...base, version: Math.max(base.version, change.version), cancelled: true, reopenable: soft, trackRef },
      changed: true,
    };
  }
  if (change.version <= base.version) return { record: base, changed: false, why: "stale" };
  return {
    changed: true,
    record: {
      ...base,
      cancelled: false,
      reopenable: false,
      version: change.version,
      trackRef: change.trackRef ?? base.trackRef,
      startsAt: change.startsAt,
      endsAt: change.endsAt,
      kind: change.kind ?? base.kind,
      facilitatorIds: change.facilitatorIds ?? base.facilitatorIds,
    },
  };
}

/** The set-member keys a change names: opaque client ids and e-mail hashes, kept apart by prefix. */
export function personKeys(change: CalendarChange): string[] {
  const { clientIds, emailHashes } = change.participants;
  return [...clientIds.map((id) => `c:${id}`), ...emailHashes.map((h) => `h:${h}`)];
}

/** The person key that holds the version of the latest `set`: everyone named only before it is out. */
export const SET_WATERMARK = "*";

/**
 * The attendee updates a change implies, per person, last writer wins: `set` adds everyone named
 * and moves the watermark, so everyone else whose own state is older is out, even a person whose
 * older `add` only arrives later; `add` and `remove` touch only those named. Per-person versions
 * let Calendly's one-invitee-at-a-time events arrive in any order.
 */
export function peopleUpdates(
  current: ReadonlyMap<string, PersonState>,
  change: CalendarChange,
): Map<string, PersonState> {
  const { mode } = change.participants;
  const out = new Map<string, PersonState>();
  if (mode === "unchanged") return out;
  const named = new Set(personKeys(change));
  const newer = (key: string) => (current.get(key)?.version ?? -1) < change.version;
  for (const key of named) {
    if (newer(key)) out.set(key, { version: change.version, present: mode !== "remove" });
  }
  if (mode === "set") {
    if (newer(SET_WATERMARK)) out.set(SET_WATERMARK, { version: change.version, present: false });
    for (const [key, state] of current) {
      if (key !== SET_WATERMARK && !named.has(key) && state.present && newer(key)) {
        out.set(key, { version: change.version, present: false });
      }
    }
  }
  return out;
}

/** The people present: in, and not older than the latest `set` that left them out. */
export function presentPeople(people: ReadonlyMap<string, PersonState>): string[] {
  const watermark = people.get(SET_WATERMARK)?.version ?? -1;
  return [...people]
    .filter(([key, s]) => key !== SET_WATERMARK && s.present && s.version >= watermark)
    .map(([key]) => key)
    .sort();
}

/**
 * Fold the record an alias collected on its own (it arrived before the change that declared the
 * alias) into the root record: the newer times win, and a cancellation of either is final. The
 * root's hold is the chain's: an alias held on its own is released by joining a chain.
 */
export function mergeRecords(root: CalendarRecord, alias: CalendarRecord): CalendarRecord {
  const newer = alias.version > root.version ? alias : root;
  return {
    ...root,
    version: Math.max(root.version, alias.version),
    cancelled: newer.reopenable ? newer.cancelled : root.cancelled || alias.cancelled,
    reopenable: newer.reopenable ?? false,
    trackRef: root.trackRef ?? alias.trackRef,
    sessionId: root.sessionId ?? alias.sessionId,
    startsAt: newer.startsAt ?? root.startsAt ?? alias.startsAt,
    endsAt: newer.endsAt ?? root.endsAt ?? alias.endsAt,
    kind: root.kind ?? alias.kind,
    facilitatorIds: newer.facilitatorIds ?? root.facilitatorIds ?? alias.facilitatorIds,
  };
}

/** Merge two attendee sets: per person, the newer state wins. */
export function mergePeople(
  a: ReadonlyMap<string, PersonState>,
  b: ReadonlyMap<string, PersonState>,
): Map<string, PersonState> {
  const out = new Map(a);
  for (const [key, state] of b) {
    const mine = out.get(key);
    if (!mine || state.version > mine.version) out.set(key, state);
  }
  return out;
}
