import { z } from "zod";
import { Instant, plainText, SubjectId } from "./common.ts";

/**
 * The name a person goes by in the program: 1–40 characters after trimming, no control or
 * bidi-override characters. Personal data: kept only in the program's Durable Object, returned to
 * staff only, and never put in logs, KV keys, URLs, room names, audit entries or native join tokens.
 */
export const DisplayName = plainText(40).meta({ example: "Sam R." });
export type DisplayName = z.infer<typeof DisplayName>;

/** Who set a name: staff (wins), or the client at check-in (only while staff set none). */
export const NameSource = z.enum(["staff", "client"]);
export type NameSource = z.infer<typeof NameSource>;

/** `PUT /v1/programs/{programId}/people/{subjectId}/display-name`. */
export const DisplayNamePut = z.strictObject({ displayName: DisplayName }).meta({ id: "DisplayNamePut" });

/** One person's name as staff see it. */
export const PersonName = z
  .strictObject({
    subjectId: SubjectId,
    displayName: z.string(),
    setBy: NameSource,
    updatedAt: Instant,
  })
  .meta({ id: "PersonName" });
export type PersonName = z.infer<typeof PersonName>;

/** `GET /v1/programs/{programId}/people?ids=a,b`: the names of those who have one (others are absent). */
export const PeopleQuery = z.strictObject({
  ids: z
    .string()
    .min(1)
    .max(8000)
    .transform((s) => [...new Set(s.split(",").filter(Boolean))])
    .pipe(z.array(SubjectId).min(1).max(200))
    .meta({ description: "Comma-separated subject ids, at most 200" }),
});

export const PeopleList = z.strictObject({ people: z.array(PersonName) }).meta({ id: "PeopleList" });
export type PeopleList = z.infer<typeof PeopleList>;

/** A staff view's `displayName` field: the person's name, or null when they have none. */
export const ShownName = z
  .string()
  .nullable()
  .meta({ description: "Staff only: the name the person goes by in the program, null when none was given" });

/** `POST /v1/sessions/{sessionId}/join` body (optional): the name a client gives at check-in. */
export const JoinRequest = z
  .strictObject({
    displayName: DisplayName.optional().meta({
      description:
        "Only where the program lets clients name themselves (`clientsChooseDisplayName`) and staff set no name",
    }),
  })
  .meta({ id: "JoinRequest" });
export type JoinRequest = z.infer<typeof JoinRequest>;
