import type { Program } from "../../schemas/program.ts";
import type { Session } from "../../schemas/session.ts";
import type { Track } from "../../schemas/track.ts";
import { isoInstant } from "../lib/clock.ts";
import { newChildId } from "../lib/ids.ts";
import { joinBounds } from "../rooms/admission.ts";
import type { RoomBinding } from "../rooms/binding.ts";
import { expandTrack, type Occurrence, occurrenceKey } from "../schedule/expand.ts";
import { bindingOf } from "./access.ts";
import type { SessionStore } from "./session-store.ts";
import { patternOf } from "./track-fields.ts";

/**
 * How far ahead a track's occurrences exist as rows: 400 days, so any listing the API allows that
 * starts today is complete, and an 8- to 16-week enrollment is planned in full from its first day.
 * The cron rolls it forward daily; a row is what joins, moves and cancels act on.
 */
export const HORIZON_MS = 400 * 86_400_000;

/** What syncing a track's sessions did, and the rooms open now whose session changed (to rebind at once). */
export interface SyncCounts {
  created: number;
  moved: number;
  cancelled: number;
  bindings: RoomBinding[];
}

/** The session a track's occurrence becomes: its kind, people and cap come from the track. */
export function occurrenceSession(track: Track, program: Program, occ: Occurrence, stamp: string): Session {
  return {
    id: newChildId("ses", program.id),
    programId: program.id,
    trackId: track.id,
    kind: track.kind,
    status: "scheduled",
    startsAt: occ.startsAt,
    endsAt: occ.endsAt,
    localDate: occ.localDate,
    cap: track.kind === "group" ? track.groupCap : null,
    facilitatorIds: track.facilitatorIds,
    clientIds: track.clientIds,
    familyIds: track.familyIds,
    observerIds: [],
    origin: { type: "track", occurrenceKey: occurrenceKey(track.id, occ.localDate) },
    version: 1,
    createdAt: stamp,
    updatedAt: stamp,
  };
}

/**
 * Bring the track's sessions starting from `now` in line with its rule over the horizon: new
 * dates created, changed times moved (version up, so tokens stop), dates no longer met cancelled.
 * Idempotent: each date has one origin key, so running it twice creates nothing twice. Sessions
 * already under way, and past ones, stay as they were.
 */
export function syncTrack(track: Track, program: Program, sessions: SessionStore, now: number): SyncCounts {
  const pattern = patternOf(track);
  const wanted =
    track.status === "active" && pattern
      ? expandTrack(pattern, program.timezone, { from: now, to: now + HORIZON_MS })
      : [];
  const keep = new Set<string>();
  const stamp = isoInstant(now);
  const counts: SyncCounts = { created: 0, moved: 0, cancelled: 0, bindings: [] };
  // A room exists only once its join window opened: those rooms hear of a change at once.
  const changed = (before: Session, after: Session) => {
    const open = (s: Session) => joinBounds(s, program.settings).opensAt <= now;
    if (open(before) || open(after)) counts.bindings.push(bindingOf(program, after));
  };
  for (const occ of wanted) {
    const key = occurrenceKey(track.id, occ.localDate);
    keep.add(key);
    const existing = sessions.byOrigin(`track:${key}`);
    if (!existing) {
      sessions.put(occurrenceSession(track, program, occ, stamp));
      counts.created++;
    } else if (existing.status === "scheduled") {
      // A session moved by hand keeps its time; its people and cap still follow the track.
      const ruled = !(existing.origin.type === "track" && existing.origin.detached);
      const moved = ruled && (existing.startsAt !== occ.startsAt || existing.endsAt !== occ.endsAt);
      const next: Session = {
        ...existing,
        startsAt: ruled ? occ.startsAt : existing.startsAt,
        endsAt: ruled ? occ.endsAt : existing.endsAt,
        cap: track.kind === "group" ? track.groupCap : null,
        facilitatorIds: track.facilitatorIds,
        clientIds: track.clientIds,
        familyIds: track.familyIds,
        version: moved ? existing.version + 1 : existing.version,
        updatedAt: moved ? stamp : existing.updatedAt,
      };
      if (JSON.stringify(next) !== JSON.stringify(existing)) {
        sessions.put(next);
        if (moved) counts.moved++;
        changed(existing, next);
      }
    }
  }
  for (const s of sessions.range(now, Number.MAX_SAFE_INTEGER, { trackId: track.id, limit: 10_000 })) {
    if (s.origin.type !== "track" || s.status !== "scheduled" || keep.has(s.origin.occurrenceKey)) continue;
    const cancelled: Session = { ...s, status: "cancelled", version: s.version + 1, updatedAt: stamp };
    sessions.put(cancelled);
    counts.cancelled++;
    changed(s, cancelled);
  }
  return counts;
}
