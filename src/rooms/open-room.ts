import { workerConfig } from "../config/worker-config.ts";
import type { RoomBinding } from "./binding.ts";
import { LedgerStore } from "./ledger-store.ts";
import { LiveChannel } from "./live-channel.ts";
import { ProviderCallStore } from "./provider-call-store.ts";
import { RoomAttendance } from "./room-attendance.ts";
import { RoomAudit } from "./room-audit.ts";
import { type VideoPlatform, videoService } from "./room-platform.ts";
import { RoomSeats } from "./room-seats.ts";
import { RoomStore } from "./room-store.ts";
import { RoomUpkeep } from "./room-upkeep.ts";

/** The modules behind the SessionRoom façade, over one occurrence's SQLite. */
export interface RoomModules {
  store: RoomStore;
  ledger: LedgerStore;
  live: LiveChannel;
  calls: ProviderCallStore;
  seats: RoomSeats;
  attendance: RoomAttendance;
  upkeep: RoomUpkeep;
  audit: RoomAudit;
}

/** What a room reaches that tests may replace: the ledger's KV and the video platform's server API. */
export interface RoomOutside {
  kv: () => Pick<KVNamespace, "put">;
  platform: () => VideoPlatform | null;
}

/** Wire a room's stores and the modules that decide and act over them; every module shares the same stores. */
export function openRoom(ctx: DurableObjectState, env: Env, outside: RoomOutside): RoomModules {
  const store = new RoomStore(ctx.storage.sql);
  const ledger = new LedgerStore(ctx.storage.sql);
  const live = new LiveChannel(ctx);
  const calls = new ProviderCallStore(ctx.storage.sql);
  const upkeep = new RoomUpkeep({
    store,
    ledger,
    ctx,
    kv: outside.kv,
    calls,
    video: (binding: RoomBinding) => videoService(binding, outside.platform()),
    roomSecret: workerConfig(env).roomSecret,
    live,
  });
  return {
    store,
    ledger,
    live,
    calls,
    seats: new RoomSeats(store, live, calls, workerConfig(env)),
    attendance: new RoomAttendance(store, ledger),
    upkeep,
    audit: new RoomAudit({ store, programs: env.PROGRAMS, ctx, retry: () => upkeep.rearm(Date.now()) }),
  };
}
