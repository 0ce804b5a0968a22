import { z } from "zod";
import { Id, Instant, SubjectId, visible } from "../common.ts";
import { SessionKind } from "../session.ts";
import { CalendarSource } from "./change.ts";

/** The `trackRef` that maps every event of a source that no more specific mapping names. */
export const ANY_TRACK_REF = "*";

const TrackRef = visible(z.string().min(1).max(1024)).meta({
  description:
    'Google calendar id, Cal.com event type id, Calendly event type URI, Graph subscription id, or the standard payload\'s trackRef; "*" matches the rest',
});

/** Where one calendar's (or event type's) events land: the session kind, optionally a track, and who leads. */
export const CalendarMapping = z
  .strictObject({
    source: CalendarSource,
    trackRef: TrackRef,
    kind: SessionKind,
    trackId: Id.optional().meta({ description: "Group sessions of this track (its enrolled clients may join)" }),
    facilitatorIds: z.array(SubjectId).max(4).default([]),
  })
  .meta({ id: "CalendarMapping" });
export type CalendarMapping = z.infer<typeof CalendarMapping>;

/** A Google Calendar push channel the program opened (`events.watch`); notifications on other channels are ignored. */
export const GoogleChannel = z
  .strictObject({
    id: z.string().regex(/^[A-Za-z0-9_\-+/=]{1,64}$/, "Google channel ids are 1–64 of A-Z a-z 0-9 - _ + / ="),
    calendarId: z.string().min(1).max(1024),
    resourceId: z.string().min(1).max(512).optional(),
    expiresAt: Instant.optional().meta({ description: "Renewed by the product a day before, when webhookUrl is set" }),
  })
  .meta({ id: "GoogleChannel" });
export type GoogleChannel = z.infer<typeof GoogleChannel>;

