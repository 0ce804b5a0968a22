import type { AttendanceCorrection, AttendanceRecord, SessionRoster } from "../../schemas/attendance.ts";
import type { AuditCall } from "../../schemas/audit.ts";
import type { Principal } from "../../schemas/auth.ts";
import type { WorkerConfig } from "../../schemas/config.ts";
import type { PresenceFact } from "../../schemas/video/livekit-webhook.ts";
import type { DirectoryClient } from "../directory/client.ts";
import { type Failure, fail, type Result } from "../directory/result.ts";
import { type Clock, isoInstant } from "../lib/clock.ts";
import { programIdOf } from "../lib/ids.ts";
import { log } from "../lib/log.ts";
import { roomName } from "../tokens/window.ts";
import type { ProviderDeps, VideoProvider } from "../video/credential.ts";
import type { RoomBinding } from "./binding.ts";
import { type JoinAnswer, joinCredential } from "./join-credential.ts";
import { openAt, rebindRooms } from "./rebind.ts";
import type { Denied, EntryResult } from "./room-entry.ts";
import { actionResult, correctionRefusal, joinRefusal } from "./room-refusals.ts";

export type { JoinAnswer } from "./join-credential.ts";

/** What the gateway needs: the directories, the rooms, the time, and how to mint a provider token. */
export interface RoomGatewayDeps {
  directory: DirectoryClient;
  rooms: Env["ROOMS"];
  clock: Clock;
  roomSecret: string;
  provider: () => Promise<Omit<ProviderDeps, "now" | "joinUrlTemplate" | "realtimekit">>;
  /** RealtimeKit's account, when configured: its tokens come from its API, per room (src/rooms/join-credential.ts). */
  realtimekit?: WorkerConfig["realtimekit"];
  /** The holders of each video account's call budget (workers/video-account.ts). */
  accounts?: Env["VIDEO_ACCOUNTS"];
}

export type { Denied } from "./room-entry.ts";

type StaffAction = "open" | "close" | "admit" | "readmit" | "remove";

/** A caller: the verified principal and, for the audit trail, the request's id. */
export type Caller = Principal & { requestId?: string };

/** The caller as the room's audit entries name them. */
const by = (who: Caller): AuditCall => ({ actor: who.sub, ...(who.requestId ? { requestId: who.requestId } : {}) });

const HALF_DAY = 12 * 3600_000;

/**
 * The one door to a room. A join is one call to the room, which asks the program's directory
 * itself (src/rooms/room-entry.ts); every other action makes two hops: the program's directory (a
 * ticket for a caller: who they are in this session and its binding; a plain lookup for system
 * callers), then the room's RPC. Room refusals become the one `Failure` shape that `unwrap` turns
 * into problem+json (src/rooms/room-refusals.ts).
 */
export class RoomGateway {
  readonly #deps: RoomGatewayDeps;

  constructor(deps: RoomGatewayDeps) {
    this.#deps = deps;
  }

