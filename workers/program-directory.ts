import { DurableObject } from "cloudflare:workers";
import type { AuditEvent } from "../schemas/audit.ts";
import type { CalendarConfigInput } from "../schemas/calendar.ts";
import type { FeedSubject } from "../schemas/calendar-feed.ts";
import type { EnrollmentCreate, EnrollmentPatch, EnrollmentQuery } from "../schemas/enrollment.ts";
import type { ProgramCreate, ProgramPatch } from "../schemas/program.ts";
import type { Ticket, Viewer } from "../schemas/room.ts";
import type { SessionCreate, SessionMove, SessionRange } from "../schemas/session.ts";
import type { SignInGrant } from "../schemas/sign-in.ts";
import type { TrackCreate, TrackPatch } from "../schemas/track.ts";
import type { CalendarDelivery } from "../src/calendar/book.ts";
import type { WorkFilter, WorkResult } from "../src/calendar/work.ts";
import { workerConfig } from "../src/config/worker-config.ts";
import { type DirectoryModules, migrateDirectory, openDirectory } from "../src/directory/open-directory.ts";
import { fail, type Result } from "../src/directory/result.ts";
import { setLogLevel } from "../src/lib/log.ts";

/**
 * One per program, addressed by the program id: settings, tracks, sessions, enrollments, invites,
 * the audit chain and calendar integrations, in SQLite. A thin façade: each method hands one
 * capability module (src/directory/*) its call, which checks and writes in one synchronous step,
 * so caps on enrollment and double-booking checks hold under concurrency.
 */
