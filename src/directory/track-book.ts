import type { Program } from "../../schemas/program.ts";
import type { Session } from "../../schemas/session.ts";
import type { Track, TrackCreate, TrackPatch } from "../../schemas/track.ts";
import { isoInstant } from "../lib/clock.ts";
import { newChildId } from "../lib/ids.ts";
import { expandTrack, type Occurrence, occurrenceKey } from "../schedule/expand.ts";
import { scheduledWeeklyMinutes, type WeeklyPlan, weeklyPlan } from "../schedule/hours.ts";
import { trackPattern } from "../schedule/pattern.ts";
import { fail, type Result } from "./result.ts";
import type { SessionStore } from "./session-store.ts";
import type { TrackStore } from "./track-store.ts";

/** How far ahead occurrences exist as rows: at least four weeks, so clients see their month. */
export const HORIZON_MS = 35 * 86_400_000;

type Fields = Omit<Track, "id" | "programId" | "status" | "scheduledWeeklyMinutes" | "createdAt" | "updatedAt">;

/** Tracks and the sessions they materialise; pure decisions over the program's stores. */
export class TrackBook {
  private readonly tracks: TrackStore;
  private readonly sessions: SessionStore;

  constructor(tracks: TrackStore, sessions: SessionStore) {
    this.tracks = tracks;
    this.sessions = sessions;
  }

  /** Create a track and its sessions for the horizon; a facilitator double-booked is a conflict. */
  create(id: string, input: TrackCreate, program: Program, now: number): Result<{ track: Track; plan: WeeklyPlan }> {
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
    return this.save(this.build(id, program, fields, isoInstant(now), isoInstant(now)), program, now);
  }

  /** Change a track; future sessions follow (moved, added or cancelled), past ones stay as they were. */
  update(
    trackId: string,
    patch: TrackPatch,
    program: Program,
    now: number,
  ): Result<{ track: Track; plan: WeeklyPlan }> {
    const current = this.tracks.get(trackId);
    if (!current) return fail("not-found", "No such track.");
    if (current.status === "ended") return fail("conflict", "The track has ended.");
    const { endsOn, ...rest } = patch;
    const merged: Fields = { ...current, ...rest };
    if (endsOn === null) delete merged.endsOn;
    else if (endsOn !== undefined) merged.endsOn = endsOn;
    if (patch.days && !patch.rrule) delete merged.rrule;
    if (patch.rrule) merged.days = [];
    return this.save(this.build(current.id, program, merged, current.createdAt, isoInstant(now)), program, now);
  }

  /** Store a built track unless a facilitator would be double-booked, then bring its sessions in line. */
  private save(
    built: Result<{ track: Track }>,
    program: Program,
    now: number,
  ): Result<{ track: Track; plan: WeeklyPlan }> {
    if (!built.ok) return built;
    const clash = this.clash(built.track, program, now);
    if (clash) return clash;
    this.tracks.put(built.track);
    this.sync(built.track, program, now);
    return { ok: true, track: built.track, plan: this.plan(built.track, program) };
  }

  /** End a track: no new sessions; its future sessions are cancelled. */
  end(trackId: string, program: Program, now: number): Result<{ track: Track }> {
    const current = this.tracks.get(trackId);
    if (!current) return fail("not-found", "No such track.");
    const track: Track = { ...current, status: "ended", updatedAt: isoInstant(now) };
    this.tracks.put(track);
    this.sync(track, program, now);
    return { ok: true, track };
  }

  /**
   * Bring the track's future sessions in line with its rule for the rolling horizon. Idempotent:
   * each date has one origin key, so running it twice creates nothing twice.
   */
  sync(track: Track, program: Program, now: number): { created: number; moved: number; cancelled: number } {
    const window = { from: now, to: now + HORIZON_MS };
    const pattern = trackPattern({ ...track, days: track.days });
    const wanted: Occurrence[] =
      track.status === "active" && pattern.ok ? expandTrack(pattern.pattern, program.timezone, window) : [];
    const keep = new Set<string>();
    const stamp = isoInstant(now);
    const counts = { created: 0, moved: 0, cancelled: 0 };
    for (const occ of wanted) {
      const key = occurrenceKey(track.id, occ.localDate);
      keep.add(key);
      const existing = this.sessions.byOrigin(`track:${key}`);
      if (!existing) {
        this.sessions.put(this.occurrence(track, program, occ, key, stamp));
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
          this.sessions.put(next);
          if (moved) counts.moved++;
        }
      }
    }
    for (const s of this.sessions.range(now, Number.MAX_SAFE_INTEGER, { trackId: track.id, limit: 10_000 })) {
      if (s.origin.type !== "track" || s.status !== "scheduled" || keep.has(s.origin.occurrenceKey)) continue;
      this.sessions.put({ ...s, status: "cancelled", version: s.version + 1, updatedAt: stamp });
      counts.cancelled++;
    }
    return counts;
  }

  /** The scheduled hours of a track against the program's weekly minimum. */
  plan(track: Track, program: Program): WeeklyPlan {
    return weeklyPlan({ tracks: [track], individualMinutes: 0 }, program.settings.minimumWeeklyHours);
  }

  private build(
    id: string,
    program: Program,
    f: Fields,
    createdAt: string,
    updatedAt: string,
  ): Result<{ track: Track }> {
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

  private clash(track: Track, program: Program, now: number) {
    const pattern = trackPattern({ ...track, days: track.days.length && !track.rrule ? track.days : undefined });
    if (!pattern.ok) return null;
    for (const occ of expandTrack(pattern.pattern, program.timezone, { from: now, to: now + HORIZON_MS })) {
      const own = this.sessions.byOrigin(`track:${occurrenceKey(track.id, occ.localDate)}`);
      const clash = this.sessions.facilitatorClash(
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

  private occurrence(track: Track, program: Program, occ: Occurrence, key: string, stamp: string): Session {
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
