import { z } from "zod";
import { Instant, SubjectId } from "./common.ts";

/** `POST /v1/sessions/{id}/join` when admitted: the provider's credential and where to use it. */
export const JoinAdmitted = z
  .strictObject({
    status: z.literal("admitted"),
    token: z.string(),
    expiresAt: Instant,
    provider: z.enum(["native", "livekit"]),
    room: z.string().meta({ description: "Opaque room name" }),
    joinUrl: z.string().optional(),
  })
  .meta({ id: "JoinAdmitted" });

/** `202` while the client waits for the facilitator. */
export const JoinWaiting = z.strictObject({ status: z.literal("waiting") }).meta({ id: "JoinWaiting" });

/** A room action's answer. */
export const RoomActionResult = z.strictObject({ ok: z.literal(true) }).meta({ id: "RoomActionResult" });

/** RFC 7662-style introspection of a native join token. */
export const IntrospectRequest = z
  .strictObject({ token: z.string().min(1).max(4096) })
  .meta({ id: "IntrospectRequest" });
export const IntrospectResponse = z
  .union([
    z.strictObject({ active: z.literal(false) }),
    z.strictObject({
      active: z.literal(true),
      sub: SubjectId,
      sid: z.string(),
      role: z.string(),
      room: z.string(),
      exp: z.number().int(),
      jti: z.string(),
    }),
  ])
  .meta({ id: "IntrospectResponse" });