/** A Microsoft Graph subscription on a calendar's events; its id is the `trackRef` of the events it reports. */
export const GraphSubscription = z
  .strictObject({
    id: z.string().min(1).max(256),
    resource: z
      .string()
      .regex(/^[A-Za-z0-9_\-/.@']{1,512}$/, "a Graph resource path such as users/{id}/events")
      .meta({ example: "users/9f2c0a4e/events" }),
    expiresAt: Instant.optional().meta({ description: "Renewed by the product a day before" }),
  })
  .meta({ id: "GraphSubscription" });
export type GraphSubscription = z.infer<typeof GraphSubscription>;

const HttpsUrl = z
  .string()
  .max(512)
  .regex(/^https:\/\/[^\s]+$/, "must be an https URL");

/** `PUT /v1/programs/{programId}/integrations/calendar`: the whole configuration, replaced at once. */
export const CalendarConfigInput = z
  .strictObject({
    mappings: z.array(CalendarMapping).max(200).default([]),
    google: z
      .strictObject({
        channels: z.array(GoogleChannel).max(50).default([]),
        webhookUrl: HttpsUrl.optional().meta({
          description: "This program's Google webhook URL, so the product can renew channels before they expire",
        }),
      })
      .default({ channels: [] }),
    microsoft: z
      .strictObject({
        subscriptions: z.array(GraphSubscription).max(50).default([]),
        webhookUrl: HttpsUrl.optional().meta({
          description:
            "This program's Microsoft webhook URL, so the product can re-create a subscription Graph removed",
        }),
      })
      .default({ subscriptions: [] }),
  })
  .superRefine((v, ctx) => {
    const seen = new Set<string>();
    v.mappings.forEach((m, i) => {
      const key = `${m.source}\u0000${m.trackRef}`;
      if (seen.has(key)) ctx.addIssue({ code: "custom", path: ["mappings", i, "trackRef"], message: "mapped twice" });
      seen.add(key);
    });
    const channels = new Set(v.google.channels.map((c) => c.id));
    if (channels.size !== v.google.channels.length) {
      ctx.addIssue({ code: "custom", path: ["google", "channels"], message: "channel ids must be unique" });
    }
  })
  .meta({ id: "CalendarConfigInput" });
export type CalendarConfigInput = z.infer<typeof CalendarConfigInput>;

/** The stored configuration (the e-mail hash key is kept apart from it and never leaves the product in full). */
export const CalendarConfig = z.strictObject({
  mappings: z.array(CalendarMapping),
  google: z.strictObject({ channels: z.array(GoogleChannel), webhookUrl: HttpsUrl.optional() }),
  microsoft: z.strictObject({ subscriptions: z.array(GraphSubscription), webhookUrl: HttpsUrl.optional() }),
});
export type CalendarConfig = z.infer<typeof CalendarConfig>;

/** Follow-up work the product owes a calendar (run from the program's alarm): a sync, a fetch, a renewal, a re-creation, a held reschedule's release. */
export const CalendarChore = z.strictObject({
  kind: z.enum([
    "google-sync",
    "google-renew",
    "graph-fetch",
    "graph-renew",
    "graph-resync",
    "graph-recreate",
    "calendar-release",
  ]),
  ref: z.string(),
  dueAt: Instant,
  attempts: z
    .number()
    .int()
    .min(0)
    .meta({ description: "Failed attempts so far; each waits longer (5 min doubling, at most 6 h)" }),
  lastError: z.string().optional().meta({ description: "Why the last attempt failed (a reason code, never a body)" }),
});

/** The last attempt to keep a push channel or subscription alive (every attempt is also in the audit trail). */
export const CalendarRenewal = z.strictObject({
  kind: z.enum(["google-renew", "graph-renew", "graph-recreate"]),
  ref: z.string().meta({ description: "The channel or subscription id the attempt was for" }),
  at: Instant,
  ok: z.boolean(),
  reason: z.string().optional().meta({ description: "Why it failed: http-401, not-configured, …" }),
  replacedBy: z.string().optional().meta({ description: "The new channel or subscription id, when one replaced it" }),
  expiresAt: Instant.optional(),
});
export type CalendarRenewal = z.infer<typeof CalendarRenewal>;
export type CalendarChore = z.infer<typeof CalendarChore>;

/** `GET` (and `PUT`) answer: the configuration, a fingerprint of the e-mail hash key, and outstanding work. */
export const CalendarConfigView = CalendarConfig.extend({
  emailHashKey: z.strictObject({
    fingerprint: z.string().meta({ description: "First 8 hex digits of the key's SHA-256; the key is never returned" }),
  }),
  chores: z.array(CalendarChore),
  renewals: z.array(CalendarRenewal).meta({ description: "The last renewal attempt per channel and subscription" }),
  syncedAt: z.record(z.string(), Instant).meta({ description: "Last successful sync per Google calendar id" }),
  updatedAt: Instant,
}).meta({ id: "CalendarConfig" });
export type CalendarConfigView = z.infer<typeof CalendarConfigView>;

/** `PUT /v1/enrollments/{enrollmentId}/email`: only its keyed hash is stored; the address itself never is. */
export const EnrollmentEmail = z
  .strictObject({ email: z.email().max(320) })
  .meta({ id: "EnrollmentEmail", example: { email: "client@example.org" } });
export type EnrollmentEmail = z.infer<typeof EnrollmentEmail>;

const Secrets = z.array(z.string().min(1).max(512)).max(8).optional();

/** The `WEBHOOK_SECRETS` secret: per program, per source, every currently valid secret (rotation). */
export const WebhookSecrets = z.record(
  z.string(),
  z.strictObject({
    standard: Secrets,
    calcom: Secrets,
    calendly: Secrets,
    microsoft: Secrets,
    google: Secrets,
  }),
);
export type WebhookSecrets = z.infer<typeof WebhookSecrets>;

/** The answer to an accepted (or knowingly ignored) delivery; deliberately says nothing about the program. */
export const WebhookReceipt = z
  .strictObject({ status: z.enum(["applied", "duplicate", "accepted", "ignored"]) })
  .meta({ id: "WebhookReceipt" });
export type WebhookReceipt = z.infer<typeof WebhookReceipt>;

/** A Microsoft Graph event as fetched after a notification; `z.object` strips subject, body and names. */
export const GraphEvent = z.object({
  id: z.string().min(1).max(1024),
  type: z.string().max(32).optional(),
  /** `OID.{seriesMasterId}.{original start date}`: an occurrence's stable key, also once it is an exception. */
  occurrenceId: z.string().max(2048).nullish(),
  seriesMasterId: z.string().max(1024).nullish(),
  /** A series master's: the `occurrenceId`s of its cancelled occurrences (which `instances` leaves out). */
  cancelledOccurrences: z.array(z.string().max(2048)).max(2000).nullish(),
  isCancelled: z.boolean().optional(),
  isAllDay: z.boolean().optional(),
  lastModifiedDateTime: z.string().max(64).optional(),
  start: z.object({ dateTime: z.string().max(64), timeZone: z.string().max(64) }).optional(),
  end: z.object({ dateTime: z.string().max(64), timeZone: z.string().max(64) }).optional(),
  attendees: z
    .array(
      z.object({
        type: z.string().max(16).optional(),
        emailAddress: z.object({ address: z.string().max(320).optional() }).optional(),
      }),
    )
    .max(500)
    .optional(),
  singleValueExtendedProperties: z
    .array(z.object({ id: z.string().max(256), value: z.string().max(2048) }))
    .max(20)
    .optional(),
});
export type GraphEvent = z.infer<typeof GraphEvent>;
