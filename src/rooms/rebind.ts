import { log } from "../lib/log.ts";
import type { RoomBinding } from "./binding.ts";

/**
 * Tell each room its session's newest version after the directory changed it (a move, a cancel, a
 * calendar delivery): outstanding tokens stop working and everyone connected hears the news.
 */
export async function rebindRooms(rooms: Env["ROOMS"], bindings: readonly RoomBinding[], now: number): Promise<void> {
  const results = await Promise.allSettled(bindings.map((b) => rooms.getByName(b.session.id).bind(b, now)));
  results.forEach((r, i) => {
    // Joins and introspection rebind from the directory anyway; this only makes the news immediate.
    if (r.status === "rejected") log("warn", "room.rebind.failed", { sessionId: bindings[i]?.session.id });
  });
}
