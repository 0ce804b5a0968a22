import type { Ticket, Viewer } from "../../schemas/room.ts";
import type { NameGiven } from "../directory/people-book.ts";
import { type Failure, fail } from "../directory/result.ts";
import { programIdOf } from "../lib/ids.ts";
import type { VideoProvider } from "../video/credential.ts";
import type { Joiner, JoinOutcome, RoomBinding } from "./binding.ts";
import type { RoomModules } from "./open-room.ts";
import type { RoomPasses } from "./room-passes.ts";

/** A join as the gateway hands it to the room: who asks, and what this deployment can mint. */
export interface EntryRequest {
  sessionId: string;
  viewer: Viewer;
  /** The name a client gives at check-in: kept by the directory, so such a join always asks it. */
  named?: NameGiven;
  now: number;
  requestId?: string;
  /** A provider-shaped door (LiveKit's token endpoint) takes only its own platform's sessions. */
  only?: VideoProvider;
  /** The platforms this deployment can mint for: no seat is taken for a token that cannot be minted. */
  mintable: readonly VideoProvider[];
}

/** A refusal of the directory's ticket (not a participant, no such session): the route audits these. */
export type Denied = Failure & { denied: true };

/** Where a token is minted for: the program's platform and its join link (all the Worker needs of the binding). */
export interface MintFor {
  provider: VideoProvider;
  joinUrlTemplate: string | null;
}

/** The room's decision and what the Worker needs to mint: the platform, the role, the name in the call. */
export type EntryResult =
  | { ok: true; outcome: JoinOutcome; mintFor: MintFor; role: Joiner["role"]; displayName: string | null }
  | Failure
  | Denied;

/** What entering reaches: the directories, the room's stored binding and passes, and its seat step. */
export interface EntryDeps {
  programs: Env["PROGRAMS"];
  passes: RoomPasses;
  binding: () => RoomBinding | null;
  bind: (binding: RoomBinding, now: number) => Promise<void>;
  /** Decide and record the join, synchronously (the cap's guarantee): SessionRoom's seat step. */
  seat: (binding: RoomBinding, joiner: Joiner, now: number, requestId?: string) => JoinOutcome;
}

/**
 * A join in one call from the Worker: the room asks the program's directory for the caller's ticket
 * (who they are in this session, the binding, the name in the call) unless it holds a pass for them
 * (src/rooms/room-passes.ts), then checks the door and the platform, then decides the seat. The
 * directory's answer is awaited before the decision, which stays one synchronous step.
 */
export async function enter(d: EntryDeps, req: EntryRequest): Promise<EntryResult> {
  const { sessionId, viewer, named, now } = req;
  const stored = d.binding();
  const held = named || !stored ? null : d.passes.valid(viewer.sub, viewer.roles, now);
  let binding: RoomBinding;
  let joiner: Joiner;
  let displayName: string | null = null;
  if (held && stored) {
    binding = stored;
    joiner = held;
  } else {
    const programId = programIdOf(sessionId);
    if (!programId) return { ...fail("not-found", "No such session."), denied: true };
    const reply = await d.programs.getByName(programId).ticket(sessionId, viewer, "join", named);
    // The RPC stub's type drops the failure branch of the union; the value still carries it.
    const ticket = reply as Awaited<typeof reply> | Failure;
    if (!ticket.ok) return { ...ticket, denied: true };
    ({ binding } = ticket as Ticket);
    joiner = { id: viewer.sub, role: ticket.role, makeUp: ticket.makeUp, expected: ticket.expected };
    displayName = ticket.displayName ?? null;
    await d.bind(binding, now);
    // Never a name in a room: where the call shows names, every join asks the directory.
    if (!binding.settings.displayNamesInCall) d.passes.grant(joiner, viewer.roles, now);
  }
  const provider = binding.settings.videoProvider;
  if (req.only && provider !== req.only) return fail("conflict", `This session's program does not use ${req.only}.`);
  if (!req.mintable.includes(provider)) {
    return fail("unavailable", "The video provider is not configured.", { headers: { "retry-after": "60" } });
  }
  const outcome = d.seat(binding, joiner, now, req.requestId);
  const mintFor = { provider, joinUrlTemplate: binding.settings.joinUrlTemplate ?? null };
  return { ok: true, outcome, mintFor, role: joiner.role, displayName };
}

/** The entry's wiring inside a SessionRoom: its modules, and its own `bind` (which clears the passes on a change). */
export function entryDeps(env: Env, r: RoomModules, bind: EntryDeps["bind"]): EntryDeps {
  return {
    programs: env.PROGRAMS,
    passes: r.passes,
    binding: () => r.store.getMeta<RoomBinding>("binding"),
    bind,
    seat: (binding, who, now, requestId) => {
      const outcome = r.seats.join(binding, who, now);
      // The audit entries are written with the seat, in the same step; the program's chain gets them right after.
      r.audit.join(binding, who, outcome, now, requestId);
      return outcome;
    },
  };
}
