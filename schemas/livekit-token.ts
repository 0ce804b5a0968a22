import { z } from "zod";

/**
 * LiveKit's standardised token endpoint request (docs.livekit.io, "Endpoint token generation"):
 * every field optional. The product decides the room, the identity and the name from the schedule
 * and the caller, so a field that asks for anything else is refused with 400, as LiveKit's schema
 * says an endpoint should for a field it does not let clients set.
 */
export const LiveKitTokenRequest = z
  .object({
    room_name: z.string().max(256).optional().meta({ description: "Only the session's own (opaque) room name" }),
    participant_identity: z.string().max(256).optional().meta({ description: "Only the caller's own id" }),
    participant_name: z.string().max(256).optional().meta({
      description: "Not settable here: the name comes from staff or the check-in (displayNamesInCall)",
    }),
    participant_metadata: z
      .string()
      .max(4096)
      .optional()
      .meta({ description: "Not settable: must be absent or empty" }),
    participant_attributes: z.record(z.string(), z.string()).optional().meta({
      description: "Not settable: must be absent or empty",
    }),
    room_config: z.record(z.string(), z.unknown()).optional().meta({
      description: "Not settable (agent dispatch is not offered): must be absent or empty",
    }),
  })
  .meta({ id: "LiveKitTokenRequest" });
export type LiveKitTokenRequest = z.infer<typeof LiveKitTokenRequest>;

/** `201`: what LiveKit's client SDKs read from a token endpoint. */
export const LiveKitTokenResponse = z
  .strictObject({
    server_url: z.string().meta({ description: "The LiveKit server's WebSocket URL (wss://…)" }),
    participant_token: z.string().meta({ description: "The participant's LiveKit access token (HS256)" }),
  })
  .meta({ id: "LiveKitTokenResponse" });
