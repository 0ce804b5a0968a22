import type { Principal } from "../../schemas/auth.ts";
import type { DirectoryClient } from "../directory/client.ts";
import { type Failure, fail, type Result } from "../directory/result.ts";
import type { Clock } from "../lib/clock.ts";
import { isoInstant } from "../lib/clock.ts";
import { log } from "../lib/log.ts";
import { issueProviderToken, type ProviderDeps } from "../tokens/provider.ts";
import { roomName } from "../tokens/window.ts";
import type { ActionOutcome, JoinOutcome, RoomBinding } from "./binding.ts";
import { rebindRooms } from "./rebind.ts";

/** What a join answers: a provider token, or a place in the waiting room. */
export type JoinAnswer =
  | {
      status: "admitted";
      token: string;
      expiresAt: string;
      provider: "native" | "livekit";
      room: string;
      joinUrl?: string;
    }
  | { status: "waiting" };

/** What the gateway needs: the directories, the rooms, the time, and how to mint a provider token. */
export interface RoomGatewayDeps {
  directory: DirectoryClient;
  rooms: Env["ROOMS"];
  clock: Clock;
  roomSecret: string;
  provider: () => Promise<Omit<ProviderDeps, "now" | "joinUrlTemplate">>;
}

/** A refusal of the directory's ticket (not a participant, not staff): the route audits these. */
export type Denied = Failure & { denied: true };

type StaffAction = "open" | "close" | "admit" | "readmit" | "remove";

/**
 * The one door to a room. Every action makes the same two hops: a ticket from the program's
 * directory (who the caller is in this session, the session's binding), then the room's RPC. Room
 * refusals become the one `Failure` shape that `unwrap` turns into problem+json.
 */
export class RoomGateway {
  readonly #deps: RoomGatewayDeps;

  constructor(deps: RoomGatewayDeps) {
    this.#deps = deps;
  }

  /** Ask for a place: a provider token, the waiting room, or the reason not. */
  async join(sessionId: string, who: Principal): Promise<Result<{ answer: JoinAnswer }> | Denied> {
    const ticket = await this.#ticket(sessionId, who, "join");
    if (!ticket.ok) return ticket;
    const { binding } = ticket;
    const provider = await this.#deps.provider();
    // Checked before the room is asked: no seat, presence or announcement for a token that cannot be minted.
    if (binding.settings.videoProvider === "livekit" && !provider.livekit) {
      return fail("unavailable", "The video provider is not configured.", { headers: { "retry-after": "60" } });
    }
    const now = this.#deps.clock.now();
    const outcome = await this.#room(sessionId).join(
      binding,
      { id: who.sub, role: ticket.role, makeUp: ticket.makeUp, expected: ticket.expected },
      now,
    );
    if (outcome.status === "waiting") return { ok: true, answer: { status: "waiting" } };
    if (outcome.status !== "admitted") return joinRefusal(outcome);
    const room = await roomName(sessionId, this.#deps.roomSecret);
    const minted = await issueProviderToken(
      binding.settings.videoProvider,
      { ...provider, now: Math.floor(now / 1000), joinUrlTemplate: binding.settings.joinUrlTemplate ?? undefined },
      { sub: who.sub, sid: sessionId, room, role: ticket.role, nbf: outcome.nbf, exp: outcome.exp, jti: outcome.jti },
    );
    if (!minted.ok) return fail("unavailable", "The video provider is not configured.");
    const { token, expiresAt, provider: kind, joinUrl } = minted;
    return {
      ok: true,
      answer: { status: "admitted", token, expiresAt, provider: kind, room, ...(joinUrl ? { joinUrl } : {}) },
    };
  }

