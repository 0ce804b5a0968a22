import type { JoinRole } from "../../../schemas/join-token.ts";
import { log } from "../../lib/log.ts";
import type { AccountBudget } from "./account-budget.ts";
import type { RealtimeKitApi, RealtimeKitError } from "./api.ts";
import { callCost, type Enrolment, type EnrolmentCall, storedExpiry } from "./enrolment.ts";
import type { NameTag } from "./name-tag.ts";

/**
 * Runs RealtimeKit calls (enrolment.ts plans them) against the account's budget and the room's storage:
 * each call's cost is taken from the budget before it is sent; a removal kicks (when connected) then
 * deletes; a create whose answer was lost is looked up (`findMeeting`) before creating again; a refresh
 * answered not-found drops that enrolment so the next plan adds them again; a 429 blocks the budget
 * until its `Retry-After`. Every answer is written to the room in its own synchronous step. Times: ms.
 *
 * One participant per person: an addition is skipped for someone the room already holds, and when two
 * additions for one person were in flight together (a join racing the alarm), the room keeps the first
 * answer it records and queues the other's deletion in its provider-call outbox in that same step; the
 * caller that got the extra deletes it at once, and the outbox retries it if that fails.
 */

/** A stored enrolment: the plan's view plus the token a join hands out and the tag of the name it shows. */
export type StoredEnrolment = Enrolment & { token: string; nameTag: string | null };

/** What the room records, one change at a time (src/rooms/realtimekit-store.ts applies them). */
export type RtkChange =
  | { kind: "create-sent" }
  | { kind: "meeting"; meetingId: string }
  | { kind: "meeting-ended" }
  | {
      kind: "enrol";
      rtkParticipantId: string;
      preset: string;
      token: string;
      expiresAt: number;
      ttl: number | null;
      nameTag: string;
    }
  | { kind: "refreshed"; rtkParticipantId: string; token: string; expiresAt: number; ttl: number | null }
  | { kind: "renamed"; rtkParticipantId: string; nameTag: string; token: string | null; expiresAt: number }
  | { kind: "drop"; rtkParticipantId: string }
  /** An extra participant (see above) was deleted on RealtimeKit: its queued deletion is settled. */
  | { kind: "discarded"; rtkParticipantId: string };

/** The room's RealtimeKit state as one participant's join sees it. */
export interface RtkView {
  meetingId: string | null;
  meetingActive: boolean;
  /** A create was sent and its answer never recorded: look the meeting up before creating another. */
  createSent: boolean;
  enrolment: StoredEnrolment | null;
}

/** The room, read and written through (an RPC stub from the Worker, the store itself in the room). */
export interface RtkRoomSide {
  realtimeKit(participantId: string, change?: RtkChange): Promise<RtkView> | RtkView;
}

export interface RunDeps {
  api: RealtimeKitApi;
  budget: AccountBudget;
  room: RtkRoomSide;
  now: () => number;
  /** The call name to enrol someone under. */
  name: (participantId: string, role: JoinRole) => string;
  /** The tag the room keeps of that name (name-tag.ts). */
  tag: NameTag;
}

/** All calls went (each answered, one way or another), or stop and go on at `retryAt` (ms). */
export type RunOutcome = { done: true } | { done: false; retryAt: number };

/** A failure worth retrying soon (network, 5xx) waits this long. */
const RETRY_MS = 30_000;

/** Run `calls` in order; stops at the first the budget or the platform says must wait. */
export async function runCalls(calls: readonly EnrolmentCall[], d: RunDeps): Promise<RunOutcome> {
  for (const call of calls) {
    const outcome = await runOne(call, d);
    if (!outcome.done) return outcome;
  }
  return { done: true };
}

async function runOne(call: EnrolmentCall, d: RunDeps): Promise<RunOutcome> {
  if (call.kind === "create-meeting") return createMeeting(call.title, d);
  if (call.kind === "add") return addOne(call, d);
  const taken = await d.budget.take(callCost(call), d.now());
  if (!taken.ok) return { done: false, retryAt: taken.waitUntil };
  const sec = () => Math.floor(d.now() / 1000);
  switch (call.kind) {
    case "remove": {
      const view = await d.room.realtimeKit(call.participantId);
      if (!view.meetingId) return { done: true };
      if (call.kick) {
        const kicked = await d.api.kick(view.meetingId, [call.participantId]);
        if (!kicked.ok && kicked.reason !== "not-found") return failed(call.kind, kicked, d);
      }
      const r = await d.api.removeParticipant(view.meetingId, call.rtkParticipantId);
      if (!r.ok) return failed(call.kind, r, d);
      await d.room.realtimeKit(call.participantId, { kind: "drop", rtkParticipantId: call.rtkParticipantId });
      return { done: true };
    }
    case "refresh": {
      const view = await d.room.realtimeKit(call.participantId);
      if (!view.meetingId) return { done: true };
      const r = await d.api.refreshToken(view.meetingId, call.rtkParticipantId);
      const same = { rtkParticipantId: call.rtkParticipantId };
      if (!r.ok && r.reason === "not-found") {
        // Gone on RealtimeKit's side: the next plan (or this join) adds them again.
        await d.room.realtimeKit(call.participantId, { kind: "drop", ...same });
        return { done: true };
      }
      if (!r.ok) return failed(call.kind, r, d);
      const now = sec();
      const ttl = r.expiresAt === null ? null : r.expiresAt - now;
      await d.room.realtimeKit(call.participantId, {
        kind: "refreshed",
        ...same,
        token: r.token,
        expiresAt: storedExpiry(r.expiresAt, now),
        ttl,
      });
      return { done: true };
    }
    case "end-meeting": {
      const r = await d.api.deactivateMeeting(call.meetingId);
      if (!r.ok) return failed(call.kind, r, d);
      await d.room.realtimeKit("", { kind: "meeting-ended" });
      return { done: true };
    }
  }
}

