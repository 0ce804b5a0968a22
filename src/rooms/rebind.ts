import { log } from "../lib/log.ts";
import { joinBounds } from "./admission.ts";
import type { RoomBinding } from "./binding.ts";

/**
 * Tell each room its session's newest version after the directory changed it (a move, a cancel, a
 * calendar delivery): outstanding tokens stop working and everyone connected hears the news.
 */
export async function rebindRooms(rooms: Env["ROOMS"], bindings: readonly RoomBinding[], now: number): Promise<void> {
  const results = await Promise.allSettled(bindings.map((b) => rooms.getByName(b.session.id).bind(b, now)));
  results.forEach((r, i) => {
    // Introspection and a join that asks the directory rebind anyway; a room's passes last 60 s at most.
    if (r.status === "rejected") log("warn", "room.rebind.failed", { sessionId: bindings[i]?.session.id });
  });
}

/** Those of `bindings` whose join window is open at `now` (ms): the rooms people may be in. */
export function openAt(bindings: readonly RoomBinding[], now: number): RoomBinding[] {
  return bindings.filter((b) => {
    const { opensAt, closesAt } = joinBounds(b.session, b.settings);
    return opensAt <= now && now < closesAt;
  });
}

/** How far ahead the cron hands RealtimeKit rooms their binding: the 2 h pre-enrolment lead, the join window, a cron period. */
export const PREPARE_AHEAD_MS = 3 * 3600_000;

/**
 * Hand the program's RealtimeKit rooms starting soon their binding (idempotent: an unchanged binding
 * is not written again), so each room's alarm pre-enrols its participants two hours before its join
 * window opens (src/rooms/room-enrolment.ts). For the cron, beside `finalizeEnded`.
 */
export async function prepareUpcoming(
  env: Pick<Env, "PROGRAMS" | "ROOMS">,
  programId: string,
  now: number,
  aheadMs = PREPARE_AHEAD_MS,
): Promise<number> {
  const around = await env.PROGRAMS.getByName(programId).roomBindingsBetween(now, now + aheadMs);
  const upcoming = around.filter((b) => b.settings.videoProvider === "realtimekit" && b.session.status === "scheduled");
  await rebindRooms(env.ROOMS, upcoming, now);
  return upcoming.length;
}