export class ProgramDirectory extends DurableObject<Env> {
  readonly #m: DirectoryModules;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    setLogLevel(workerConfig(env).logLevel);
    this.#m = openDirectory(ctx.storage.sql);
    ctx.blockConcurrencyWhile(async () => migrateDirectory(ctx.storage.sql));
  }

  /** Create the program this object holds; a second call returns `exists` and changes nothing. */
  createProgram(id: string, input: ProgramCreate, now: string) {
    return this.#m.program.create(id, input, now);
  }

  /** The program, or null when this id was never created. */
  getProgram() {
    return this.#m.programs.get();
  }

  /** Apply a patch to the settings; null when the program does not exist. */
  updateProgram(patch: ProgramPatch, now: string) {
    return this.#m.program.update(patch, now);
  }

  /** A client's scheduled week: their track plus individual and family sessions, against the minimum. */
  clientPlan(clientId: string, week: { start: number; end: number }) {
    return this.#m.program.clientPlan(clientId, week);
  }

  /** The week's clients for the at-risk report: enrolled ones, and anyone listed on a session that week. */
  weekClients(week: { start: number; end: number }) {
    return this.#m.program.weekClients(week);
  }

  /** Create a track and materialise its sessions for the horizon. */
  createTrack(id: string, input: TrackCreate, now: number) {
    return this.#m.tracks.create(id, input, now);
  }

  /** Change a track; its future sessions follow. */
  updateTrack(id: string, patch: TrackPatch, now: number) {
    return this.#m.tracks.update(id, patch, now);
  }

  /** End a track: its future sessions are cancelled. */
  endTrack(id: string, now: number) {
    return this.#m.tracks.end(id, now);
  }

  /** One track with its weekly plan. */
  getTrack(id: string) {
    return this.#m.tracks.view(id);
  }

  /** Every track of the program. */
  listTracks() {
    return this.#m.tracks.list();
  }

  /** Roll every active track's sessions forward (the cron calls this; running it twice creates nothing twice). */
  materialize(now: number) {
    return this.#m.tracks.syncAll(now);
  }

  /** Create an ad-hoc session; a facilitator already leading at that time is a conflict. */
  createSession(id: string, input: SessionCreate, now: string) {
    return this.#m.sessions.createSession(id, input, now);
  }

  /** Move a session; admins, or a facilitator of record. */
  moveSession(id: string, move: SessionMove, viewer: Viewer, now: string) {
    return this.#m.sessions.moveSession(id, move, viewer, now);
  }

  /** Cancel a session (idempotent). */
  cancelSession(id: string, viewer: Viewer, now: string) {
    return this.#m.sessions.cancelSession(id, viewer, now);
  }

  /** Sessions in a range: staff see all, a client only their own (and nobody else's ids). */
  listSessions(range: SessionRange, viewer: Viewer) {
    return this.#m.sessions.listSessions(range, viewer);
  }

  /** One session as the viewer may see it; null when absent or not theirs. */
  viewSession(id: string, viewer: Viewer) {
    return this.#m.sessions.viewSession(id, viewer);
  }

  /** A caller's ticket for a room action (src/directory/access.ts): checked fresh, so a discharge counts at once. */
  ticket(sessionId: string, viewer: Viewer, action: "join" | "manage"): Result<Ticket> {
    return this.#m.sessions.ticket(sessionId, viewer, action);
  }

  /** A session's binding for system callers (webhooks, introspection, alarms): no caller to check. */
  roomBinding(sessionId: string) {
    return this.#m.sessions.roomBinding(sessionId);
  }

  /** Bindings of the sessions starting in [from, to), for system callers matching a provider's room name. */
  roomBindingsBetween(from: number, to: number) {
    return this.#m.sessions.roomBindingsBetween(from, to);
  }

  /** A session's binding and the clients it expects (listed ones, or the track's active clients that day). */
  roomLookup(sessionId: string) {
    return this.#m.sessions.roomLookup(sessionId);
  }

  /** Minutes of a client's scheduled (not cancelled) sessions starting in [from, to): what they can still attend. */
  scheduledMinutes(clientId: string, from: number, to: number) {
    return this.#m.sessions.scheduledMinutes(clientId, from, to);
  }

  /** Enroll a client in a track; 409 when the track holds its cap of active clients. */
  createEnrollment(id: string, input: EnrollmentCreate, now: string) {
    return this.#m.enrollments.createEnrollment(id, input, now);
  }

  /** Change an enrollment's status or track; `dismiss` names the rooms open now that the client must leave. */
  updateEnrollment(id: string, patch: EnrollmentPatch, now: string) {
    return this.#m.enrollments.updateEnrollment(id, patch, now);
  }

  /** One enrollment. */
  getEnrollment(id: string) {
    return this.#m.enrollments.getEnrollment(id);
  }

  /** Enrollments of the program, filtered by track and status; null without a program. */
  listEnrollments(query: EnrollmentQuery) {
    return this.#m.enrollments.listEnrollments(query);
  }

  /** Store a new invite link's hash (earlier links stop working); it expires with the enrollment. */
  createInvite(enrollmentId: string, hash: string, now: number) {
    return this.#m.enrollments.createInvite(enrollmentId, hash, now);
  }

  /** The client an invite admits, while the link is live and the enrollment not discharged. */
  redeemInvite(enrollmentId: string, hash: string, now: number) {
    return this.#m.enrollments.redeemInvite(enrollmentId, hash, now);
  }

  /** Revoke an enrollment's invite links. */
  revokeInvites(enrollmentId: string) {
    return this.#m.enrollments.revokeInvites(enrollmentId);
  }

  /** Append audit events to the program's hash chain (one synchronous step, so links never fork). */
  appendAudit(events: (AuditEvent & { at?: string })[], now: string) {
    return this.#m.audit.append(events, now);
  }

  /** A page of the audit trail and whether the whole chain still verifies. */
  auditPage(after: number, limit: number) {
    return this.#m.audit.trail(after, limit);
  }

  /** The calendar configuration as staff see it (the e-mail hash key only as a fingerprint); null without a program. */
  calendarConfig(now: number) {
    return this.#m.calendar.view(now);
  }

  /** Replace the calendar configuration. */
  putCalendarConfig(input: CalendarConfigInput, now: number) {
    return this.#m.calendar.put(input, now);
  }

  /** Keep only the keyed hash of an enrollment's e-mail, for calendar sources that name attendees by e-mail. */
  setEnrollmentEmail(enrollmentId: string, email: string, now: number) {
    return this.#m.calendar.setEmail(enrollmentId, email, now);
  }

  /** What the Worker needs to normalise a delivery: the e-mail hash key, the channels and subscriptions owned. */
  calendarContext(now: number) {
    return this.#m.calendar.context(now);
  }

  /** Apply a verified calendar delivery once (dedupe, ordering, occurrences) and queue its follow-up work. */
  ingestCalendar(delivery: CalendarDelivery, now: number) {
    return this.#m.calendar.ingest(delivery, now);
  }

  /** Lease due calendar work (syncs, fetches, renewals); the cron passes `reconcile` to schedule the periodic ones. */
  claimCalendarWork(now: number, filter: WorkFilter) {
    return this.#m.calendar.claim(now, filter);
  }

  /** Record what a Worker did with its lease: changes to apply, sync tokens, renewed channels and subscriptions. */
  completeCalendarWork(results: WorkResult[], now: number) {
    return this.#m.calendar.complete(results, now);
  }

  /** Store a one-time sign-in code's hash for a staff member of this program. */
  createSignIn(id: string, hash: string, grant: SignInGrant, expiresAt: number, now: number): Result<object> {
    if (!this.#m.programs.get()) return fail("not-found", "No such program.");
    this.#m.signIns.add(id, hash, grant, expiresAt, now);
    return { ok: true };
  }

  /** Store a new private calendar feed's secret hash (the subject's earlier feed stops working). */
  createFeed(id: string, hash: string, subject: FeedSubject, now: number) {
    return this.#m.feeds.create(id, hash, subject, now);
  }

  /** Revoke a calendar feed. */
  revokeFeed(id: string, now: number) {
    return this.#m.feeds.revoke(id, now);
  }

  /** A live feed's calendar, for the subscriber holding its secret; null otherwise. */
  readFeed(id: string, hash: string, now: number, origin: string) {
    return this.#m.feeds.read(id, hash, now, origin);
  }

  /** Spend a sign-in code once; null when unknown, expired or already used. */
  redeemSignIn(id: string, hash: string, now: number) {
    return this.#m.signIns.redeem(id, hash, now);
  }
}
