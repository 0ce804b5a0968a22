import { workerConfig } from "../config/worker-config.ts";
import { EVENT_OUTBOX_MIGRATIONS, EventOutbox } from "../events/outbox.ts";
import { migrate } from "../storage/migrations.ts";
import { type AccountBudget, accountBudget } from "../video/realtimekit/account-budget.ts";
import type { RoomBinding } from "./binding.ts";
import { LedgerStore } from "./ledger-store.ts";
import { LiveChannel } from "./live-channel.ts";
import { ProviderCallStore } from "./provider-call-store.ts";
import { RealtimeKitStore, RTK_MIGRATIONS } from "./realtimekit-store.ts";
import { RoomAttendance } from "./room-attendance.ts";
import { RoomAudit } from "./room-audit.ts";
import { RoomEnrolment } from "./room-enrolment.ts";
import { RoomPasses } from "./room-passes.ts";
import { type PlatformService, type VideoPlatform, videoService } from "./room-platform.ts";
import { RoomSeats } from "./room-seats.ts";
import { ROOM_MIGRATIONS, RoomStore } from "./room-store.ts";
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
  /** RealtimeKit's meeting, enrolments and tokens for this occurrence. */
  rtk: RealtimeKitStore;
  enrolment: RoomEnrolment;
  /** The directory's tickets for this room's participants, in memory (src/rooms/room-passes.ts). */
  passes: RoomPasses;
  /** The video platform's server API for this room's program, or null when it has none configured. */
  video: (binding: RoomBinding) => PlatformService | null;
}

/** What a room reaches that tests may replace: the ledger's KV and the video platform's server API. */
export interface RoomOutside {
  kv: () => Pick<KVNamespace, "put">;
  platform: () => VideoPlatform | null;
}

/** Wire a room's stores and the modules that decide and act over them; every module shares the same stores. */
export function openRoom(ctx: DurableObjectState, env: Env, outside: RoomOutside): RoomModules {
  const config = workerConfig(env);
  const store = new RoomStore(ctx.storage.sql);
  const ledger = new LedgerStore(ctx.storage.sql);
  const events = new EventOutbox(ctx.storage.sql);
  const live = new LiveChannel(ctx);
  const calls = new ProviderCallStore(ctx.storage.sql);
  const rtk = new RealtimeKitStore(ctx.storage.sql, store, calls);
  // One budget per RealtimeKit account, held by its VideoAccount Durable Object.
  const budget = (): AccountBudget | null => {
    const accountId = outside.platform()?.realtimekit?.accountId;
    return accountId && env.VIDEO_ACCOUNTS ? accountBudget(env.VIDEO_ACCOUNTS, accountId) : null;
  };
  const video = (binding: RoomBinding) => videoService(binding, outside.platform(), { ledger: rtk, budget });
  const enrolment = new RoomEnrolment({
    store,
    rtk,
    config: outside.platform()?.realtimekit ? config.realtimekit : undefined,
    budget,
    fetch: (url, init) => (outside.platform()?.realtimekit?.fetch ?? fetch)(url, init),
    expected: async (b) => {
      try {
        return (await env.PROGRAMS.getByName(b.programId).roomLookup(b.session.id))?.expected ?? null;
      } catch {
        return null;
      }
    },
    roomSecret: config.roomSecret,
  });
  const upkeep = new RoomUpkeep({
    store,
    ledger,
    ctx,
    kv: outside.kv,
    events,
    relays: () => env.EVENTS,
    calls,
    video,
    roomSecret: config.roomSecret,
    live,
    hooks: config,
    wakeAt: (b) => enrolment.wakeAt(b),
  });
  return {
    store,
    ledger,
    live,
    calls,
    seats: new RoomSeats(store, live, calls, config),
    attendance: new RoomAttendance(store, ledger, events),
    upkeep,
    audit: new RoomAudit({ store, programs: env.PROGRAMS, ctx, retry: () => upkeep.rearm(Date.now()) }),
    rtk,
    enrolment,
    passes: new RoomPasses(),
    video,
  };
}

/** The room's schema: its own tables, then RealtimeKit's (scope `room-rtk`), each append-only. */
export function migrateRoom(sql: SqlStorage): void {
  migrate(sql, "room", ROOM_MIGRATIONS);
  migrate(sql, "room-rtk", RTK_MIGRATIONS);
  migrate(sql, "room-events", EVENT_OUTBOX_MIGRATIONS);
}
