import type { WorkerConfig } from "../../schemas/config.ts";
import { type DailyFetch, dailyApi } from "../video/daily/api.ts";
import { dailyRoomService } from "../video/daily/room-service.ts";
import {
  type ListParticipantsResult,
  liveKitRoomService,
  type RoomServiceFetch,
  type RoomServiceResult,
} from "../video/livekit/room-service.ts";
import type { AccountBudget } from "../video/realtimekit/account-budget.ts";
import { type RealtimeKitFetch, realtimeKitApi } from "../video/realtimekit/api.ts";
import { type RealtimeKitLedger, realtimeKitRoomService } from "../video/realtimekit/room-service.ts";
import type { RoomBinding } from "./binding.ts";
import type { ProviderCallStore } from "./provider-call-store.ts";

/** Where each configured video platform's server API is and how to authenticate to it. */
export type VideoPlatform = {
  livekit?: { fetch: RoomServiceFetch; url: string; apiKey: string; apiSecret: string };
  daily?: { fetch: DailyFetch; apiUrl: string; apiKey: string };
  realtimekit?: { fetch: RealtimeKitFetch; accountId: string; appId: string; apiToken: string; apiUrl: string };
};

/**
 * What a room calls on its platform: remove one participant, end the room, and (where the platform
 * documents a list of who is connected: LiveKit, Daily) list them for the presence poll.
 */
export interface PlatformService {
  removeParticipant(room: string, identity: string, opts?: { revokeTokensBefore?: number }): Promise<RoomServiceResult>;
  deleteRoom(room: string): Promise<RoomServiceResult>;
  listParticipants?(room: string): Promise<ListParticipantsResult>;
}

/** What a RealtimeKit room adds: its stored meeting and enrolments, and the account's budget. */
export interface RealtimeKitRoom {
  ledger: RealtimeKitLedger;
  budget: () => AccountBudget | null;
}

/** Every platform with a server API in the configuration: LiveKit with `LIVEKIT_URL`, Daily, RealtimeKit. */
export function configuredPlatform(config: WorkerConfig): VideoPlatform | null {
  const { livekit, daily, realtimekit } = config;
  const platform: VideoPlatform = {
    ...(livekit?.url ? { livekit: { fetch: (url, init) => fetch(url, init), ...livekit, url: livekit.url } } : {}),
    ...(daily ? { daily: { fetch: (url, init) => fetch(url, init), apiUrl: daily.apiUrl, apiKey: daily.apiKey } } : {}),
    ...(realtimekit ? { realtimekit: { fetch: (url, init) => fetch(url, init), ...realtimekit } } : {}),
  };
  return Object.keys(platform).length > 0 ? platform : null;
}

/** The service for the room's program's platform, when that platform is configured (and, for RealtimeKit, budgeted). */
export function videoService(
  binding: RoomBinding,
  platform: VideoPlatform | null,
  rtk?: RealtimeKitRoom,
): PlatformService | null {
  switch (binding.settings.videoProvider) {
    case "livekit":
      return platform?.livekit
        ? liveKitRoomService({ ...platform.livekit, now: () => Math.floor(Date.now() / 1000) })
        : null;
    case "daily":
      return platform?.daily ? dailyRoomService(dailyApi({ ...platform.daily, baseUrl: platform.daily.apiUrl })) : null;
    case "realtimekit": {
      const config = platform?.realtimekit;
      const budget = rtk?.budget();
      if (!config || !rtk || !budget) return null;
      const api = realtimeKitApi({ ...config, baseUrl: config.apiUrl, now: () => Math.floor(Date.now() / 1000) });
      return realtimeKitRoomService(api, budget, rtk.ledger, () => Date.now());
    }
    default:
      return null;
  }
}

/**
 * Queue what the platform must hear: remove a participant and revoke their tokens from the next
 * second on, or delete the room. Returns whether anything was queued (and so needs sending).
 */
export function tellPlatform(
  calls: ProviderCallStore,
  service: PlatformService | null,
  op: "remove" | "delete",
  identity: string,
  now: number,
): boolean {
  if (!service) return false;
  calls.queueProviderCall(op, identity, op === "remove" ? Math.floor(now / 1000) + 1 : null);
  return true;
}
