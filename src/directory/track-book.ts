import type { Program } from "../../schemas/program.ts";
import type { Track, TrackCreate, TrackPatch } from "../../schemas/track.ts";
import { isoInstant } from "../lib/clock.ts";
import type { RoomBinding } from "../rooms/binding.ts";
import { type WeeklyPlan, weeklyPlan } from "../schedule/hours.ts";
import type { EnrollmentStore } from "./enrollment-store.ts";
import type { ProgramStore } from "./program-store.ts";
import { fail, type Result } from "./result.ts";
import { seriesClash } from "./series-clash.ts";
import type { SessionStore } from "./session-store.ts";
import { buildTrack, fieldsOfCreate, fieldsOfPatch } from "./track-fields.ts";
import { type SyncCounts, syncTrack } from "./track-occurrences.ts";
import type { TrackStore } from "./track-store.ts";

export type { SyncCounts };

/** The rooms to rebind after a change. */
type Changed = { bindings: RoomBinding[] };

/** The stores a program's series are kept in. */
export interface TrackBookStores {
  programs: ProgramStore;
  tracks: TrackStore;
  sessions: SessionStore;
  enrollments: EnrollmentStore;
}

const NO_PROGRAM = fail("not-found", "No such program.");

/**
 * A program's series — group tracks and individual or family series — and the sessions they
 * materialise (src/directory/track-occurrences.ts). Each call checks and writes synchronously.
 */
export class TrackBook {
  readonly #s: TrackBookStores;

  constructor(stores: TrackBookStores) {
    this.#s = stores;
  }

  /** Create a series and its sessions for the horizon; a double-booking is a conflict. */
  create(id: string, input: TrackCreate, now: number): Result<{ track: Track; plan: WeeklyPlan } & Changed> {
    const program = this.#s.programs.get();
    if (!program) return NO_PROGRAM;
    const stamp = isoInstant(now);
    const built = buildTrack(id, program, fieldsOfCreate(input, program), { createdAt: stamp, updatedAt: stamp });
    return built.ok ? this.#save(built.track, program, now) : built;
  }

  /** Change a series; its future sessions follow (moved, added or cancelled), past ones stay as they were. */
  update(trackId: string, patch: TrackPatch, now: number): Result<{ track: Track; plan: WeeklyPlan } & Changed> {
    const program = this.#s.programs.get();
    if (!program) return NO_PROGRAM;
    const current = this.#s.tracks.get(trackId);
    if (!current) return fail("not-found", "No such track.");
    if (current.status === "ended") return fail("conflict", "The track has ended.");
    const merged = fieldsOfPatch(current, patch);
    if (!merged.ok) return merged;
    const stamps = { createdAt: current.createdAt, updatedAt: isoInstant(now) };
    const built = buildTrack(current.id, program, merged.fields, stamps);
    return built.ok ? this.#save(built.track, program, now) : built;
  }

  /** End a series: no new sessions; its future sessions are cancelled. */
  end(trackId: string, now: number): Result<{ track: Track } & Changed> {
    const program = this.#s.programs.get();
    if (!program) return NO_PROGRAM;
    const current = this.#s.tracks.get(trackId);
    if (!current) return fail("not-found", "No such track.");
    const track: Track = { ...current, status: "ended", updatedAt: isoInstant(now) };
    this.#s.tracks.put(track);
    return { ok: true, track, bindings: syncTrack(track, program, this.#s.sessions, now).bindings };
  }

  /** One series with its weekly plan; null when absent. */
  view(trackId: string): { track: Track; plan: WeeklyPlan } | null {
    const program = this.#s.programs.get();
    const track = this.#s.tracks.get(trackId);
    return program && track ? { track, plan: plan(track, program) } : null;
  }

  /** Every series of the program. */
  list(): Track[] {
    return this.#s.tracks.all();
  }

  /** Would enrolling `clientId` in this group track double-book them (an individual or family series at the same time)? */
  enrollmentClash(trackId: string, clientId: string, now: number) {
    const program = this.#s.programs.get();
    const track = this.#s.tracks.get(trackId);
    return program && track ? seriesClash(track, program, this.#s, now, { clients: [clientId] }) : null;
  }

  /** Roll every active series' sessions forward (the cron; running it twice creates nothing twice). */
  syncAll(now: number): SyncCounts {
    const totals: SyncCounts = { created: 0, moved: 0, cancelled: 0, bindings: [] };
    const program = this.#s.programs.get();
    if (!program) return totals;
    for (const track of this.#s.tracks.all()) {
      if (track.status !== "active") continue;
      const c = syncTrack(track, program, this.#s.sessions, now);
      totals.created += c.created;
      totals.moved += c.moved;
      totals.cancelled += c.cancelled;
      totals.bindings.push(...c.bindings);
    }
    return totals;
  }

  /** Store a built series unless someone would be double-booked, then bring its sessions in line. */
  #save(track: Track, program: Program, now: number): Result<{ track: Track; plan: WeeklyPlan } & Changed> {
    const clash = seriesClash(track, program, this.#s, now);
    if (clash) return clash;
    this.#s.tracks.put(track);
    const { bindings } = syncTrack(track, program, this.#s.sessions, now);
    return { ok: true, track, plan: plan(track, program), bindings };
  }
}

/** The scheduled hours of a series against the program's weekly minimum. */
function plan(track: Track, program: Program): WeeklyPlan {
  return weeklyPlan({ tracks: [track], individualMinutes: 0 }, program.settings.minimumWeeklyHours);
}