/** The occurrence's meeting: looked up first when an earlier create's answer was lost, else created. */
async function createMeeting(title: string, d: RunDeps): Promise<RunOutcome> {
  const view = await d.room.realtimeKit("");
  if (view.meetingId) return { done: true };
  const call = { kind: "create-meeting", title } as const;
  if (view.createSent) {
    const taken = await d.budget.take(1, d.now());
    if (!taken.ok) return { done: false, retryAt: taken.waitUntil };
    const found = await d.api.findMeeting(title);
    if (!found.ok) return failed(call.kind, found, d);
    if (found.meetingId) {
      await d.room.realtimeKit("", { kind: "meeting", meetingId: found.meetingId });
      return { done: true };
    }
  }
  const taken = await d.budget.take(1, d.now());
  if (!taken.ok) return { done: false, retryAt: taken.waitUntil };
  await d.room.realtimeKit("", { kind: "create-sent" });
  const made = await d.api.createMeeting(title);
  if (!made.ok) return failed(call.kind, made, d);
  await d.room.realtimeKit("", { kind: "meeting", meetingId: made.meetingId });
  return { done: true };
}

/** Add someone the room does not hold yet; if another addition for them was recorded first, delete this one. */
async function addOne(call: Extract<EnrolmentCall, { kind: "add" }>, d: RunDeps): Promise<RunOutcome> {
  const view = await d.room.realtimeKit(call.participantId);
  // Enrolled since this was planned (a join ran first), or still held under another preset: nothing to add.
  if (!view.meetingId || view.enrolment) return { done: true };
  const taken = await d.budget.take(1, d.now());
  if (!taken.ok) return { done: false, retryAt: taken.waitUntil };
  const name = d.name(call.participantId, call.role);
  const r = await d.api.addParticipant(view.meetingId, {
    participantId: call.participantId,
    name,
    preset: call.preset,
  });
  if (!r.ok) return failed(call.kind, r, d);
  const now = Math.floor(d.now() / 1000);
  const nameTag = await d.tag(call.participantId, name);
  const after = await d.room.realtimeKit(call.participantId, {
    kind: "enrol",
    rtkParticipantId: r.participantId,
    preset: call.preset,
    token: r.token,
    expiresAt: storedExpiry(r.expiresAt, now),
    ttl: r.expiresAt === null ? null : r.expiresAt - now,
    nameTag,
  });
  if (after.enrolment?.rtkParticipantId !== r.participantId) {
    await discard(view.meetingId, call.participantId, r.participantId, d);
  }
  return { done: true };
}

/**
 * Delete an extra participant now: its token never left the room (the join hands out the kept one).
 * No kick: that goes by our id, which would disconnect the person's kept participant. A failure is
 * left to the room's outbox, which already holds this deletion; it never fails the addition.
 */
async function discard(meetingId: string, participantId: string, rtkParticipantId: string, d: RunDeps) {
  const taken = await d.budget.take(1, d.now());
  if (!taken.ok) return;
  const r = await d.api.removeParticipant(meetingId, rtkParticipantId);
  if (!r.ok) {
    await failed("discard", r, d);
    return;
  }
  await d.room.realtimeKit(participantId, { kind: "discarded", rtkParticipantId });
}

/** A 429 blocks the whole account; a retryable failure waits; anything else is logged and skipped. */
export async function failed(
  call: string,
  r: RealtimeKitError,
  d: Pick<RunDeps, "budget" | "now">,
): Promise<RunOutcome> {
  log("warn", "realtimekit.call.failed", { call, reason: r.reason, status: r.status ?? null });
  if (r.reason === "rate-limited") {
    const until = (r.retryAt ?? 0) * 1000 || d.now() + 300_000;
    await d.budget.block(until);
    return { done: false, retryAt: until };
  }
  return r.retry ? { done: false, retryAt: d.now() + RETRY_MS } : { done: true };
}
