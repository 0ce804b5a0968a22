import type { JoinRole } from "../../../schemas/join-token.ts";
import { presetFor, type RealtimeKitPresets } from "./api.ts";

/**
 * Pre-enrolment of one occurrence on RealtimeKit, as a plan. RealtimeKit cannot sign tokens offline: each
 * participant is added to the meeting by a call that returns their token, and the account has 3,500 calls
 * per five minutes. So the room's alarm (or the cron) adds an occurrence's expected participants ahead of
 * its join window, refreshes tokens that would run out before the window ends instead of adding anyone
 * twice, and removes whoever is no longer expected. A join then reuses the stored token, or refreshes it.
 * Times are seconds since the epoch. Pure: the caller runs the calls, each taken from the budget first.
 */

/** Enrolment starts this long before the join window opens: long enough to spread a rush, short enough to be current. */
export const ENROLMENT_LEAD_SECONDS = 2 * 3600;
/** A token counts as running out this long before its `exp`: clock skew and the time a join takes. */
export const TOKEN_MARGIN_SECONDS = 60;
/** A join reuses a stored token still valid for this long; a shorter one is refreshed first. */
export const JOIN_VALIDITY_SECONDS = 300;
/** RealtimeKit documents no token lifetime: a token without `exp` is assumed to last this long. */
export const ASSUMED_TOKEN_TTL_SECONDS = 3600;

/** Someone the occurrence expects, by opaque id. */
export interface ExpectedParticipant {
  participantId: string;
  role: JoinRole;
}

/** What the room stored after adding someone: RealtimeKit's participant id, the preset, the token's expiry. */
export interface Enrolment {
  rtkParticipantId: string;
  preset: string;
  tokenExpiresAt: number;
}

/** Everything the plan is made from. */
export interface EnrolmentState {
  /** The opaque room name, which is the meeting's title. */
  room: string;
  meetingId: string | null;
  /** False once the meeting was made `INACTIVE`. */
  meetingActive: boolean;
  expected: readonly ExpectedParticipant[];
  /** By opaque participant id. */
  enrolled: Readonly<Record<string, Enrolment>>;
  /** Who is connected now, so removing them also disconnects them. */
  present?: readonly string[];
  /** The join window: from when participants may join until the session is over. */
  window: { opensAt: number; closesAt: number };
  now: number;
  presets?: Partial<RealtimeKitPresets>;
  /** A fresh token's lifetime as last observed (`exp` minus the time it was issued); unknown when absent. */
  tokenTtlSeconds?: number;
  leadSeconds?: number;
}

/** One call to make, in the order given. */
export type EnrolmentCall =
  | { kind: "remove"; participantId: string; rtkParticipantId: string; kick: boolean }
  | { kind: "create-meeting"; title: string }
  | { kind: "add"; participantId: string; role: JoinRole; preset: string }
  | { kind: "refresh"; participantId: string; rtkParticipantId: string }
  | { kind: "end-meeting"; meetingId: string };

/** The calls, what they cost from the budget, and when to plan again (null: nothing more to do). */
export interface EnrolmentPlan {
  calls: EnrolmentCall[];
  cost: number;
  nextRunAt: number | null;
}

/** What a join needs before its token can be handed out. */
export type JoinAction = { kind: "reuse" } | { kind: "refresh"; rtkParticipantId: string } | { kind: "add" };

const ROLE_ORDER: Record<JoinRole, number> = { facilitator: 0, client: 1, family: 2, observer: 3 };

/** API calls one planned call makes: a removal of someone connected kicks them, then deletes them. */
export function callCost(call: EnrolmentCall): number {
  return call.kind === "remove" && call.kick ? 2 : 1;
}

/**
 * The calls that bring RealtimeKit in line with who is expected, in this order: removals first (a
 * revocation should not wait behind anyone's enrolment), the meeting if there is none, additions
 * (facilitators first), then refreshes, soonest expiry first. After the window, one call ends the meeting.
 */
