import { z } from "zod";
import { AttendancePolicy, AttendancePolicyInput } from "./attendance-policy.ts";
import { Id, Instant, plainText, TimeZone } from "./common.ts";

/**
 * The video platform a program runs its sessions on (docs/providers.md): the product's own signed
 * token for a media gateway, LiveKit, 8x8 Jitsi as a Service, Daily, Zoom Video SDK or Cloudflare
 * RealtimeKit. The same join API for all of them: schedule binding, seats, revocation and audit.
 */
export const VideoProvider = z
  .enum(["native", "livekit", "jitsi", "daily", "zoom", "realtimekit"])
  .meta({ id: "VideoProvider" });
export type VideoProvider = z.infer<typeof VideoProvider>;

/** SAMHSA guidance: a therapy group never exceeds 15 clients. */
export const MAX_GROUP_CAP = 15;

/** Where the video platform's page takes a token: `{room}` and `{token}` are substituted, URL-encoded. */
const JoinUrlTemplate = z
  .string()
  .max(300)
  .regex(/^https:\/\/[^\s]+$/, "must be an https URL")
  .refine((t) => t.includes("{token}"), "must contain {token}")
  .meta({ example: "https://meet.livekit.io/custom?liveKitUrl=wss://clinic.livekit.cloud&token={token}" });

const GroupCap = z.number().int().min(1).max(MAX_GROUP_CAP);

/** Program policy; every field has a clinical default so a new program works at once. */
export const ProgramSettings = z
  .strictObject({
    groupCapDefault: GroupCap.default(12).meta({ description: "Cap for tracks that set none" }),
    groupCapMax: GroupCap.default(MAX_GROUP_CAP).meta({ description: "No track or session may exceed it" }),
    joinWindowMinutes: z
      .number()
      .int()
      .min(0)
      .max(120)
      .default(15)
      .meta({ description: "Room joinable from start − window" }),
    lateJoinMinutes: z
      .number()
      .int()
      .min(0)
      .max(240)
      .nullable()
      .default(45)
      .meta({ description: "Joining after start + this is refused; null allows joining until the end" }),
    graceMinutes: z
      .number()
      .int()
      .min(0)
      .max(120)
      .default(10)
      .meta({ description: "Room stays usable after the scheduled end" }),
    minimumWeeklyHours: z.number().min(0).max(40).default(9).meta({ description: "9 for adults, 6 for adolescents" }),
    admissionPolicy: z
      .enum(["auto", "manual"])
      .default("auto")
      .meta({ description: "manual: every client waits to be admitted" }),
    videoProvider: VideoProvider.default("native"),
    allowMakeUp: z
      .boolean()
      .default(false)
      .meta({ description: "Clients may attend another track's group when a seat is free" }),
    joinUrlTemplate: JoinUrlTemplate.nullable().default(null),
    clientsChooseDisplayName: z
      .boolean()
      .default(true)
      .meta({ description: "Clients give the name staff see at check-in (a name staff set wins)" }),
    displayNamesInCall: z
      .boolean()
      .default(false)
      .meta({ description: "Participants see each other's display names in the video call; off: an alias" }),
    attendance: AttendancePolicy.default(AttendancePolicy.parse({})),
    part2: z.boolean().default(true).meta({
      description:
        "The program treats substance use disorder, so its records fall under 42 CFR Part 2: exported FHIR resources carry the Part 2 security labels and outbound deliveries carry the prohibition on re-disclosure. On by default",
    }),
  })
  .refine((s) => s.groupCapDefault <= s.groupCapMax, {
    path: ["groupCapDefault"],
    message: "must not exceed groupCapMax",
  })
  .meta({ id: "ProgramSettings" });
export type ProgramSettings = z.infer<typeof ProgramSettings>;

/** Settings as sent by a client: any subset, each field validated alone. */
export const ProgramSettingsInput = z
  .strictObject({
    groupCapDefault: GroupCap.optional(),
    groupCapMax: GroupCap.optional(),
    joinWindowMinutes: z.number().int().min(0).max(120).optional(),
    lateJoinMinutes: z.number().int().min(0).max(240).nullable().optional(),
    graceMinutes: z.number().int().min(0).max(120).optional(),
    minimumWeeklyHours: z.number().min(0).max(40).optional(),
    admissionPolicy: z.enum(["auto", "manual"]).optional(),
    videoProvider: VideoProvider.optional(),
    allowMakeUp: z.boolean().optional(),
    joinUrlTemplate: JoinUrlTemplate.nullable().optional(),
    clientsChooseDisplayName: z.boolean().optional(),
    displayNamesInCall: z.boolean().optional(),
    attendance: AttendancePolicyInput.optional(),
    part2: z.boolean().optional(),
  })
  .meta({ id: "ProgramSettingsInput" });
export type ProgramSettingsInput = z.infer<typeof ProgramSettingsInput>;

/** Program name: staff-facing only, never put in tokens, room names, keys or logs. */
const ProgramName = plainText(120);

export const ProgramCreate = z
  .strictObject({
    name: ProgramName,
    timezone: TimeZone,
    settings: ProgramSettingsInput.optional(),
  })
  .meta({ id: "ProgramCreate" });
export type ProgramCreate = z.infer<typeof ProgramCreate>;

export const ProgramPatch = z
  .strictObject({
    name: ProgramName.optional(),
    timezone: TimeZone.optional(),
    settings: ProgramSettingsInput.optional(),
  })
  .refine((p) => Object.keys(p).length > 0, "send at least one field")
  .meta({ id: "ProgramPatch" });
export type ProgramPatch = z.infer<typeof ProgramPatch>;

export const Program = z
  .strictObject({
    id: Id,
    name: z.string(),
    timezone: z.string(),
    settings: ProgramSettings,
    createdAt: Instant,
    updatedAt: Instant,
  })
  .meta({ id: "Program" });
export type Program = z.infer<typeof Program>;
