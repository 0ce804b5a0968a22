import { DurableObject } from "cloudflare:workers";
import type { AuditCall, AuditEvent } from "../schemas/audit.ts";
import type { CalendarConfigInput } from "../schemas/calendar/integration.ts";
import type { FeedSubject } from "../schemas/calendar-feed.ts";
import type { EnrollmentCreate, EnrollmentPatch, EnrollmentQuery } from "../schemas/enrollment.ts";
import type { EventType } from "../schemas/events.ts";
import type { ProgramCreate, ProgramPatch } from "../schemas/program.ts";
import type { Viewer } from "../schemas/room.ts";
import type { SessionCreate, SessionMove, SessionRange } from "../schemas/session.ts";
import type { SignInGrant } from "../schemas/sign-in.ts";
import type { TrackCreate, TrackPatch } from "../schemas/track.ts";
import type { WebhookDelivery } from "../src/calendar/ingest-webhook.ts";
import { ingestWebhook } from "../src/calendar/ingest-webhook.ts";
import type { SecretOp } from "../src/calendar/integration-secrets.ts";
import { enrollmentChange, says } from "../src/directory/audit-says.ts";
import { type DirectoryModules, openDirectory } from "../src/directory/open-directory.ts";
import type { NameGiven } from "../src/directory/people-book.ts";
import { type Said, SYSTEM } from "../src/directory/recorder.ts";

/**
 * One per program, in SQLite. A thin façade: each method hands one module (src/directory/*) its call, which checks
 * and writes in one step (caps hold under concurrency) with its audit entry (recorder.ts, via #r); `who` is the caller.
 */
