import { RoomBinding as RoomBindingSchema } from "../../schemas/room.ts";
import type { RoomBinding } from "./binding.ts";
import type { RoomModules } from "./open-room.ts";
import { ROOM_SYSTEM } from "./room-audit.ts";

/**
 * Take the directory's latest view of the occurrence. A newer version (moved or cancelled) revokes
 * every outstanding token and tells everyone connected; any change ends the room's passes, so the
 * next join of each participant asks the directory again. `cancel` tells the platform to end the call.
 */
export async function bindRoom(r: RoomModules, binding: RoomBinding, now: number, cancel: () => void): Promise<void> {
  // The join path calls this every time: skip the write (and the alarm) when nothing changed.
  const incoming = JSON.stringify(binding);
  if (r.store.metaJson("binding") === incoming) return;
  // A new or changed binding is checked against its contract before it is stored (RPC arguments are untyped at runtime).
  RoomBindingSchema.parse(binding);
  const known = r.store.getMeta<RoomBinding>("binding");
  if (known && known.session.version > binding.session.version) return;
  r.store.setMeta("binding", binding);
  r.passes.clear();
  const change = r.seats.newVersion(known, binding, now);
  if (change !== "same") r.audit.record(binding, ROOM_SYSTEM, [{ action: "token.revoke", outcome: change }], now);
  if (change === "cancelled") cancel();
  await r.upkeep.rearm(now);
}
