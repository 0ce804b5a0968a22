import type { WorkerConfig } from "../../../schemas/config.ts";
import { log } from "../../lib/log.ts";
import type { MintRequest } from "../mint-request.ts";
import type { AccountBudget } from "./account-budget.ts";
import { presetFor, type RealtimeKitFetch, type RealtimeKitPresets, realtimeKitApi } from "./api.ts";
import { type EnrolmentCall, joinAction, storedExpiry } from "./enrolment.ts";
import {
  failed,
  type RtkRoomSide,
  type RtkView,
  type RunDeps,
  runCalls,
  type StoredEnrolment,
} from "./enrolment-runner.ts";
import { nameTagger } from "./name-tag.ts";

/** How long a client is told to wait when RealtimeKit's budget or API said wait (the join answers 503). */
export const REALTIMEKIT_RETRY_AFTER_SECONDS = 10;

/**
 * The participant token for an admitted join (the room already decided the seat): the room's stored
 * token while it stays valid five more minutes (pre-enrolment put it there, room-enrolment.ts), else
 * one refresh, else the occurrence's meeting if needed and one Add Participant with the role's preset;
 * every call taken from the account's budget first, every answer stored in the room. `null` when the
 * budget or RealtimeKit said wait: the join answers 503 and the seat stays (the next join is a rejoin).
 */
export async function realtimeKitToken(
  room: RtkRoomSide,
  config: NonNullable<WorkerConfig["realtimekit"]>,
  budget: AccountBudget,
  req: MintRequest,
  roomSecret: string,
  fetchFn: RealtimeKitFetch = (url, init) => fetch(url, init),
): Promise<string | null> {
  const now = () => req.now * 1000;
  const api = realtimeKitApi({ ...config, baseUrl: config.apiUrl, fetch: fetchFn, now: () => req.now });
  const side: RtkRoomSide = { realtimeKit: (id, change) => room.realtimeKit(id, change) };
  const deps: RunDeps = { api, budget, room: side, now, name: () => req.callName, tag: nameTagger(roomSecret) };
  const token = await joinToken(deps, req);
  if (!token) log("warn", "realtimekit.join.failed", { role: req.grant.role });
  return token;
}

/**
 * The join's token: the stored one, a refreshed one, or (never enrolled, or gone) one from a new Add
 * Participant, which may turn out to be the extra of a race with the alarm: the room then keeps the
 * first, and this join hands that one out. Then the name: pre-enrolment adds everyone under their
 * alias, so where the program shows names the join renames the participant once (`renamed` below).
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
  if (action.kind === "refresh") {
    const outcome = await runCalls([{ kind: "refresh", participantId, rtkParticipantId: action.rtkParticipantId }], d);
    if (!outcome.done) return null;
    view = await d.room.realtimeKit(participantId);
  }
  if (!usable(view)) {
    const calls: EnrolmentCall[] = [];
    // A role change: the old participant (another preset) goes before the new one is added.
    if (view.enrolment) {
      calls.push({ kind: "remove", participantId, rtkParticipantId: view.enrolment.rtkParticipantId, kick: true });
    }
    if (!view.meetingId) calls.push({ kind: "create-meeting", title: room });
    calls.push({ kind: "add", participantId, role, preset });
    const outcome = await runCalls(calls, d);
    if (!outcome.done) return null;
    view = await d.room.realtimeKit(participantId);
  }
  const kept = usable(view);
  if (!kept || !view.meetingId) return null;
  const shown = await renamed(d, view.meetingId, participantId, kept, d.name(participantId, role), usable);
  return shown && shown.tokenExpiresAt * 1000 > d.now() ? shown.token : null;
}

/**
 * The enrolment under the name this join gives: unchanged when the room's tag of the name RealtimeKit
 * shows matches, else after one Edit Participant call (whose answer's token, when it carries one, is
 * kept as a refresh). Null when the budget or RealtimeKit says wait (the join answers 503 rather than
 * show a name the program's setting no longer gives), or when RealtimeKit lost the participant (dropped,
 * so the next join adds them again). A refusal that would repeat is logged and the token handed out.
 */
async function renamed(
  d: RunDeps,
  meetingId: string,
  participantId: string,
  e: StoredEnrolment,
  name: string,
  usable: (v: RtkView) => StoredEnrolment | undefined,
): Promise<StoredEnrolment | null> {
  const nameTag = await d.tag(participantId, name);
  if (e.nameTag === nameTag) return e;
  const taken = await d.budget.take(1, d.now());
  if (!taken.ok) return null;
  const r = await d.api.renameParticipant(meetingId, e.rtkParticipantId, name);
  const same = { rtkParticipantId: e.rtkParticipantId };
  if (!r.ok && r.reason === "not-found") {
    await d.room.realtimeKit(participantId, { kind: "drop", ...same });
    return null;
  }
  if (!r.ok) return (await failed("rename", r, d)).done ? e : null;
  const expiresAt = r.token === null ? e.tokenExpiresAt : storedExpiry(r.expiresAt, Math.floor(d.now() / 1000));
  const view = await d.room.realtimeKit(participantId, {
    kind: "renamed",
    ...same,
    nameTag,
    token: r.token,
    expiresAt,
  });
  return usable(view) ?? null;
}
