import type { CalendarChange } from "../../schemas/calendar/change.ts";
import type { CalendarChore, GoogleChannel, GraphSubscription } from "../../schemas/calendar/integration.ts";

/** Kinds of follow-up work: what a push or notification leaves to do, and what the cron schedules. */
export type FollowUpKind = CalendarChore["kind"];

/** Work to put on the program's list (a delivery's, the cron's, or a failed renewal's). */
export interface FollowUpOrder {
  kind: FollowUpKind;
  ref: string;
  detail?: Record<string, string>;
}

/** A due piece of work, with what the outbound call needs; the e-mail hash key stays in the Durable Object. */
export type FollowUpItem = { ref: string } & (
  | { kind: "google-sync"; calendarId: string; syncToken?: string }
  | { kind: "google-renew"; channel: GoogleChannel; webhookUrl?: string }
  | { kind: "graph-fetch"; resource: string; subscriptionId: string }
  | { kind: "graph-renew"; subscription: GraphSubscription }
  | { kind: "graph-resync"; subscription: GraphSubscription; since: number }
  | { kind: "graph-recreate"; subscription: GraphSubscription; webhookUrl?: string }
  | { kind: "calendar-release" }
);

/** What the outbound call brought back: events to normalise (inside the Durable Object), or a renewal. */
export type FollowUpResult = { kind: FollowUpKind; ref: string } & (
  | { ok: false; reason: string }
  | { ok: true; changes?: CalendarChange[]; nextSyncToken?: string; fullSyncIds?: string[] }
  | { ok: true; channel: GoogleChannel; replaces: string }
  | { ok: true; subscription: GraphSubscription; replaces: string }
  | { ok: true; expiresAt: string }
);

/** A calendar record held back from planning (a reschedule of a booking never seen), and until when. */
export interface CalendarHold {
  source: string;
  externalId: string;
  until: number;
}

/** The item that releases a hold once it is due (ref `{source}:{externalId}`; the work itself is inside the object). */
export function releaseOrder(hold: Pick<CalendarHold, "source" | "externalId">): FollowUpOrder {
  return { kind: "calendar-release", ref: `${hold.source}:${hold.externalId}` };
}

/** The record a release item is about. */
export function releaseOf(ref: string): { source: string; externalId: string } {
  const at = ref.indexOf(":");
  return { source: ref.slice(0, at), externalId: ref.slice(at + 1) };
}
