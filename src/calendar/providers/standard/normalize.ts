import { StandardWebhookPayload } from "../../../../schemas/calendar/standard.ts";
import { finish, NO_PARTICIPANTS, type NormalizeResult } from "../common.ts";

/**
 * The product's own payload (`session.upserted` / `session.cancelled`) as a change. It already
 * speaks in opaque ids, so there is nothing to hash; `version` is the sender's own.
 */
export function normalizeStandard(payload: unknown): NormalizeResult {
  const parsed = StandardWebhookPayload.safeParse(payload);
  if (!parsed.success) return { ok: false, reason: "invalid-payload" };
  const { type, data } = parsed.data;
  const clientIds = type === "session.upserted" ? data.clientIds : undefined;
  return finish([
    {
      source: "standard",
      externalId: data.externalId,
      action: type === "session.upserted" ? "upsert" : "cancel",
      startsAt: data.startsAt,
      endsAt: data.endsAt,
      version: data.version,
      kind: data.kind,
      trackRef: data.trackRef,
      facilitatorIds: type === "session.upserted" ? data.facilitatorIds : undefined,
      participants: clientIds ? { mode: "set", clientIds: [...new Set(clientIds)], emailHashes: [] } : NO_PARTICIPANTS,
    },
  ]);
}
