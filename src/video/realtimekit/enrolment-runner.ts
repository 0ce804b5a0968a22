import type { JoinRole } from "../../../schemas/join-token.ts";
import { log } from "../../lib/log.ts";
import type { MintRequest } from "../mint-request.ts";
import type { AccountBudget } from "./account-budget.ts";
import { presetFor, type RealtimeKitApi, type RealtimeKitError, type RealtimeKitPresets } from "./api.ts";
import { callCost, type Enrolment, type EnrolmentCall, joinAction, storedExpiry } from "./enrolment.ts";

/**
 * Runs RealtimeKit calls (enrolment.ts plans them) against the account's budget and the room's storage:
 * each call's cost is taken from the budget before it is sent; a removal kicks (when connected) then
 * deletes; a create whose answer was lost is looked up (`findMeeting`) before creating again; a refresh
 * answered not-found drops that enrolment so the next plan adds them again; a 429 blocks the budget
 * until its `Retry-After`. Every answer is written to the room in its own synchronous step. Times: ms.
 */

/** A stored enrolment: the plan's view plus the token a join hands out. */
export type StoredEnrolment = Enrolment & { token: string };

/** What the room records, one change at a time (src/rooms/realtimekit-store.ts applies them). */
export type RtkChange =
  | { kind: "create-sent" }
  | { kind: "meeting"; meetingId: string }
  | { kind: "meeting-ended" }
  | { kind: "enrol"; rtkParticipantId: string; preset: string; token: string; expiresAt: number; ttl: number | null }
  | { kind: "refreshed"; token: string; expiresAt: number; ttl: number | null }
  | { kind: "drop" };

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
  const taken = await d.budget.take(callCost(call), d.now());
  if (!taken.ok) return { done: false, retryAt: taken.waitUntil };
  const sec = () => Math.floor(d.now() / 1000);
  switch (call.kind) {
    case "remove": {
      const view = await d.room.realtimeKit(call.participantId);
      if (!view.meetingId) return { done: true };
      if (call.kick) {
        const kicked = await d.api.kick(view.meetingId, [call.participantId]);
        if (!kicked.ok && kicked.reason !== "not-found") return failed(call, kicked, d);
      }
      const r = await d.api.removeParticipant(view.meetingId, call.rtkParticipantId);
      if (!r.ok) return failed(call, r, d);
      await d.room.realtimeKit(call.participantId, { kind: "drop" });
      return { done: true };
    }
    case "add": {
      const view = await d.room.realtimeKit(call.participantId);
      if (!view.meetingId) return { done: true };
      const who = {
        participantId: call.participantId,
        name: d.name(call.participantId, call.role),
        preset: call.preset,
      };
      const r = await d.api.addParticipant(view.meetingId, who);
      if (!r.ok) return failed(call, r, d);
      const now = sec();
      const ttl = r.expiresAt === null ? null : r.expiresAt - now;
      const expiresAt = storedExpiry(r.expiresAt, now);
      const change = { kind: "enrol", rtkParticipantId: r.participantId, preset: call.preset, token: r.token } as const;
      await d.room.realtimeKit(call.participantId, { ...change, expiresAt, ttl });
      return { done: true };
    }
    case "refresh": {
      const view = await d.room.realtimeKit(call.participantId);
      if (!view.meetingId) return { done: true };
      const r = await d.api.refreshToken(view.meetingId, call.rtkParticipantId);
      if (!r.ok && r.reason === "not-found") {
        // Gone on RealtimeKit's side: the next plan (or this join) adds them again.
        await d.room.realtimeKit(call.participantId, { kind: "drop" });
        return { done: true };
      }
      if (!r.ok) return failed(call, r, d);
      const now = sec();
      const ttl = r.expiresAt === null ? null : r.expiresAt - now;
      await d.room.realtimeKit(call.participantId, {
        kind: "refreshed",
        token: r.token,
        expiresAt: storedExpiry(r.expiresAt, now),
        ttl,
      });
      return { done: true };
    }
    case "end-meeting": {
      const r = await d.api.deactivateMeeting(call.meetingId);
      if (!r.ok) return failed(call, r, d);
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
    if (!found.ok) return failed(call, found, d);
    if (found.meetingId) {
      await d.room.realtimeKit("", { kind: "meeting", meetingId: found.meetingId });
      return { done: true };
    }
  }
  const taken = await d.budget.take(1, d.now());
  if (!taken.ok) return { done: false, retryAt: taken.waitUntil };
  await d.room.realtimeKit("", { kind: "create-sent" });
  const made = await d.api.createMeeting(title);
  if (!made.ok) return failed(call, made, d);
  await d.room.realtimeKit("", { kind: "meeting", meetingId: made.meetingId });
  return { done: true };
}

/** A 429 blocks the whole account; a retryable failure waits; anything else is logged and skipped. */
async function failed(call: EnrolmentCall, r: RealtimeKitError, d: RunDeps): Promise<RunOutcome> {
  log("warn", "realtimekit.call.failed", { call: call.kind, reason: r.reason, status: r.status ?? null });
  if (r.reason === "rate-limited") {
    const until = (r.retryAt ?? 0) * 1000 || d.now() + 300_000;
    await d.budget.block(until);
    return { done: false, retryAt: until };
  }
  return r.retry ? { done: false, retryAt: d.now() + RETRY_MS } : { done: true };
}

/**
 * The token for an admitted join (the room already decided the seat): the stored one while it stays
 * valid five more minutes, else one refresh, else (never enrolled, or gone) the meeting if needed and
 * one Add Participant with the role's preset. Null when the budget or RealtimeKit says wait.
 */
export async function joinToken(
  d: RunDeps,
  req: MintRequest,
  presets?: Partial<RealtimeKitPresets>,
): Promise<string | null> {
  const { sub: participantId, role, room } = req.grant;
  const preset = presetFor(role, presets);
  const usable = (v: RtkView) => (v.enrolment && v.enrolment.preset === preset ? v.enrolment : undefined);
  let view = await d.room.realtimeKit(participantId);
  if (view.meetingId && !view.meetingActive) return null;
  const action = joinAction(usable(view), Math.floor(d.now() / 1000));
  if (action.kind === "reuse") return usable(view)?.token ?? null;
  if (action.kind === "refresh") {
    const outcome = await runCalls([{ kind: "refresh", participantId, rtkParticipantId: action.rtkParticipantId }], d);
    if (!outcome.done) return null;
    view = await d.room.realtimeKit(participantId);
    if (usable(view)) return fresh(usable(view), d);
  }
  const calls: EnrolmentCall[] = [];
  // A role change: the old participant (another preset) goes before the new one is added.
  if (view.enrolment && !usable(view)) {
    calls.push({ kind: "remove", participantId, rtkParticipantId: view.enrolment.rtkParticipantId, kick: true });
  }
  if (!view.meetingId) calls.push({ kind: "create-meeting", title: room });
  calls.push({ kind: "add", participantId, role, preset });
  const outcome = await runCalls(calls, d);
  if (!outcome.done) return null;
  return fresh(usable(await d.room.realtimeKit(participantId)), d);
}

function fresh(e: StoredEnrolment | undefined, d: RunDeps): string | null {
  return e && e.tokenExpiresAt * 1000 > d.now() ? e.token : null;
}
