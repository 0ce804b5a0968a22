import { DurableObject } from "cloudflare:workers";
import type { AuditEvent } from "../schemas/audit.ts";
import type { CalendarConfigInput } from "../schemas/calendar.ts";
import type { EnrollmentCreate, EnrollmentPatch, EnrollmentQuery } from "../schemas/enrollment.ts";
import type { ProgramCreate, ProgramPatch } from "../schemas/program.ts";
import type { Session, SessionCreate, SessionMove, SessionRange } from "../schemas/session.ts";
import type { TrackCreate, TrackPatch } from "../schemas/track.ts";
import { verifyChain } from "../src/audit/chain.ts";
import { CalendarBook, type CalendarDelivery } from "../src/calendar/book.ts";
import { CALENDAR_MIGRATIONS } from "../src/calendar/migrations.ts";
import type { WorkFilter, WorkResult } from "../src/calendar/work.ts";
import { workerConfig } from "../src/config/worker-config.ts";
import type { Ticket, Viewer } from "../src/directory/access.ts";
import { AUDIT_MIGRATIONS, AuditStore } from "../src/directory/audit-store.ts";
import { EnrollmentBook } from "../src/directory/enrollment-book.ts";
import { ENROLLMENT_MIGRATIONS, EnrollmentStore } from "../src/directory/enrollment-store.ts";
import { INVITE_MIGRATIONS, InviteStore } from "../src/directory/invite-store.ts";
import { PROGRAM_MIGRATIONS, ProgramStore } from "../src/directory/program-store.ts";
import { fail, type Result } from "../src/directory/result.ts";
import { SessionBook } from "../src/directory/session-book.ts";
import { SESSION_MIGRATIONS, SessionStore } from "../src/directory/session-store.ts";
import { SIGN_IN_MIGRATIONS, type SignInGrant, SignInStore } from "../src/directory/sign-in-store.ts";
import { TrackBook } from "../src/directory/track-book.ts";
import { TRACK_MIGRATIONS, TrackStore } from "../src/directory/track-store.ts";
import { setLogLevel } from "../src/lib/log.ts";
import { applyProgramPatch, newProgram, type PatchResult } from "../src/programs/settings.ts";
import type { RoomBinding } from "../src/rooms/binding.ts";
import { weeklyPlan } from "../src/schedule/hours.ts";
import { migrate } from "../src/storage/migrations.ts";

/**
 * One per program, addressed by the program id: settings, tracks, session occurrences and
 * enrollments, in SQLite. Each method validates and writes in one synchronous step, so caps on
 * enrollment and double-booking checks hold under concurrency.
 */
