import type { CalendarChange } from "../../../../schemas/calendar/change.ts";
import { GraphEvent } from "../../../../schemas/calendar/integration.ts";
import {
  emailHashes,
  finish,
  NO_PARTICIPANTS,
  type NormalizeResult,
  opaqueIds,
  parseInstant,
  toInstant,
} from "../common.ts";
import { GRAPH_CLIENT_IDS_PROPERTY } from "./api.ts";

/** What normalising a fetched Graph event needs: the key for e-mail hashes, the subscription (its trackRef), the time. */
export interface GraphMapping {
  emailHashKey: string;
  subscriptionId: string;
  /** Epoch ms of the fetch: the version of an event Graph sent without `lastModifiedDateTime`. */
  fetchedAt: number;
}

const GRAPH_LOCAL = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?$/;

/** A Graph `dateTimeTimeZone` in UTC (as asked with `Prefer: outlook.timezone="UTC"`) as an instant. */
function graphInstant(when: { dateTime: string; timeZone: string } | undefined): string | null {
  if (when?.timeZone.toUpperCase() !== "UTC") return null;
  const m = GRAPH_LOCAL.exec(when.dateTime);
  return m ? toInstant(`${m[1]}${m[2] ?? ""}Z`) : null;
}

/**
 * A Graph event as a change. `isCancelled` cancels; all-day events and series masters yield none
 * here (a master is expanded through its instances: `normalizeGraphSeries`). An occurrence or
 * exception of a series is keyed by its `occurrenceId`, which stays the same when it is moved and
 * is what the master's `cancelledOccurrences` names. Guests' e-mails are hashed (rooms and
 * resources are not participants); opaque ids come from the `clientIds` extended property.
 * `lastModifiedDateTime` is the version. Subject, body and names are never read.
 */
export async function normalizeGraphEvent(event: unknown, mapping: GraphMapping): Promise<NormalizeResult> {
  const parsed = GraphEvent.safeParse(event);
  if (!parsed.success) return { ok: false, reason: "invalid-payload" };
  const e = parsed.data;
  if (e.type === "seriesMaster" || e.isAllDay) return { ok: true, changes: [] };
  const base = {
    source: "microsoft",
    externalId: e.occurrenceId ?? e.id,
    version: parseInstant(e.lastModifiedDateTime) ?? mapping.fetchedAt,
    trackRef: mapping.subscriptionId,
  } as const;
  if (e.isCancelled) return finish([{ ...base, action: "cancel", participants: NO_PARTICIPANTS }]);

  const startsAt = graphInstant(e.start);
  const endsAt = graphInstant(e.end);
  if (!startsAt || !endsAt) return { ok: false, reason: "invalid-payload" };
  const guests = (e.attendees ?? []).filter((a) => a.type !== "resource");
  const hashes = await emailHashes(
    guests.map((a) => a.emailAddress?.address),
    mapping.emailHashKey,
  );
  if (hashes === null) return { ok: false, reason: "no-email-key" };
  const property = e.singleValueExtendedProperties?.find(
    (p) => p.id.toLowerCase() === GRAPH_CLIENT_IDS_PROPERTY.toLowerCase(),
  );
  const clientIds = opaqueIds(property?.value);
  return finish([
    { ...base, action: "upsert", startsAt, endsAt, participants: { mode: "set", clientIds, emailHashes: hashes } },
  ]);
}

/**
 * A series master as changes: each of its instances in the horizon (occurrences and exceptions,
 * as `normalizeGraphEvent` reads them) and a cancellation per `cancelledOccurrences` entry, at the
 * master's version (Graph deletes a cancelled occurrence, so only the master says so).
 */
export async function normalizeGraphSeries(
  master: unknown,
  instances: readonly unknown[],
  mapping: GraphMapping,
): Promise<{ ok: true; changes: CalendarChange[] } | { ok: false; reason: string }> {
  const parsed = GraphEvent.safeParse(master);
  if (!parsed.success || parsed.data.type !== "seriesMaster") return { ok: false, reason: "invalid-payload" };
  const version = parseInstant(parsed.data.lastModifiedDateTime) ?? mapping.fetchedAt;
  const changes: CalendarChange[] = [];
  for (const instance of instances) {
    const n = await normalizeGraphEvent(instance, mapping);
    if (n.ok) changes.push(...n.changes);
  }
  for (const occurrenceId of parsed.data.cancelledOccurrences ?? []) {
    changes.push({
      source: "microsoft",
      externalId: occurrenceId,
      action: "cancel",
      version,
      trackRef: mapping.subscriptionId,
      participants: NO_PARTICIPANTS,
    });
  }
  return { ok: true, changes };
}

/** The event id at the end of a notification's resource path (`Users/{id}/Events/{eventId}`). */
export function eventIdOf(resource: string, resourceId?: string): string | null {
  if (resourceId) return resourceId;
  const last = resource.split("/").at(-1);
  return last && last.length > 0 ? last : null;
}
