import { CalcomBooking, CalcomDelivery } from "../../../../schemas/calendar/calcom.ts";
import {
  emailHashes,
  finish,
  NO_PARTICIPANTS,
  type NormalizeMapping,
  type NormalizeResult,
  opaqueIds,
  parseInstant,
  toInstant,
} from "../common.ts";

/** Cal.com sends no signed timestamp; a delivery created longer ago than this is refused as a replay. */
export const CALCOM_MAX_AGE_MS = 24 * 3600 * 1000;

/** Cal.com normalisation needs the clock (staleness) beside the program's mapping. */
export interface CalcomMapping extends NormalizeMapping {
  now: number;
  maxAgeMs?: number;
}

const ACTIONS = {
  BOOKING_CREATED: "upsert",
  BOOKING_RESCHEDULED: "upsert",
  BOOKING_CANCELLED: "cancel",
} as const;

/**
 * A Cal.com booking event as a change; other triggers (PING, MEETING_ENDED…) yield none. A
 * reschedule creates a new booking uid, so it is keyed by the old one (`rescheduleUid`) with the
 * new uid as `alias`. Participants: `metadata.clientId(s)` and hashed attendee e-mails.
 */
export async function normalizeCalcom(payload: unknown, mapping: CalcomMapping): Promise<NormalizeResult> {
  const delivery = CalcomDelivery.safeParse(payload);
  if (!delivery.success) return { ok: false, reason: "invalid-payload" };
  const { triggerEvent } = delivery.data;
  if (!Object.hasOwn(ACTIONS, triggerEvent)) return { ok: true, changes: [] };
  const action = ACTIONS[triggerEvent as keyof typeof ACTIONS];

  const createdAt = parseInstant(delivery.data.createdAt);
  if (createdAt === null) return { ok: false, reason: "invalid-payload" };
  if (mapping.now - createdAt > (mapping.maxAgeMs ?? CALCOM_MAX_AGE_MS)) return { ok: false, reason: "stale" };
  const booking = CalcomBooking.safeParse(delivery.data.payload);
  if (!booking.success) return { ok: false, reason: "invalid-payload" };
  const b = booking.data;

  const moved = triggerEvent === "BOOKING_RESCHEDULED" && b.rescheduleUid ? b.rescheduleUid : null;
  const trackRef = b.eventTypeId == null ? undefined : String(b.eventTypeId);
  let participants = NO_PARTICIPANTS;
  if (action === "upsert") {
    const hashes = await emailHashes(
      b.attendees.map((a) => a.email),
      mapping.emailHashKey,
    );
    if (hashes === null) return { ok: false, reason: "no-email-key" };
    const ids = opaqueIds(b.metadata?.clientIds ?? b.metadata?.clientId);
    participants = { mode: "set", clientIds: ids, emailHashes: hashes };
  }
  return finish([
    {
      source: "calcom",
      externalId: moved ?? b.uid,
      alias: moved && moved !== b.uid ? b.uid : undefined,
      action,
      // "Request reschedule": the attendee rebooks, and Cal.com sends that as a reschedule of this uid.
      reopenable: action === "cancel" && b.requestReschedule === true ? true : undefined,
      startsAt: toInstant(b.startTime) ?? undefined,
      endsAt: toInstant(b.endTime) ?? undefined,
      version: createdAt,
      kind: trackRef ? mapping.kinds?.[trackRef] : undefined,
      trackRef,
      participants,
    },
  ]);
}
