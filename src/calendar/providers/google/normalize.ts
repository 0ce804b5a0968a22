import { GoogleEvent } from "../../../../schemas/calendar/google.ts";
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

/** Google normalisation knows which calendar was synced (the `trackRef`) and when. */
export interface GoogleMapping extends NormalizeMapping {
  calendarId: string;
  /** Epoch ms of the sync: the version of a deleted event, which Google may send without `updated`. */
  syncedAt: number;
}

/**
 * A Calendar API event (from an incremental sync) as a change. `status: "cancelled"` cancels;
 * all-day events are not sessions and yield none. Opaque ids come from the private extended
 * property `clientIds`; guests' e-mails are hashed (organizer, the calendar itself and rooms are
 * not participants). `updated` is the version: Google bumps it on every change, `sequence` only on some.
 */
export async function normalizeGoogleEvent(event: unknown, mapping: GoogleMapping): Promise<NormalizeResult> {
  const parsed = GoogleEvent.safeParse(event);
  if (!parsed.success) return { ok: false, reason: "invalid-payload" };
  const e = parsed.data;
  const version = parseInstant(e.updated) ?? mapping.syncedAt;
  const base = {
    source: "google",
    externalId: e.id,
    version,
    kind: mapping.kinds?.[mapping.calendarId],
    trackRef: mapping.calendarId,
  } as const;
  // A deleted event sits in Google's bin for 30 days and may be restored (confirmed again, newer `updated`).
  if (e.status === "cancelled") {
    return finish([{ ...base, action: "cancel", reopenable: true, participants: NO_PARTICIPANTS }]);
  }

  const startsAt = toInstant(e.start?.dateTime);
  const endsAt = toInstant(e.end?.dateTime);
  if (!startsAt || !endsAt) {
    return e.start?.date ? { ok: true, changes: [] } : { ok: false, reason: "invalid-payload" };
  }
  const guests = (e.attendees ?? []).filter((a) => !a.organizer && !a.self && !a.resource);
  const hashes = await emailHashes(
    guests.map((a) => a.email),
    mapping.emailHashKey,
  );
  if (hashes === null) return { ok: false, reason: "no-email-key" };
  const clientIds = opaqueIds(e.extendedProperties?.private?.clientIds);
  return finish([
    { ...base, action: "upsert", startsAt, endsAt, participants: { mode: "set", clientIds, emailHashes: hashes } },
  ]);
}
