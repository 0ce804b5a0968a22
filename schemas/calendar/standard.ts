import { z } from "zod";
import { Instant, SubjectId } from "../common.ts";
import { SessionKind } from "../session.ts";

const ExternalId = z
  .string()
  .min(1)
  .max(256)
  .meta({ description: "The sender's id of the session; stable across moves" });
const Version = z
  .number()
  .int()
  .nonnegative()
  .max(Number.MAX_SAFE_INTEGER)
  .meta({ description: "Orders changes to one session (epoch ms or a sequence); higher wins" });
const TrackRef = z.string().min(1).max(256).meta({ description: "Calendar or track reference the program maps" });
const Timestamp = z.iso.datetime({ offset: true }).optional();

/** `session.upserted`: an EHR or integrator booked or moved a session. */
export const StandardSessionUpserted = z
  .strictObject({
    type: z.literal("session.upserted"),
    timestamp: Timestamp,
    data: z.strictObject({
      externalId: ExternalId,
      startsAt: Instant,
      endsAt: Instant,
      kind: SessionKind,
      trackRef: TrackRef.optional(),
      clientIds: z.array(SubjectId).max(64).optional(),
      facilitatorIds: z.array(SubjectId).max(8).optional(),
      version: Version,
    }),
  })
  .meta({ id: "StandardSessionUpserted" });

/** `session.cancelled`: the session will not take place; joins answer 410. */
export const StandardSessionCancelled = z
  .strictObject({
    type: z.literal("session.cancelled"),
    timestamp: Timestamp,
    data: z.strictObject({
      externalId: ExternalId,
      startsAt: Instant.optional(),
      endsAt: Instant.optional(),
      kind: SessionKind.optional(),
      trackRef: TrackRef.optional(),
      version: Version,
    }),
  })
  .meta({ id: "StandardSessionCancelled" });

/** The product's own webhook payload, signed per the Standard Webhooks spec. Opaque ids only. */
export const StandardWebhookPayload = z
  .discriminatedUnion("type", [StandardSessionUpserted, StandardSessionCancelled])
  .meta({ id: "StandardWebhookPayload" });
export type StandardWebhookPayload = z.infer<typeof StandardWebhookPayload>;
