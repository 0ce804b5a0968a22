import { z } from "zod";
import { Instant, SubjectId } from "./common.ts";

/** Messages on a session's live channel (`GET /v1/sessions/{id}/live`, a WebSocket). No personal data: ids only. */
export const LiveMessage = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("hello"),
    participantId: SubjectId,
    status: z.string(),
    roomState: z.string(),
    /** Staff only: everyone the room knows, so a console opened late sees who is waiting. */
    participants: z
      .array(z.strictObject({ participantId: SubjectId, role: z.string(), status: z.string() }))
      .optional(),
  }),
  z.strictObject({ type: z.literal("admitted"), participantId: SubjectId }),
  z.strictObject({ type: z.literal("removed"), participantId: SubjectId }),
  z.strictObject({ type: z.literal("waiting"), participantId: SubjectId, at: Instant }),
  z.strictObject({ type: z.literal("arrived"), participantId: SubjectId, role: z.string(), at: Instant }),
  z.strictObject({ type: z.literal("left"), participantId: SubjectId, at: Instant }),
  z.strictObject({ type: z.literal("room"), state: z.enum(["scheduled", "open", "closed", "cancelled"]) }),
  z.strictObject({ type: z.literal("moved"), startsAt: Instant, endsAt: Instant }),
]);
export type LiveMessage = z.infer<typeof LiveMessage>;
