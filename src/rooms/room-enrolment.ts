import type { WorkerConfig } from "../../schemas/config.ts";
import { callName } from "../tokens/call-name.ts";
import { roomName } from "../tokens/window.ts";
import type { AccountBudget } from "../video/realtimekit/account-budget.ts";
import { type RealtimeKitFetch, realtimeKitApi } from "../video/realtimekit/api.ts";
import { ENROLMENT_LEAD_SECONDS, type ExpectedParticipant, planEnrolment } from "../video/realtimekit/enrolment.ts";
import { runCalls } from "../video/realtimekit/enrolment-runner.ts";
import { nameTagger } from "../video/realtimekit/name-tag.ts";
import { joinBounds } from "./admission.ts";
import type { RoomBinding } from "./binding.ts";
import type { RealtimeKitStore } from "./realtimekit-store.ts";
import type { RoomStore } from "./room-store.ts";

/** What pre-enrolment reaches: the room's stores, RealtimeKit's account and budget, the program's directory. */
export interface EnrolmentDeps {
  store: RoomStore;
  rtk: RealtimeKitStore;
  config: WorkerConfig["realtimekit"];
  budget: () => AccountBudget | null;
  fetch: RealtimeKitFetch;
  /** The clients the occurrence expects (the directory's roomLookup); null when it could not be asked. */
  expected: (binding: RoomBinding) => Promise<string[] | null>;
  roomSecret: string;
}

/** Plans run back to back at most this often in one alarm: the first adds, the next ones refresh what is already due. */
const MAX_ROUNDS = 3;

/**
 * RealtimeKit pre-enrolment from the room's alarm: from two hours before the join window opens, the
 * occurrence's expected participants (facilitators, listed observers and family, the track's clients)
 * are added to its meeting within the account's budget, so the 09:00 rush only hands out stored tokens;
 * tokens are refreshed before they run out, people no longer expected are removed, and after the
 * window the meeting is made INACTIVE. Everyone is added under their alias: names live only in the
 * program's directory and reach a join alone, so where the program shows names the join renames the
 * participant once (src/video/realtimekit/join-credential.ts).
 */
export class RoomEnrolment {
  readonly #d: EnrolmentDeps;

  constructor(deps: EnrolmentDeps) {
    this.#d = deps;
  }

  /** When the alarm should run pre-enrolment next (ms), or null: not RealtimeKit, not configured, or done. */
  wakeAt(binding: RoomBinding): number | null {
    if (binding.settings.videoProvider !== "realtimekit" || !this.#d.config || !this.#d.budget()) return null;
    if (binding.session.status === "cancelled" || !this.#d.rtk.realtimeKit("").meetingActive) return null;
    const next = this.#d.rtk.nextRunAt();
    if (next !== undefined) return next;
    return joinBounds(binding.session, binding.settings).opensAt - ENROLMENT_LEAD_SECONDS * 1000;
  }

  /** Run what is due at `now` (ms); re-arming is the caller's (`wakeAt`). */
  async run(binding: RoomBinding, now: number): Promise<void> {
    const at = this.wakeAt(binding);
    const config = this.#d.config;
    const budget = this.#d.budget();
    if (at === null || at > now || !config || !budget) return;
    const clients = await this.#d.expected(binding);
    if (!clients) return this.#d.rtk.setNextRunAt(now + 60_000);
    const api = realtimeKitApi({ ...config, baseUrl: config.apiUrl, fetch: this.#d.fetch, now: () => now / 1000 });
    const deps = {
      api,
      budget,
      room: {
        realtimeKit: (id: string, change?: Parameters<RealtimeKitStore["realtimeKit"]>[1]) =>
          this.#d.rtk.realtimeKit(id, change, now),
      },
      now: () => now,
      name: (id: string, role: ExpectedParticipant["role"]) => callName(role, id, null),
      tag: nameTagger(this.#d.roomSecret),
    };
    const room = await roomName(binding.session.id, this.#d.roomSecret);
    const bounds = joinBounds(binding.session, binding.settings);
    const expected = expectedOf(binding, clients);
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const view = this.#d.rtk.realtimeKit("");
      const ttl = this.#d.rtk.tokenTtl();
      const plan = planEnrolment({
        room,
        meetingId: view.meetingId,
        meetingActive: view.meetingActive,
        expected,
        enrolled: this.#d.rtk.enrolments(),
        present: expected.map((e) => e.participantId).filter((id) => this.#d.store.connected(id)),
        window: { opensAt: Math.floor(bounds.opensAt / 1000), closesAt: Math.floor(bounds.closesAt / 1000) },
        now: Math.floor(now / 1000),
        ...(ttl !== undefined ? { tokenTtlSeconds: ttl } : {}),
      });
      const next = plan.nextRunAt === null ? null : plan.nextRunAt * 1000;
      if (plan.calls.length === 0) return this.#d.rtk.setNextRunAt(next);
      const outcome = await runCalls(plan.calls, deps);
      if (!outcome.done) return this.#d.rtk.setNextRunAt(Math.max(outcome.retryAt, now + 1000));
    }
    // Still calls to make after several rounds (e.g. refused adds): look again in a minute.
    this.#d.rtk.setNextRunAt(now + 60_000);
  }
}

/** Who the occurrence expects, with their roles: staff of record by the session, everyone else as client or family. */
export function expectedOf(binding: RoomBinding, clients: readonly string[]): ExpectedParticipant[] {
  const { facilitatorIds, observerIds = [], familyIds = [] } = binding.session;
  const family = new Set(familyIds);
  return [
    ...facilitatorIds.map((participantId) => ({ participantId, role: "facilitator" as const })),
    ...observerIds.map((participantId) => ({ participantId, role: "observer" as const })),
    ...clients.map((participantId) => ({
      participantId,
      role: family.has(participantId) ? ("family" as const) : ("client" as const),
    })),
  ];
}
