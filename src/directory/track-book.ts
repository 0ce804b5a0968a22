import type { Program } from "../../schemas/program.ts";
import type { Session } from "../../schemas/session.ts";
import type { Track, TrackCreate, TrackPatch } from "../../schemas/track.ts";
import { isoInstant } from "../lib/clock.ts";
import { newChildId } from "../lib/ids.ts";
import { joinBounds } from "../rooms/admission.ts";
import type { RoomBinding } from "../rooms/binding.ts";
import { expandTrack, type Occurrence, occurrenceKey } from "../schedule/expand.ts";
import { scheduledWeeklyMinutes, type WeeklyPlan, weeklyPlan } from "../schedule/hours.ts";
import { trackPattern } from "../schedule/pattern.ts";
import { bindingOf } from "./access.ts";
import type { ProgramStore } from "./program-store.ts";
import { fail, type Result } from "./result.ts";
import type { SessionStore } from "./session-store.ts";
import type { TrackStore } from "./track-store.ts";

/** How far ahead occurrences exist as rows: at least four weeks, so clients see their month. */
export const HORIZON_MS = 35 * 86_400_000;

/** The rooms to rebind after a change. */
type Changed = { bindings: RoomBinding[] };

type Fields = Omit<Track, "id" | "programId" | "status" | "scheduledWeeklyMinutes" | "createdAt" | "updatedAt">;

/** What syncing a track's sessions did, and the rooms open now whose session changed (to rebind at once). */
export interface SyncCounts {
  created: number;
  moved: number;
  cancelled: number;
  bindings: RoomBinding[];
}

const NO_PROGRAM = fail("not-found", "No such program.");

/** Tracks and the sessions they materialise; pure decisions over the program's stores. */
export class TrackBook {
  readonly #programs: ProgramStore;
  readonly #tracks: TrackStore;
  readonly #sessions: SessionStore;

  constructor(programs: ProgramStore, tracks: TrackStore, sessions: SessionStore) {
    this.#programs = programs;
    this.#tracks = tracks;
    this.#sessions = sessions;
  }

  /** Create a track and its sessions for the horizon; a facilitator double-booked is a conflict. */
  create(id: string, input: TrackCreate, now: number): Result<{ track: Track; plan: WeeklyPlan } & Changed> {
    const program = this.#programs.get();
    if (!program) return NO_PROGRAM;
    const fields: Fields = {
      name: input.name,
      days: input.days ?? [],
      ...(input.rrule ? { rrule: input.rrule } : {}),
      startTime: input.startTime,
      endTime: input.endTime,
      startsOn: input.startsOn,
      ...(input.endsOn ? { endsOn: input.endsOn } : {}),
      groupCap: input.groupCap ?? program.settings.groupCapDefault,
      facilitatorIds: input.facilitatorIds,
      skipDates: input.skipDates ?? [],
      ...(input.exdates ? { exdates: input.exdates } : {}),
    };
    return this.#save(this.#build(id, program, fields, isoInstant(now), isoInstant(now)), program, now);
  }

  /** Change a track; future sessions follow (moved, added or cancelled), past ones stay as they were. */
  update(trackId: string, patch: TrackPatch, now: number): Result<{ track: Track; plan: WeeklyPlan } & Changed> {
    const program = this.#programs.get();
    if (!program) return NO_PROGRAM;
    const current = this.#tracks.get(trackId);
    if (!current) return fail("not-found", "No such track.");
    if (current.status === "ended") return fail("conflict", "The track has ended.");
    const { endsOn, ...rest } = patch;
    const merged: Fields = { ...current, ...rest };
    if (endsOn === null) delete merged.endsOn;
    else if (endsOn !== undefined) merged.endsOn = endsOn;
    if (patch.days && !patch.rrule) delete merged.rrule;
    if (patch.rrule) merged.days = [];
    return this.#save(this.#build(current.id, program, merged, current.createdAt, isoInstant(now)), program, now);
  }