  /**
   * Ask for a place: a provider token, the waiting room, or the reason not; `displayName` a client gives
   * at check-in. One call to the room, which asks the program's directory for the caller's ticket
   * unless it holds a pass for them (src/rooms/room-entry.ts); the platform's credential is checked
   * before the seat and minted after it (join-credential.ts).
   */
  async join(
    sessionId: string,
    who: Caller,
    displayName?: string,
    only?: VideoProvider,
  ): Promise<Result<{ answer: JoinAnswer }> | Denied> {
    const now = this.#deps.clock.now();
    if (!programIdOf(sessionId)) return { ...fail("not-found", "No such session."), denied: true };
    const named = displayName ? { displayName, now: isoInstant(now), who: by(who) } : undefined;
    const room = this.#room(sessionId);
    const credential = await joinCredential(this.#deps, sessionId, room);
    const entered = await room.enter({
      sessionId,
      viewer: { sub: who.sub, roles: who.roles },
      ...(named ? { named } : {}),
      now,
      ...(who.requestId ? { requestId: who.requestId } : {}),
      ...(only ? { only } : {}),
      mintable: credential.mintable,
    });
    // The RPC stub's type drops the failure branches of the union; the value still carries them.
    const result = entered as Awaited<typeof entered> | EntryResult;
    if (!result.ok) return result;
    const { outcome, mintFor, role, displayName: inCall } = result;
    if (outcome.status === "waiting") return { ok: true, answer: { status: "waiting" } };
    if (outcome.status !== "admitted") return joinRefusal(outcome);
    const { jti, nbf, exp } = outcome;
    return credential.mint(mintFor, { sub: who.sub, role, jti, nbf, exp }, inCall, now);
  }

  /** End the caller's own presence. */
  async leave(sessionId: string, who: Caller): Promise<Result<object> | Denied> {
    const ticket = await this.#ticket(sessionId, who, "join");
    if (!ticket.ok) return ticket;
    return actionResult(await this.#room(sessionId).leave(ticket.binding, who.sub, this.#deps.clock.now(), by(who)));
  }

  /** A facilitator's action on the room or on one participant. */
  async staff(
    action: StaffAction,
    sessionId: string,
    who: Caller,
    participantId = "",
  ): Promise<Result<object> | Denied> {
    const ticket = await this.#ticket(sessionId, who, "manage");
    if (!ticket.ok) return ticket;
    const room = this.#room(sessionId);
    const now = this.#deps.clock.now();
    const { binding } = ticket;
    switch (action) {
      case "open":
        return actionResult(await room.open(binding, now, by(who)));
      case "close":
        return actionResult(await room.close(binding, now, ticket.expected, by(who)));
      case "admit":
        return actionResult(await room.admit(binding, participantId, now, by(who)));
      case "readmit":
        return actionResult(await room.readmit(binding, participantId, now, by(who)));
      case "remove":
        return actionResult(await room.remove(binding, participantId, now, by(who)));
    }
  }

  /**
   * A client's enrollment ended or moved: every room that may hold them lets them go now. Each room is
   * told independently; a failure is logged, and their next join is refused by the directory anyway.
   */
  async dismiss(bindings: readonly RoomBinding[], clientId: string, who: AuditCall): Promise<number> {
    const now = this.#deps.clock.now();
    const results = await Promise.allSettled(
      bindings.map((b) => this.#room(b.session.id).dismiss(b, clientId, now, who)),
    );
    const failed = results.filter((r) => r.status === "rejected").length;
    if (failed > 0) log("warn", "room.dismiss.failed", { failed, rooms: bindings.length });
    return bindings.length - failed;
  }

  /** The roster: need to know, so only the session's facilitators and the program's admins (a manage ticket). */
  async roster(sessionId: string, who: Caller): Promise<Result<{ roster: SessionRoster }>> {
    const ticket = await this.#ticket(sessionId, who, "manage");
    if (!ticket.ok) return ticket;
    const room = this.#room(sessionId);
    const roster = await room.roster(ticket.binding, ticket.expected, this.#deps.clock.now(), by(who));
    return { ok: true, roster };
  }

  /** A facilitator's attendance correction (before the end, only an excuse). */
  async correct(
    sessionId: string,
    who: Caller,
    clientId: string,
    change: AttendanceCorrection,
  ): Promise<Result<{ record: AttendanceRecord | null }>> {
    const ticket = await this.#ticket(sessionId, who, "manage");
    if (!ticket.ok) return ticket;
    const result = await this.#room(sessionId).correct(
      ticket.binding,
      clientId,
      change,
      by(who),
      this.#deps.clock.now(),
    );
    return result.ok ? result : correctionRefusal(result.reason);
  }

  /** The live channel: staff of the session get the staff feed, its participants their own. */
  async live(sessionId: string, who: Principal, request: Request): Promise<Result<{ response: Response }>> {
    const manage = await this.#ticket(sessionId, who, "manage");
    const ticket = manage.ok ? manage : await this.#ticket(sessionId, who, "join");
    if (!ticket.ok) return ticket;
    const headers = new Headers(request.headers);
    headers.delete("authorization");
    headers.delete("sec-websocket-protocol");
    headers.set("x-participant-id", who.sub);
    headers.set("x-audience", manage.ok ? "staff" : "participant");
    const room = this.#room(sessionId);
    await room.bind(ticket.binding, this.#deps.clock.now());
    const response = (await room.fetch(new Request(request.url, { headers }))) as unknown as Response;
    return { ok: true, response };
  }

  /**
   * Whether a verified token's id is still good in its room, after handing the room the directory's
   * current view (a move or cancel revokes even if the room had not heard yet). A system lookup.
   */
  async introspect(sessionId: string, jti: string, sub: string): Promise<boolean> {
    const binding = (await this.#directory(sessionId)?.roomLookup(sessionId))?.binding;
    if (!binding) return false;
    const room = this.#room(sessionId);
    const now = this.#deps.clock.now();
    await room.bind(binding, now);
    const state = await room.introspect(jti, now);
    return state.active && state.participantId === sub;
  }

  /** Presence the video platform reported (by its opaque room name), matched to the program's sessions around it by room name. */
  async presence(programId: string, facts: readonly PresenceFact[]): Promise<number> {
    const dir = this.#deps.directory.program(programId);
    if (!dir) return 0;
    let accepted = 0;
    for (const { room, ...fact } of facts) {
      for (const binding of await dir.roomBindingsBetween(fact.at - HALF_DAY, fact.at + HALF_DAY)) {
        if ((await roomName(binding.session.id, this.#deps.roomSecret)) !== room) continue;
        if (await this.#room(binding.session.id).providerPresence(binding, fact, this.#deps.clock.now())) accepted++;
        break;
      }
    }
    return accepted;
  }

  /**
   * A program's settings changed: the rooms whose join window is open take the new binding at once,
   * which also ends their passes (src/rooms/room-passes.ts), so the next join counts the new settings.
   */
  async settingsChanged(programId: string): Promise<void> {
    const dir = this.#deps.directory.program(programId);
    if (!dir) return;
    const now = this.#deps.clock.now();
    await this.rebind(openAt(await dir.roomBindingsBetween(now - HALF_DAY, now + HALF_DAY), now));
  }

  /** Push the directory's newest view of changed sessions to their rooms (moves, cancellations). */
  rebind(bindings: readonly RoomBinding[]): Promise<void> {
    return rebindRooms(this.#deps.rooms, bindings, this.#deps.clock.now());
  }

  #room(sessionId: string) {
    return this.#deps.rooms.getByName(sessionId);
  }

  #directory(childId: string) {
    return this.#deps.directory.ofChild(childId)?.stub;
  }

  async #ticket(sessionId: string, who: Principal, action: "join" | "manage") {
    const dir = this.#directory(sessionId);
    if (!dir) return { ...fail("not-found", "No such session."), denied: true as const };
    const ticket = await dir.ticket(sessionId, { sub: who.sub, roles: who.roles }, action);
    // The RPC stub's type drops the failure branch of the union; the value still carries it.
    const t = ticket as Awaited<typeof ticket> | Failure;
    return t.ok ? t : { ...t, denied: true as const };
  }
}