export class ProgramDirectory extends DurableObject<Env> {
  readonly #m: DirectoryModules;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#m = openDirectory(ctx, env);
  }

  #r<T>(who: AuditCall, now: string | number, result: T, say: (r: T) => Said | null): T {
    return this.#m.record.call(who, now, result, say);
  }

  /** Create the program this object holds; a second call returns `exists` and changes nothing. */
  createProgram(id: string, input: ProgramCreate, now: string, who = SYSTEM) {
    return this.#r(who, now, this.#m.program.create(id, input, now), says.programCreate(id));
  }

  getProgram() {
    return this.#m.programs.get();
  }

  /** Apply a patch to the settings; null when the program does not exist. */
  updateProgram(patch: ProgramPatch, now: string, who = SYSTEM) {
    return this.#r(who, now, this.#m.program.update(patch, now), says.programUpdate(patch));
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
  createTrack(id: string, input: TrackCreate, now: number, who = SYSTEM) {
    return this.#r(who, now, this.#m.tracks.create(id, input, now), says.trackCreate(id, input.kind ?? "group"));
  }

  updateTrack(id: string, patch: TrackPatch, now: number, who = SYSTEM) {
    return this.#r(who, now, this.#m.tracks.update(id, patch, now), says.trackUpdate(id, patch));
  }

  endTrack(id: string, now: number, who = SYSTEM) {
    return this.#r(who, now, this.#m.tracks.end(id, now), says.trackEnd(id));
  }

  getTrack(id: string) {
    return this.#m.tracks.view(id);
  }

  listTracks() {
    return this.#m.tracks.list();
  }

  /** Roll every active track's sessions forward (the cron calls this; running it twice creates nothing twice). */
  materialize(now: number) {
    return this.#m.tracks.syncAll(now);
  }

  /** Create an ad-hoc session; a facilitator already leading at that time is a conflict. */
  createSession(id: string, input: SessionCreate, now: string, who = SYSTEM) {
    return this.#r(who, now, this.#m.sessions.createSession(id, input, now), says.sessionCreate(id, input.kind));
  }

  moveSession(id: string, move: SessionMove, viewer: Viewer, now: string, who = SYSTEM) {
    return this.#r(who, now, this.#m.sessions.moveSession(id, move, viewer, now), says.sessionMove(id));
  }

  cancelSession(id: string, viewer: Viewer, now: string, who = SYSTEM) {
    return this.#r(who, now, this.#m.sessions.cancelSession(id, viewer, now), says.sessionCancel(id));
  }

  /** Sessions in a range: staff see all, a client only their own (and nobody else's ids). */
  listSessions(range: SessionRange, viewer: Viewer) {
    return this.#m.sessions.listSessions(range, viewer);
  }

  /** One session as the viewer may see it; null when absent or not theirs. */
  viewSession(id: string, viewer: Viewer) {
    return this.#m.sessions.viewSession(id, viewer);
  }

  /** A caller's ticket for a room action, checked fresh; a join's names its video credential (people-book.ts). */
  ticket(sessionId: string, viewer: Viewer, action: "join" | "manage", named?: NameGiven) {
    return this.#m.people.ticket(this.#m.sessions.ticket(sessionId, viewer, action), viewer.sub, action, named);
  }

  /** Staff name a person, or with null clear their name; the entry names the subject only. */
  setDisplayName(subjectId: string, name: string | null, now: string, who = SYSTEM) {
    return this.#r(who, now, this.#m.people.setByStaff(subjectId, name, now), says.personName(subjectId, !name));
  }

  displayNames(ids: string[]) {
    return this.#m.people.names(ids);
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
  createEnrollment(id: string, input: EnrollmentCreate, now: string, who = SYSTEM) {
    return this.#r(who, now, this.#m.enrollments.createEnrollment(id, input, now), says.enrollmentCreate(id));
  }

  /** Change an enrollment's status or track; `dismiss` names the rooms open now that the client must leave. */
  updateEnrollment(id: string, patch: EnrollmentPatch, now: string, who = SYSTEM) {
    const said = says.enrollmentUpdate(id, enrollmentChange(this.#m.enrollments.getEnrollment(id)?.status, patch));
    return this.#r(who, now, this.#m.enrollments.updateEnrollment(id, patch, now), said);
  }

  getEnrollment(id: string) {
    return this.#m.enrollments.getEnrollment(id);
  }

  listEnrollments(query: EnrollmentQuery) {
    return this.#m.enrollments.listEnrollments(query);
  }

  /** Store a new invite link's hash (earlier links stop working); it expires with the enrollment. */
  createInvite(id: string, hash: string, now: number, who = SYSTEM) {
    return this.#r(who, now, this.#m.enrollments.createInvite(id, hash, now), says.inviteCreate(id));
  }

  /** The client an invite admits (the exchange recorded), while the link is live and the enrollment not discharged. */
  redeemInvite(id: string, hash: string, now: number, who = SYSTEM) {
    return this.#r(who, now, this.#m.enrollments.redeemInvite(id, hash, now), says.inviteExchange(id));
  }

  revokeInvites(enrollmentId: string, now: number, who = SYSTEM) {
    return this.#r(who, now, this.#m.enrollments.revokeInvites(enrollmentId), says.inviteRevoke(enrollmentId));
  }

  /** Append audit events to the program's hash chain (one synchronous step, so links never fork). */
  appendAudit(events: (AuditEvent & { at?: string })[], now: string) {
    return this.#m.record.append(events, now);
  }

  /** A page of the trail, verified from the nearest signed checkpoint (`full`: the start); the read is recorded. */
  async auditPage(after: number, limit: number, now: number, who: AuditCall, full = false) {
    const page = await this.#m.trail.read(after, limit, full);
    return this.#r(who, now, page, says.auditRead(after, page.chain.valid));
  }

  checkpointAudit() {
    return this.#m.trail.checkpoint();
  }

  /** The calendar configuration as staff see it (the e-mail hash key only as a fingerprint); null without a program. */
  calendarConfig(now: number) {
    return this.#m.calendar.view(now);
  }

  /** Replace the calendar configuration. */
  putCalendarConfig(input: CalendarConfigInput, now: number, who = SYSTEM) {
    return this.#r(who, now, this.#m.calendar.put(input, now), says.integration());
  }

  /** Keep only the keyed hash of an enrollment's e-mail, for calendar sources that name attendees by e-mail. */
  setEnrollmentEmail(enrollmentId: string, email: string, now: number, who = SYSTEM) {
    return this.#r(who, now, this.#m.calendar.setEmail(enrollmentId, email, now), says.enrollmentEmail(enrollmentId));
  }

  /** Integration secrets, ciphertext only (src/calendar/secret-crypto.ts): list, add or revoke. */
  integrationSecrets(op: SecretOp, now: number, who = SYSTEM) {
    return this.#r(who, now, this.#m.secrets.change(op, now), says.integrationSecret(op));
  }

  /** Receive a calendar delivery whole (verify, normalise, dedupe, apply, audit) in one call; see ingest-webhook.ts. */
  receiveCalendarWebhook(delivery: WebhookDelivery, now: number, requestId?: string) {
    return ingestWebhook(delivery, this.#m.calendarWing, now, requestId);
  }

  /** The cron's calendar turn: list the periodic syncs and renewals, and arm the alarm that runs them. */
  scheduleCalendarFollowUps(now: number) {
    return this.#m.calendarWing.schedule(now);
  }

  /** Outbound events go to the relay first; then calendar follow-up work, one item at a time. */
  override alarm() {
    return this.#m.alarm();
  }

  /** The event types the program's endpoints want: the relay sets them after every endpoint change; the cron reads them. */
  subscribeEvents(types?: EventType[]) {
    return this.#m.events.subscribe(types);
  }

  /** Store a one-time sign-in code's hash for a staff member of this program. */
  createSignIn(id: string, code: { hash: string; grant: SignInGrant; expiresAt: number }, now: number, who = SYSTEM) {
    const made = this.#m.signIns.create(id, code, now, this.#m.programs);
    return this.#r(who, now, made, says.signInCreate(id, code.grant.role));
  }

  /** Store a new private calendar feed's secret hash (the subject's earlier feed stops working). */
  createFeed(id: string, hash: string, subject: FeedSubject, now: number, who = SYSTEM) {
    return this.#r(who, now, this.#m.feeds.create(id, hash, subject, now), says.feedCreate(id, subject.type));
  }

  revokeFeed(id: string, now: number, who = SYSTEM) {
    return this.#r(who, now, this.#m.feeds.revoke(id, now), says.feedRevoke(id));
  }

  /** A live feed's calendar, for the subscriber holding its secret (recorded as their read); null otherwise. */
  readFeed(id: string, hash: string, now: number, origin: string, who = SYSTEM) {
    return this.#r(who, now, this.#m.feeds.read(id, hash, now, origin), says.feedRead(id));
  }

  /** Spend a sign-in code once (the exchange recorded); null when unknown, expired or already used. */
  redeemSignIn(id: string, hash: string, now: number, who = SYSTEM) {
    return this.#r(who, now, this.#m.signIns.redeem(id, hash, now), says.signInExchange(id));
  }
}
