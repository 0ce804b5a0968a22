import type { Enrollment, EnrollmentCreate, EnrollmentPatch, EnrollmentQuery } from "../../schemas/enrollment.ts";
import { roomsToDismiss } from "./access.ts";
import type { EnrollmentStore } from "./enrollment-store.ts";
import { changeEnrollment, enroll, type TrackFacts } from "./enrollments.ts";
import type { InviteStore } from "./invite-store.ts";
import type { PeopleStore } from "./people-store.ts";
import type { ProgramStore } from "./program-store.ts";
import { fail, type Result } from "./result.ts";
import { seriesClash } from "./series-clash.ts";
import type { SessionStore } from "./session-store.ts";
import type { TrackStore } from "./track-store.ts";

/** The stores enrollments and their invite links are read and written through. */
export interface EnrollmentBookStores {
  programs: ProgramStore;
  sessions: SessionStore;
  enrollments: EnrollmentStore;
  tracks: TrackStore;
  invites: InviteStore;
  people: PeopleStore;
}

/**
 * A program's enrollments and their lifecycle (cap-checked enrolment, step-down, discharge,
 * transfer) and the invite links that belong to them. Synchronous, so caps hold under concurrency.
 */
export class EnrollmentBook {
  readonly #s: EnrollmentBookStores;

  constructor(stores: EnrollmentBookStores) {
    this.#s = stores;
  }

  /** Enroll a client in a track; 409 when the track holds its cap of active clients. */
  createEnrollment(id: string, input: EnrollmentCreate, now: string) {
    const program = this.#s.programs.get();
    if (!program) return fail("not-found", "No such program.");
    const result = enroll(input, {
      id,
      programId: program.id,
      now,
      track: this.trackFacts(input.trackId),
      current: this.#s.enrollments.current(input.clientId),
    });
    if (!result.ok) return result;
    const clash = this.#clash(input.trackId, input.clientId, now);
    if (clash) return clash;
    this.#s.enrollments.put(result.enrollment);
    if (input.displayName) this.#s.people.put(input.clientId, input.displayName, "staff", now);
    return { ...result, enrollment: this.#named(result.enrollment) };
  }

  /**
   * Change an enrollment's status or track. Discharge takes effect for every later check at once;
   * `dismiss` names the rooms open now that the client must leave (the caller tells them).
   */
  updateEnrollment(id: string, patch: EnrollmentPatch, now: string) {
    const current = this.#s.enrollments.get(id);
    if (!current) return fail("not-found", "No such enrollment.");
    const result = changeEnrollment(current, patch, { now, target: this.trackFacts(patch.trackId ?? current.trackId) });
    if (!result.ok) return result;
    const next = result.enrollment;
    const joins = next.status === "active" && (current.status !== "active" || next.trackId !== current.trackId);
    const clash = joins ? this.#clash(next.trackId, next.clientId, now) : null;
    if (clash) return clash;
    this.#s.enrollments.put(result.enrollment);
    if (patch.displayName) this.#s.people.put(next.clientId, patch.displayName, "staff", now);
    if (patch.displayName === null) this.#s.people.delete(next.clientId);
    if (result.enrollment.status === "discharged") this.#s.invites.revokeAll(id);
    const program = this.#s.programs.get();
    const at = Date.parse(now);
    const around = this.#s.sessions.range(at - 86_400_000, at + 86_400_000, { limit: 500 });
    const dismiss = program ? roomsToDismiss(program, current, result.enrollment, around, at) : [];
    return { ...result, enrollment: this.#named(result.enrollment), dismiss };
  }

  /** Store a new invite link's hash (earlier links stop working); it expires with the enrollment. */
  createInvite(enrollmentId: string, hash: string, now: number): Result<{ expiresAt: number }> {
    const e = this.#s.enrollments.get(enrollmentId);
    if (!e) return fail("not-found", "No such enrollment.");
    if (e.status === "discharged") return fail("conflict", "The client was discharged.");
    const cap = now + 16 * 7 * 86_400_000;
    const end = e.endsOn ? Date.parse(`${e.endsOn}T23:59:59Z`) + 86_400_000 : cap;
    const expiresAt = Math.min(cap, end);
    if (expiresAt <= now) return fail("conflict", "The enrollment has ended.");
    this.#s.invites.add(hash, enrollmentId, expiresAt, now);
    return { ok: true, expiresAt };
  }

  /** The client an invite admits, while the link is live and the enrollment not discharged. */
  redeemInvite(enrollmentId: string, hash: string, now: number): { clientId: string; programId: string } | null {
    const found = this.#s.invites.find(hash, now);
    const e = found === enrollmentId ? this.#s.enrollments.get(enrollmentId) : null;
    return e && e.status !== "discharged" ? { clientId: e.clientId, programId: e.programId } : null;
  }

  /** Revoke an enrollment's invite links. */
  revokeInvites(enrollmentId: string): number {
    return this.#s.invites.revokeAll(enrollmentId);
  }

  /** One enrollment, with the client's display name (staff read enrollments). */
  getEnrollment(id: string) {
    const e = this.#s.enrollments.get(id);
    return e ? this.#named(e) : null;
  }

  /** Enrollments of the program, filtered by track and status, with names; null without a program. */
  listEnrollments(query: EnrollmentQuery) {
    if (!this.#s.programs.get()) return null;
    const list = this.#s.enrollments.list(query);
    const names = new Map(this.#s.people.many(list.map((e) => e.clientId)).map((p) => [p.subjectId, p.displayName]));
    return list.map((e) => ({ ...e, displayName: names.get(e.clientId) ?? null }));
  }

  /** The enrollment as staff see it: with the client's name, or null. */
  #named(e: Enrollment): Enrollment {
    return { ...e, displayName: this.#s.people.get(e.clientId)?.displayName ?? null };
  }

  /** A client taking a place in a group track must not be due elsewhere at its times (their individual or family series). */
  #clash(trackId: string, clientId: string, now: string) {
    const program = this.#s.programs.get();
    const track = this.#s.tracks.get(trackId);
    if (!program || !track) return null;
    return seriesClash(track, program, this.#s, Date.parse(now), { clients: [clientId] });
  }

  /** What enrolling needs to know of a track: its kind, cap and how many active clients it holds. */
  trackFacts(trackId: string): TrackFacts | null {
    const track = this.#s.tracks.get(trackId);
    if (!track) return null;
    return {
      id: track.id,
      kind: track.kind,
      cap: track.groupCap,
      status: track.status,
      activeCount: this.#s.enrollments.activeCount(trackId),
    };
  }
}
