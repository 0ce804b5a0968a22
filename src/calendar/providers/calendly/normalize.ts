import { CalendlyDelivery, CalendlyInvitee } from "../../../../schemas/calendar/calendly.ts";
import {
  emailHashes,
  finish,
  NO_PARTICIPANTS,
  type NormalizeMapping,
  type NormalizeResult,
  parseInstant,
  toInstant,
} from "../common.ts";

/**
 * A Calendly invitee event as a change to the scheduled event (`scheduled_event.uri`). Calendly
 * reports per invitee: `invitee.created` adds one participant; `invitee.canceled` cancels the
 * event when Calendly marks it canceled, and otherwise (a group event that goes on) removes
 * that one participant. A reschedule arrives as a cancel of the old event and a new one.
 */
export async function normalizeCalendly(payload: unknown, mapping: NormalizeMapping): Promise<NormalizeResult> {
  const delivery = CalendlyDelivery.safeParse(payload);
  if (!delivery.success) return { ok: false, reason: "invalid-payload" };
  const { event } = delivery.data;
  if (event !== "invitee.created" && event !== "invitee.canceled") return { ok: true, changes: [] };
  const version = parseInstant(delivery.data.created_at);
  const invitee = CalendlyInvitee.safeParse(delivery.data.payload);
  if (version === null || !invitee.success) return { ok: false, reason: "invalid-payload" };
  const scheduled = invitee.data.scheduled_event;

  const hashes = await emailHashes([invitee.data.email], mapping.emailHashKey);
  if (hashes === null) return { ok: false, reason: "no-email-key" };
  const eventCancelled = event === "invitee.canceled" && scheduled.status !== "active";
  const trackRef = scheduled.event_type;
  return finish([
    {
      source: "calendly",
      externalId: scheduled.uri,
      action: eventCancelled ? "cancel" : "upsert",
      startsAt: toInstant(scheduled.start_time) ?? undefined,
      endsAt: toInstant(scheduled.end_time) ?? undefined,
      version,
      kind: trackRef ? mapping.kinds?.[trackRef] : undefined,
      trackRef,
      participants: eventCancelled
        ? NO_PARTICIPANTS
        : { mode: event === "invitee.created" ? "add" : "remove", clientIds: [], emailHashes: hashes },
    },
  ]);
}