export function planEnrolment(state: EnrolmentState): EnrolmentPlan {
  const { now, window } = state;
  if (now >= window.closesAt) {
    const calls: EnrolmentCall[] =
      state.meetingId && state.meetingActive ? [{ kind: "end-meeting", meetingId: state.meetingId }] : [];
    return finish(calls, null);
  }
  const startAt = window.opensAt - (state.leadSeconds ?? ENROLMENT_LEAD_SECONDS);
  if (now < startAt) return finish([], startAt);

  const expected = new Map<string, { role: JoinRole; preset: string }>();
  for (const e of state.expected) {
    if (!expected.has(e.participantId)) {
      expected.set(e.participantId, { role: e.role, preset: presetFor(e.role, state.presets) });
    }
  }
  // Enrolments belong to a meeting: with none (never made, or lost), nobody is enrolled yet.
  const enrolled = new Map(state.meetingId ? Object.entries(state.enrolled) : []);
  const present = new Set(state.present ?? []);
  const removals: EnrolmentCall[] = [];
  const refreshes: { call: EnrolmentCall; expiresAt: number }[] = [];
  let nextRunAt = window.closesAt;
  for (const [participantId, e] of [...enrolled].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const want = expected.get(participantId);
    // A role change is a removal and an addition: the preset is the participant's permissions.
    if (!want || want.preset !== e.preset) {
      removals.push({
        kind: "remove",
        participantId,
        rtkParticipantId: e.rtkParticipantId,
        kick: present.has(participantId),
      });
      continue;
    }
    const due = refreshDue(e.tokenExpiresAt, state);
    if (due === null) continue;
    if (due <= now) {
      refreshes.push({
        call: { kind: "refresh", participantId, rtkParticipantId: e.rtkParticipantId },
        expiresAt: e.tokenExpiresAt,
      });
    } else {
      nextRunAt = Math.min(nextRunAt, due);
    }
  }
  const additions = [...expected.entries()]
    .filter(([id, want]) => enrolled.get(id)?.preset !== want.preset)
    .sort(([a, x], [b, y]) => ROLE_ORDER[x.role] - ROLE_ORDER[y.role] || (a < b ? -1 : 1))
    .map(([participantId, want]): EnrolmentCall => ({ kind: "add", participantId, ...want }));
  const create: EnrolmentCall[] = state.meetingId ? [] : [{ kind: "create-meeting", title: state.room }];
  const calls = [
    ...removals,
    ...create,
    ...additions,
    ...refreshes.sort((a, b) => a.expiresAt - b.expiresAt).map((r) => r.call),
  ];
  return finish(calls, nextRunAt);
}

/**
 * When a stored token should be refreshed, or null when it never needs to be: it lasts the window, or a
 * fresh one would last no longer. As late as possible: just before it runs out, or from the moment a
 * fresh token would last to the window's end, whichever is first.
 */
export function refreshDue(
  tokenExpiresAt: number,
  state: Pick<EnrolmentState, "window" | "tokenTtlSeconds">,
): number | null {
  const needed = state.window.closesAt + TOKEN_MARGIN_SECONDS;
  if (tokenExpiresAt >= needed) return null;
  const ttl = state.tokenTtlSeconds;
  if (ttl === undefined) return Number.NEGATIVE_INFINITY;
  const at = Math.min(tokenExpiresAt - TOKEN_MARGIN_SECONDS, needed - ttl);
  // Refreshing at `at` yields a token expiring at `at + ttl`; no later than the current one is no gain.
  return at + ttl > tokenExpiresAt + TOKEN_MARGIN_SECONDS ? at : null;
}

/** What an admitted join needs: the stored token, a refreshed one, or (never enrolled) an addition. */
export function joinAction(enrolment: Enrolment | undefined, now: number): JoinAction {
  if (!enrolment) return { kind: "add" };
  if (enrolment.tokenExpiresAt >= now + JOIN_VALIDITY_SECONDS) return { kind: "reuse" };
  return { kind: "refresh", rtkParticipantId: enrolment.rtkParticipantId };
}

/** The expiry to store for a token: its own `exp`, else the assumed lifetime from `now`. */
export function storedExpiry(expiresAt: number | null, now: number, assumedTtl = ASSUMED_TOKEN_TTL_SECONDS): number {
  return expiresAt ?? now + assumedTtl;
}

function finish(calls: EnrolmentCall[], nextRunAt: number | null): EnrolmentPlan {
  return { calls, cost: calls.reduce((n, c) => n + callCost(c), 0), nextRunAt };
}