export class ProgramDirectory extends DurableObject<Env> {
  private readonly programs: ProgramStore;
  private readonly sessions: SessionStore;
  private readonly enrollments: EnrollmentStore;
  private readonly tracks: TrackStore;
  private readonly book: TrackBook;
  private readonly sessionBook: SessionBook;
  private readonly enrollmentBook: EnrollmentBook;
  private readonly invites: InviteStore;
  private readonly signIns: SignInStore;
  private readonly audit: AuditStore;
  private readonly calendar: CalendarBook;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    setLogLevel(workerConfig(env).logLevel);
    const sql = ctx.storage.sql;
    this.programs = new ProgramStore(sql);
    this.sessions = new SessionStore(sql);
    this.enrollments = new EnrollmentStore(sql);
    this.tracks = new TrackStore(sql);
    this.invites = new InviteStore(sql);
    this.book = new TrackBook(this.tracks, this.sessions);
    this.sessionBook = new SessionBook({
      programs: this.programs,
      sessions: this.sessions,
      enrollments: this.enrollments,
      tracks: this.tracks,
    });
    this.enrollmentBook = new EnrollmentBook({
      programs: this.programs,
      sessions: this.sessions,
      enrollments: this.enrollments,
      tracks: this.tracks,
      invites: this.invites,
    });
    this.signIns = new SignInStore(sql);
    this.audit = new AuditStore(sql);
    this.calendar = new CalendarBook(sql, {
      programs: this.programs,
      sessions: this.sessions,
      tracks: this.tracks,
      enrollments: this.enrollments,
    });
    ctx.blockConcurrencyWhile(async () => {
      migrate(sql, "program", PROGRAM_MIGRATIONS);
      migrate(sql, "tracks", TRACK_MIGRATIONS);
      migrate(sql, "sessions", SESSION_MIGRATIONS);
      migrate(sql, "enrollments", ENROLLMENT_MIGRATIONS);
      migrate(sql, "invites", INVITE_MIGRATIONS);
      migrate(sql, "audit", AUDIT_MIGRATIONS);
      migrate(sql, "calendar", CALENDAR_MIGRATIONS);
      migrate(sql, "sign-ins", SIGN_IN_MIGRATIONS);
    });
  }

  // ── programs ────────────────────────────────────────────────────────────

  /** Create the program this object holds; a second call returns `exists` and changes nothing. */
  createProgram(id: string, input: ProgramCreate, now: string): PatchResult | { ok: false; exists: true } {
    if (this.programs.get()) return { ok: false, exists: true };
    const result = newProgram(id, input, now);
    if (result.ok) this.programs.put(result.program);
    return result;
  }

  /** The program, or null when this id was never created. */
  getProgram() {
    return this.programs.get();
  }

  /** Apply a patch; null when the program does not exist. */
  updateProgram(patch: ProgramPatch, now: string): PatchResult | null {
    const current = this.programs.get();
    if (!current) return null;
    const result = applyProgramPatch(current, patch, now);
    if (result.ok) this.programs.put(result.program);
    return result;
  }

  // ── tracks ──────────────────────────────────────────────────────────────

  /** Create a track and materialise its sessions for the horizon. */
  createTrack(id: string, input: TrackCreate, now: number) {
    const program = this.programs.get();
    if (!program) return fail("not-found", "No such program.");
    return this.book.create(id, input, program, now);
  }

  /** Change a track; its future sessions follow. */
  updateTrack(id: string, patch: TrackPatch, now: number) {
    const program = this.programs.get();
    if (!program) return fail("not-found", "No such program.");
    return this.book.update(id, patch, program, now);
  }

  /** End a track: its future sessions are cancelled. */
  endTrack(id: string, now: number) {
    const program = this.programs.get();
    if (!program) return fail("not-found", "No such program.");
    return this.book.end(id, program, now);
  }

  /** One track with its weekly plan. */
  getTrack(id: string) {
    const program = this.programs.get();
    const track = this.tracks.get(id);
    return program && track ? { track, plan: this.book.plan(track, program) } : null;
  }

  /** Every track of the program. */
  listTracks() {
    return this.tracks.all();
  }

  /** Roll every active track's sessions forward (the cron calls this; running it twice creates nothing twice). */
  materialize(now: number) {
    const program = this.programs.get();
    const totals = { created: 0, moved: 0, cancelled: 0 };
    if (!program) return totals;
    for (const track of this.tracks.all()) {
      if (track.status !== "active") continue;
      const c = this.book.sync(track, program, now);
      totals.created += c.created;
      totals.moved += c.moved;
      totals.cancelled += c.cancelled;
    }
    return totals;
  }

  /** A client's scheduled week: their track plus individual and family sessions, against the minimum. */
  clientPlan(clientId: string, week: { start: number; end: number }) {
    const program = this.programs.get();
    if (!program) return null;
    const enrollment = this.enrollments.current(clientId);
    const track = enrollment?.status === "active" ? this.tracks.get(enrollment.trackId) : null;
    const individualMinutes = this.sessions
      .rangeForClient(clientId, week.start, week.end, 500)
      .filter((s) => s.kind !== "group" && s.status === "scheduled")
      .reduce((sum, s) => sum + (Date.parse(s.endsAt) - Date.parse(s.startsAt)) / 60_000, 0);
    return weeklyPlan({ tracks: track ? [track] : [], individualMinutes }, program.settings.minimumWeeklyHours);
  }

  // ── sessions ────────────────────────────────────────────────────────────

  /** Create an ad-hoc session; a facilitator already leading at that time is a conflict. */
  createSession(id: string, input: SessionCreate, now: string): Result<{ session: Session }> {
    return this.sessionBook.createSession(id, input, now);
  }

  /** Move a session; admins, or a facilitator of record. */
  moveSession(id: string, move: SessionMove, viewer: Viewer, now: string): Result<{ binding: RoomBinding }> {
    return this.sessionBook.moveSession(id, move, viewer, now);
  }

  /** Cancel a session (idempotent). */
  cancelSession(id: string, viewer: Viewer, now: string): Result<{ binding: RoomBinding }> {
    return this.sessionBook.cancelSession(id, viewer, now);
  }

  /** Sessions in a range: staff see all, a client only their own (and nobody else's ids). */
  listSessions(range: SessionRange, viewer: Viewer): Session[] {
    return this.sessionBook.listSessions(range, viewer);
  }

  /** One session as the viewer may see it; null when absent or not theirs. */
  viewSession(id: string, viewer: Viewer): Session | null {
    return this.sessionBook.viewSession(id, viewer);
  }

  /** A caller's ticket for a room action (src/directory/access.ts): checked fresh, so a discharge counts at once. */
  ticket(sessionId: string, viewer: Viewer, action: "join" | "manage"): Result<Ticket> {
    return this.sessionBook.ticket(sessionId, viewer, action);
  }

  /** A session's binding for system callers (webhooks, introspection, alarms): no caller to check. */
  roomBinding(sessionId: string): RoomBinding | null {
    return this.sessionBook.roomBinding(sessionId);
  }

  /** Bindings of the sessions starting in [from, to), for system callers matching a provider's room name. */
  roomBindingsBetween(from: number, to: number): RoomBinding[] {
    return this.sessionBook.roomBindingsBetween(from, to);
  }

  /** The clients expected at a session (listed ones, or the track's active clients that day): no-shows are counted against it. */
  expectedClients(sessionId: string): string[] | null {
    return this.sessionBook.expectedClients(sessionId);
  }

  /** Minutes of a client's scheduled (not cancelled) sessions starting in [from, to): what they can still attend. */
  scheduledMinutes(clientId: string, from: number, to: number): number {
    return this.sessionBook.scheduledMinutes(clientId, from, to);
  }

  /** Clients holding an active place, for the week's at-risk report. */
  activeClients(): string[] {
    return this.enrollments.allActive().map((e) => e.clientId);
  }

  // ── audit trail ─────────────────────────────────────────────────────────

  /** Append audit events to the program's hash chain (one synchronous step, so links never fork). */
  appendAudit(events: (AuditEvent & { at?: string })[], now: string): number {
    return this.audit.append(events, now);
  }

  /** A page of the audit trail and whether the whole chain still verifies (checked in full: the point of a chain). */
  auditPage(after: number, limit: number) {
    const entries = this.audit.page(after, limit);
    const all = this.audit.page(0, Number.MAX_SAFE_INTEGER);
    const brokenAt = verifyChain(all);
    const last = entries.at(-1);
    return {
      entries,
      next: last && entries.length === limit ? last.seq : null,
      chain: { valid: brokenAt === null, length: all.length, brokenAt },
    };
  }

  // ── calendar integrations (owned by src/calendar/; keep this section's methods thin) ──

  /** The calendar configuration as staff see it (the e-mail hash key only as a fingerprint); null without a program. */
  calendarConfig(now: number) {
    return this.calendar.view(now);
  }

  /** Replace the calendar configuration. */
  putCalendarConfig(input: CalendarConfigInput, now: number) {
    return this.calendar.put(input, now);
  }

  /** Keep only the keyed hash of an enrollment's e-mail, for calendar sources that name attendees by e-mail. */
  setEnrollmentEmail(enrollmentId: string, email: string, now: number) {
    return this.calendar.setEmail(enrollmentId, email, now);
  }

  /** What the Worker needs to normalise a delivery: the e-mail hash key, the channels and subscriptions owned. */
  calendarContext(now: number) {
    return this.calendar.context(now);
  }

  /** Apply a verified calendar delivery once (dedupe, ordering, occurrences) and queue its follow-up work. */
  ingestCalendar(delivery: CalendarDelivery, now: number) {
    return this.calendar.ingest(delivery, now);
  }

  /** Lease due calendar work (syncs, fetches, renewals); the cron passes `reconcile` to schedule the periodic ones. */
  claimCalendarWork(now: number, filter: WorkFilter) {
    return this.calendar.claim(now, filter);
  }

  /** Record what a Worker did with its lease: changes to apply, sync tokens, renewed channels and subscriptions. */
  completeCalendarWork(results: WorkResult[], now: number) {
    return this.calendar.complete(results, now);
  }

  // ── enrollments ─────────────────────────────────────────────────────────

  /** Enroll a client in a track; 409 when the track holds its cap of active clients. */
  createEnrollment(id: string, input: EnrollmentCreate, now: string) {
    return this.enrollmentBook.createEnrollment(id, input, now);
  }

  /** Change an enrollment's status or track; `dismiss` names the rooms open now that the client must leave. */
  updateEnrollment(id: string, patch: EnrollmentPatch, now: string) {
    return this.enrollmentBook.updateEnrollment(id, patch, now);
  }

  /** Store a new invite link's hash (earlier links stop working); it expires with the enrollment. */
  createInvite(enrollmentId: string, hash: string, now: number): Result<{ expiresAt: number }> {
    return this.enrollmentBook.createInvite(enrollmentId, hash, now);
  }

  /** The client an invite admits, while the link is live and the enrollment not discharged. */
  redeemInvite(enrollmentId: string, hash: string, now: number): { clientId: string; programId: string } | null {
    return this.enrollmentBook.redeemInvite(enrollmentId, hash, now);
  }

  /** Revoke an enrollment's invite links. */
  revokeInvites(enrollmentId: string): number {
    return this.enrollmentBook.revokeInvites(enrollmentId);
  }

  /** One enrollment. */
  getEnrollment(id: string) {
    return this.enrollmentBook.getEnrollment(id);
  }

  /** Enrollments of the program, filtered by track and status; null without a program. */
  listEnrollments(query: EnrollmentQuery) {
    return this.enrollmentBook.listEnrollments(query);
  }

  // ── one-time console sign-in (local development) ────────────────────────

  /** Store a one-time sign-in code's hash for a staff member of this program. */
  createSignIn(id: string, hash: string, grant: SignInGrant, expiresAt: number, now: number): Result<object> {
    if (!this.programs.get()) return fail("not-found", "No such program.");
    this.signIns.add(id, hash, grant, expiresAt, now);
    return { ok: true };
  }

  /** Spend a sign-in code once; null when unknown, expired or already used. */
  redeemSignIn(id: string, hash: string, now: number): SignInGrant | null {
    return this.signIns.redeem(id, hash, now);
  }
}
