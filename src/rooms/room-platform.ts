import type { WorkerConfig } from "../../schemas/config.ts";
import { liveKitRoomService, type RoomService, type RoomServiceFetch } from "../video/livekit/room-service.ts";
import type { RoomBinding } from "./binding.ts";
import type { ProviderCallStore } from "./provider-call-store.ts";

/** Where a video platform's server API is and how to authenticate to it. */
export type VideoPlatform = { fetch: RoomServiceFetch; url: string; apiKey: string; apiSecret: string };

/** LiveKit's server API from the configuration, when `LIVEKIT_URL` and its keys are set. */
export function configuredPlatform(config: WorkerConfig): VideoPlatform | null {
  const livekit = config.livekit;
  return livekit?.url ? { fetch: (url, init) => fetch(url, init), url: livekit.url, ...livekit } : null;
}

/** The RoomService a room's program uses: LiveKit programs only, when a platform is configured. */
export function videoService(binding: RoomBinding, platform: VideoPlatform | null): RoomService | null {
  if (binding.settings.videoProvider !== "livekit" || !platform) return null;
  return liveKitRoomService({ ...platform, now: () => Math.floor(Date.now() / 1000) });
}

/**
 * Queue what the platform must hear: remove a participant and revoke their tokens from the next
 * second on, or delete the room. Returns whether anything was queued (and so needs sending).
 */
export function tellPlatform(
  calls: ProviderCallStore,
  service: RoomService | null,
  op: "remove" | "delete",
  identity: string,
  now: number,
): boolean {
  if (!service) return false;
  calls.queueProviderCall(op, identity, op === "remove" ? Math.floor(now / 1000) + 1 : null);
  return true;
}
