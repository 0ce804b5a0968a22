import { z } from "zod";
import { Instant, SubjectId } from "./common.ts";

const RoomState = z.enum(["scheduled", "open", "closed", "cancelled"]);

/** Messages on a session's live channel (`GET /v1/sessions/{id}/live`, a WebSocket). No personal data: ids only. */
export const LiveMessage = z
  .discriminatedUnion("type", [
    z
      .strictObject({
        type: z.literal("hello"),
        participantId: SubjectId,
        status: z.string().meta({ description: "The caller's place: admitted, waiting, removed, left or none" }),
        roomState: z.string().meta({ description: "scheduled, open, closed or cancelled" }),
        participants: z
          .array(z.strictObject({ participantId: SubjectId, role: z.string(), status: z.string() }))
          .optional()
          .meta({ description: "Staff only: everyone the room knows, so a console opened late sees who is waiting" }),
      })
      .meta({ id: "LiveHello", description: "First message after the upgrade: the caller's status and the room's" }),
    z
      .strictObject({ type: z.literal("admitted"), participantId: SubjectId })
      .meta({ id: "LiveAdmitted", description: "A participant got a seat" }),
    z
      .strictObject({
        type: z.literal("removed"),
        participantId: SubjectId,
        reason: z.enum(["facilitator", "enrollment-changed"]).optional().meta({
          description: "A facilitator's removal (absent or `facilitator`), or the client's enrollment ended or moved",
        }),
      })
      .meta({
        id: "LiveRemoved",
        description: "A participant was removed or their enrollment changed; their tokens are revoked",
      }),
    z
      .strictObject({ type: z.literal("waiting"), participantId: SubjectId, at: Instant })
      .meta({ id: "LiveWaiting", description: "A client entered the waiting room" }),
    z
      .strictObject({ type: z.literal("arrived"), participantId: SubjectId, role: z.string(), at: Instant })
      .meta({ id: "LiveArrived", description: "A participant connected to the video room" }),
    z
      .strictObject({ type: z.literal("left"), participantId: SubjectId, at: Instant })
      .meta({ id: "LiveLeft", description: "A participant left or disconnected" }),
    z.strictObject({ type: z.literal("room"), state: RoomState }).meta({
      id: "LiveRoom",
      description:
        "The room opened, closed, was cancelled, or was scheduled again (its calendar took the cancellation back)",
    }),
    z
      .strictObject({ type: z.literal("moved"), startsAt: Instant, endsAt: Instant })
      .meta({ id: "LiveMoved", description: "The session moved; join again for a token valid at the new times" }),
  ])
  .meta({
    id: "LiveMessage",
    description:
      "One JSON text frame from the server on the live channel, told apart by `type`. Staff hear about everyone; a client hears about themselves and the room only",
  });
export type LiveMessage = z.infer<typeof LiveMessage>;