  /** End the caller's own presence. */
  async leave(sessionId: string, who: Principal): Promise<Result<object> | Denied> {
    const ticket = await this.#ticket(sessionId, who, "join");
    if (!ticket.ok) return ticket;
    return actionResult(await this.#room(sessionId).leave(ticket.binding, who.sub, this.#deps.clock.now()));
  }

  /** A facilitator's action on the room or on one participant. */
  async staff(
    action: StaffAction,
    sessionId: string,
    who: Principal,
    participantId = "",
  ): Promise<Result<object> | Denied> {
    const ticket = await this.#ticket(sessionId, who, "manage");
    if (!ticket.ok) return ticket;
    const room = this.#room(sessionId);
    const now = this.#deps.clock.now();
    const { binding } = ticket;
    switch (action) {
      case "open":
        return actionResult(await room.open(binding, now));
      case "close":
        return actionResult(await room.close(binding, now, ticket.expected));
      case "admit":
        return actionResult(await room.admit(binding, participantId, now));
      case "readmit":
        return actionResult(await room.readmit(binding, participantId, now));
      case "remove":
        return actionResult(await room.remove(binding, participantId, now));
    }
  }

  /**
   * A client's enrollment ended or moved: every room that may hold them lets them go now. Each room is
   * told independently; a failure is logged, and their next join is refused by the directory anyway.
   */
  async dismiss(bindings: readonly RoomBinding[], clientId: string): Promise<number> {
    const now = this.#deps.clock.now();
    const results = await Promise.allSettled(bindings.map((b) => this.#room(b.session.id).dismiss(b, clientId, now)));
    const failed = results.filter((r) => r.status === "rejected").length;
    if (failed > 0) log("warn", "room.dismiss.failed", { failed, rooms: bindings.length });
    return bindings.length - failed;
  }

  /** Push the directory's newest view of changed sessions to their rooms (moves, cancellations). */
  rebind(bindings: readonly RoomBinding[]): Promise<void> {
    return rebindRooms(this.#deps.rooms, bindings, this.#deps.clock.now());
  }

  #room(sessionId: string) {
    return this.#deps.rooms.getByName(sessionId);
  }

  async #ticket(sessionId: string, who: Principal, action: "join" | "manage") {
    const dir = this.#deps.directory.ofChild(sessionId);
    if (!dir) return { ...fail("not-found", "No such session."), denied: true as const };
    const ticket = await dir.stub.ticket(sessionId, { sub: who.sub, roles: who.roles }, action);
    // The RPC stub's type drops the failure branch of the union; the value still carries it.
    const t = ticket as Awaited<typeof ticket> | Failure;
    return t.ok ? t : { ...t, denied: true as const };
  }
}

/** A room's refusal of a join, as the one failure shape. */
function joinRefusal(outcome: Exclude<JoinOutcome, { status: "admitted" | "waiting" }>): Failure {
  switch (outcome.status) {
    case "full":
      return outcome.heldForEnrolled
        ? fail("group-full", "The free seats are held for the group's own clients.", {
            extras: { cap: outcome.cap, reason: "held-for-enrolled" },
          })
        : fail("group-full", "The group is full.", { extras: { cap: outcome.cap } });
    case "too-early":
      return fail("outside-window", "The room is not open for joining yet.", {
        extras: { opensAt: isoInstant(outcome.opensAt) },
      });
    case "too-late":
      return fail("outside-window", "It is too late to join this session.", { extras: { reason: "late" } });
    case "ended":
      return fail("gone", "The session has ended.");
    case "cancelled":
      return fail("gone", "The session was cancelled.");
    case "removed":
      return fail("removed", "You were removed from this session.");
  }
}

/** A room's refusal of a staff action, as the one failure shape. */
function actionResult(outcome: ActionOutcome): Result<object> {
  if (outcome.ok) return outcome;
  switch (outcome.reason) {
    case "ended":
      return fail("gone", "The session has ended or was cancelled.");
    case "full":
      return fail("group-full", "The group is full.", { extras: { cap: outcome.cap } });
    case "not-waiting":
      return fail("conflict", "That participant is not waiting.");
    case "not-removed":
      return fail("conflict", "That participant was not removed.");
    case "staff-of-record":
      return fail("conflict", "A facilitator or observer of record cannot be removed from their own session.", {
        extras: { reason: "staff-of-record" },
      });
    case "not-found":
      return fail("not-found", "No such participant in this session.");
  }
}