  /** End a track: no new sessions; its future sessions are cancelled. */
  end(trackId: string, now: number): Result<{ track: Track } & Changed> {
    const program = this.#programs.get();
    if (!program) return NO_PROGRAM;
    const current = this.#tracks.get(trackId);
    if (!current) return fail("not-found", "No such track.");
    const track: Track = { ...current, status: "ended", updatedAt: isoInstant(now) };
    this.#tracks.put(track);
    return { ok: true, track, bindings: this.#sync(track, program, now).bindings };
  }

  /** One track with its weekly plan; null when absent. */
  view(trackId: string): { track: Track; plan: WeeklyPlan } | null {
    const program = this.#programs.get();
    const track = this.#tracks.get(trackId);
    return program && track ? { track, plan: this.#plan(track, program) } : null;
  }

  /** Every track of the program. */
  list(): Track[] {
    return this.#tracks.all();
  }

  /** Roll every active track's sessions forward (the cron; running it twice creates nothing twice). */
  syncAll(now: number): SyncCounts {
    const totals: SyncCounts = { created: 0, moved: 0, cancelled: 0, bindings: [] };
    const program = this.#programs.get();
    if (!program) return totals;
    for (const track of this.#tracks.all()) {
      if (track.status !== "active") continue;
      const c = this.#sync(track, program, now);
      totals.created += c.created;
      totals.moved += c.moved;
      totals.cancelled += c.cancelled;
      totals.bindings.push(...c.bindings);
    }
    return totals;
  }

  /** Store a built track unless a facilitator would be double-booked, then bring its sessions in line. */
  #save(
    built: Result<{ track: Track }>,
    program: Program,
    now: number,
  ): Result<{ track: Track; plan: WeeklyPlan } & Changed> {
    if (!built.ok) return built;
    const clash = this.#clash(built.track, program, now);
    if (clash) return clash;
    this.#tracks.put(built.track);
    const { bindings } = this.#sync(built.track, program, now);
    return { ok: true, track: built.track, plan: this.#plan(built.track, program), bindings };
  }

  /**
   * Bring the track's future sessions in line with its rule for the rolling horizon. Idempotent:
   * each date has one origin key, so running it twice creates nothing twice.
   */
  #sync(track: Track, program: Program, now: number): SyncCounts {
    const window = { from: now, to: now + HORIZON_MS };
    const pattern = trackPattern({ ...track, days: track.days });
    const wanted: Occurrence[] =
      track.status === "active" && pattern.ok ? expandTrack(pattern.pattern, program.timezone, window) : [];
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
      const existing = this.#sessions.byOrigin(`track:${key}`);
      if (!existing) {
        this.#sessions.put(this.#occurrence(track, program, occ, key, stamp));
        counts.created++;
      } else if (existing.status === "scheduled") {
        const moved = existing.startsAt !== occ.startsAt || existing.endsAt !== occ.endsAt;
        const next: Session = {
          ...existing,
          startsAt: occ.startsAt,
          endsAt: occ.endsAt,
          cap: track.groupCap,
          facilitatorIds: track.facilitatorIds,
          version: moved ? existing.version + 1 : existing.version,
          updatedAt: moved ? stamp : existing.updatedAt,
        };
        if (JSON.stringify(next) !== JSON.stringify(existing)) {
          this.#sessions.put(next);
          if (moved) counts.moved++;
          changed(existing, next);
        }
      }
    }
    for (const s of this.#sessions.range(now, Number.MAX_SAFE_INTEGER, { trackId: track.id, limit: 10_000 })) {
      if (s.origin.type !== "track" || s.status !== "scheduled" || keep.has(s.origin.occurrenceKey)) continue;
      const cancelled: Session = { ...s, status: "cancelled", version: s.version + 1, updatedAt: stamp };
      this.#sessions.put(cancelled);
      counts.cancelled++;
      changed(s, cancelled);
    }
    return counts;
  }

  /** The scheduled hours of a track against the program's weekly minimum. */
  #plan(track: Track, program: Program): WeeklyPlan {
    return weeklyPlan({ tracks: [track], individualMinutes: 0 }, program.settings.minimumWeeklyHours);
  }

  #build(id: string, program: Program, f: Fields, createdAt: string, updatedAt: string): Result<{ track: Track }> {
    if (f.groupCap > program.settings.groupCapMax) {
      return fail("invalid-request", "The cap exceeds the program's maximum.", {
        errors: [{ path: "groupCap", message: `must not exceed ${program.settings.groupCapMax}` }],
      });
    }
    if (f.endTime <= f.startTime) {
      return fail("invalid-request", "The track ends before it starts.", {
        errors: [{ path: "endTime", message: "must be after startTime on the same day" }],
      });
    }
    if (f.endsOn !== undefined && f.endsOn < f.startsOn) {
      return fail("invalid-request", "The track ends before it starts.", {
        errors: [{ path: "endsOn", message: "must not be before startsOn" }],
      });
    }
    const pattern = trackPattern({ ...f, days: f.days.length ? f.days : undefined });
    if (!pattern.ok) {
      return fail("invalid-request", "The schedule is invalid.", {
        errors: [{ path: pattern.field, message: pattern.reason }],
      });
    }
    const track: Track = {
      id,
      programId: program.id,
      ...f,
      days: [...pattern.pattern.days],
      status: "active",
      scheduledWeeklyMinutes: scheduledWeeklyMinutes(pattern.pattern),
      createdAt,
      updatedAt,
    };
    return { ok: true, track };
  }

  #clash(track: Track, program: Program, now: number) {
    const pattern = trackPattern({ ...track, days: track.days.length && !track.rrule ? track.days : undefined });
    if (!pattern.ok) return null;
    for (const occ of expandTrack(pattern.pattern, program.timezone, { from: now, to: now + HORIZON_MS })) {
      const own = this.#sessions.byOrigin(`track:${occurrenceKey(track.id, occ.localDate)}`);
      const clash = this.#sessions.facilitatorClash(
        track.facilitatorIds,
        Date.parse(occ.startsAt),
        Date.parse(occ.endsAt),
        own?.id,
      );
      if (clash) {
        return fail("conflict", `A facilitator already leads a session on ${occ.localDate} at that time.`, {
          extras: { sessionId: clash, localDate: occ.localDate },
        });
      }
    }
    return null;
  }

  #occurrence(track: Track, program: Program, occ: Occurrence, key: string, stamp: string): Session {
    return {
      id: newChildId("ses", program.id),
      programId: program.id,
      trackId: track.id,
      kind: "group",
      status: "scheduled",
      startsAt: occ.startsAt,
      endsAt: occ.endsAt,
      localDate: occ.localDate,
      cap: track.groupCap,
      facilitatorIds: track.facilitatorIds,
      clientIds: [],
      familyIds: [],
      observerIds: [],
      origin: { type: "track", occurrenceKey: key },
      version: 1,
      createdAt: stamp,
      updatedAt: stamp,
    };
  }
}
