import { z } from "zod";
import { Instant, SubjectId } from "./common.ts";
import { ProgramSettings, VideoProvider } from "./program.ts";
import { Session } from "./session.ts";
import { PresenceFact } from "./video/livekit-webhook.ts";

/** `POST /v1/sessions/{id}/join` when admitted: the provider's credential and where to use it. */
export const JoinAdmitted = z
  .strictObject({
    status: z.literal("admitted"),
    token: z.string(),
    expiresAt: Instant,
    provider: VideoProvider,
    room: z.string().meta({ description: "Opaque room name (Zoom's session topic, Daily's room name)" }),
    joinUrl: z.string().optional().meta({
      description: "Where the platform's own page takes the token (JaaS, Daily), or the program's template",
    }),
    callName: z.string().optional().meta({
      description:
        "Zoom Video SDK only: the userName to pass to join(topic, token, userName) (an alias unless the program shows names)",
    }),
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

/**
 * What a SessionRoom knows of its occurrence, handed over by the directory on every room action
 * (the RPC argument) and stored as the room's `binding` meta value.
 */
export const RoomBinding = z.strictObject({
  programId: z.string(),
  /** The program's IANA zone: attendance dates and ISO weeks are counted there. */
  timezone: z.string(),
  session: Session,
  settings: ProgramSettings,
});
export type RoomBinding = z.infer<typeof RoomBinding>;

/** Who asks to join, as the program's directory resolved them for this session (an RPC argument). */
export const Joiner = z.strictObject({
  id: z.string(),
  role: z.enum(["client", "facilitator", "observer", "family"]),
  /** A client from another track, here for a make-up session: takes only seats nobody is owed. */
  makeUp: z.boolean(),
  /** For a make-up visitor, the clients the session expects (seats are held for them until the late cut-off). */
  expected: z.array(z.string()),
});
export type Joiner = z.infer<typeof Joiner>;

/** A caller as a program's directory needs to know them (an RPC argument). */
export const Viewer = z.object({ sub: z.string(), roles: z.array(z.string()).readonly() });
export type Viewer = z.infer<typeof Viewer>;

/** What a room action needs from the directory: the binding and who the caller is in this session. */
export const Ticket = z.strictObject({
  binding: RoomBinding,
  role: Joiner.shape.role,
  makeUp: z.boolean(),
  /** The clients the session expects: for a make-up visitor's join (held seats) and for a close (no-shows). */
  expected: z.array(z.string()),
  /** A join's: the name the video call shows (`displayNamesInCall`); absent or null, an alias. Never stored by rooms. */
  displayName: z.string().nullable().optional(),
});
export type Ticket = z.infer<typeof Ticket>;

/** A connect or disconnect the video platform reported, as its room records it (an RPC argument). */
export const ProviderFact = PresenceFact.omit({ room: true });
export type ProviderFact = z.infer<typeof ProviderFact>;
