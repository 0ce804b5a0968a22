import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { roomName } from "../../src/tokens/window.ts";
import { liveKitRoomServiceStandIn } from "../stand-ins/livekit-room-service.ts";
import { groupSession } from "./fixtures.ts";

/** A LiveKit group whose room talks to a local server speaking LiveKit's Twirp RoomService. */
export async function liveKitGroup(clients = 2) {
  const s = await groupSession({ clients, settings: { videoProvider: "livekit" } });
  await s.open();
  const livekit = liveKitRoomServiceStandIn({ apiKey: env.LIVEKIT_API_KEY, apiSecret: env.LIVEKIT_API_SECRET });
  const room = env.ROOMS.getByName(s.sessionId);
  await runInDurableObject(room, (instance) => {
    // Reach into this one instance: its video platform is the stand-in (LIVEKIT_URL is unset in tests).
    (instance as unknown as { videoPlatform: () => unknown }).videoPlatform = () => ({
      livekit: {
        fetch: livekit.fetch,
        url: "http://livekit.test",
        apiKey: env.LIVEKIT_API_KEY,
        apiSecret: env.LIVEKIT_API_SECRET,
      },
    });
  });
  return { s, livekit, room, name: await roomName(s.sessionId, env.ROOM_SECRET) };
}
