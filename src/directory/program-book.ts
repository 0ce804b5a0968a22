import type { ProgramCreate, ProgramPatch } from "../../schemas/program.ts";
import { applyProgramPatch, newProgram, type PatchResult } from "../programs/settings.ts";
import { type WeeklyPlan, weeklyPlan } from "../schedule/hours.ts";
import type { EnrollmentStore } from "./enrollment-store.ts";
import type { ProgramStore } from "./program-store.ts";
import type { SessionStore } from "./session-store.ts";
import type { TrackStore } from "./track-store.ts";

/** The stores a program's own record and its clients' weekly plans are read through. */
export interface ProgramBookStores {
  programs: ProgramStore;
  sessions: SessionStore;
  enrollments: EnrollmentStore;
  tracks: TrackStore;
}

/** The program itself: creation, settings, and what each client is scheduled for in a week. */
export class ProgramBook {
  readonly #s: ProgramBookStores;

  constructor(stores: ProgramBookStores) {
    this.#s = stores;
  }

  /** Create the program this directory holds; a second call returns `exists` and changes nothing. */
  create(id: string, input: ProgramCreate, now: string): PatchResult | { ok: false; exists: true } {
    if (this.#s.programs.get()) return { ok: false, exists: true };
    const result = newProgram(id, input, now);
    if (result.ok) this.#s.programs.put(result.program);
    return result;
  }

  /** Apply a patch; null when the program does not exist. */
  update(patch: ProgramPatch, now: string): PatchResult | null {
    const current = this.#s.programs.get();
    if (!current) return null;
    const result = applyProgramPatch(current, patch, now);
    if (result.ok) this.#s.programs.put(result.program);
    return result;
  }

  /** A client's scheduled week: their track plus individual and family sessions, against the minimum. */
  clientPlan(clientId: string, week: { start: number; end: number }): WeeklyPlan | null {
    const program = this.#s.programs.get();
    if (!program) return null;
    const enrollment = this.#s.enrollments.current(clientId);
    const track = enrollment?.status === "active" ? this.#s.tracks.get(enrollment.trackId) : null;
    const individualMinutes = this.#s.sessions
      .overlapping(week.start, week.end, { clientId, limit: 500 })
      .filter((s) => s.kind !== "group" && s.status === "scheduled")
      .reduce((sum, s) => sum + (Date.parse(s.endsAt) - Date.parse(s.startsAt)) / 60_000, 0);
    return weeklyPlan({ tracks: track ? [track] : [], individualMinutes }, program.settings.minimumWeeklyHours);
  }

  /** The week's clients for the at-risk report: those holding a place, and anyone listed on a session that week. */
  weekClients(week: { start: number; end: number }): string[] {
    const enrolled = this.#s.enrollments.allActive().map((e) => e.clientId);
    return [...new Set([...enrolled, ...this.#s.sessions.listedClients(week.start, week.end)])].sort();
  }
}
