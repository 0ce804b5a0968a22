import { z } from "zod";
import { Id, SubjectId } from "./common.ts";

/** Who a join token admits; only facilitators moderate, only observers are hidden. */
export const JoinRole = z
  .enum(["client", "facilitator", "observer", "family"])
  .meta({ id: "JoinRole", description: "Role in the room, which decides the video grants" });
export type JoinRole = z.infer<typeof JoinRole>;

/** Opaque room name as video platforms see it: `r_` and lower-case base32, nothing readable. */
export const RoomName = z
  .string()
  .regex(/^r_[0-9a-z]{16,64}$/, "must be an opaque room name such as r_4k9d…")
  .meta({ id: "RoomName", description: "Opaque room name", example: "r_8c3v5b4k9d2m7q1x0abcdefgh" });
export type RoomName = z.infer<typeof RoomName>;

/** Token id: random, recorded by the room so it can be revoked. */
const Jti = z.string().regex(/^[A-Za-z0-9_-]{8,128}$/, "must be an opaque token id");
/** Seconds since the Unix epoch, as JWT NumericDate. */
const EpochSeconds = z.number().int().nonnegative();

const grantShape = { sub: SubjectId, room: RoomName, role: JoinRole, nbf: EpochSeconds, exp: EpochSeconds, jti: Jti };
const nbfBeforeExp = (g: { nbf: number; exp: number }) => g.nbf < g.exp;
const nbfBeforeExpError = { path: ["exp"], message: "must be after nbf" };

/** A grant as a provider adapter takes it: opaque participant and room, role, window, token id. */
export const MediaGrant = z.strictObject(grantShape).refine(nbfBeforeExp, nbfBeforeExpError).meta({ id: "MediaGrant" });
export type MediaGrant = z.infer<typeof MediaGrant>;

/** What the room decided to grant, with the occurrence it belongs to (the native token carries it). */
export const JoinGrant = z
  .strictObject({ ...grantShape, sid: Id.meta({ description: "Occurrence id" }) })
  .refine(nbfBeforeExp, nbfBeforeExpError)
  .meta({ id: "JoinGrant" });
export type JoinGrant = z.infer<typeof JoinGrant>;

/** Claims of the native join token (`typ: iop-join+jwt`); exactly these, nothing personal. */
export const JoinClaims = z
  .strictObject({
    iss: z.string().min(1).max(256),
    aud: z.string().min(1).max(256),
    ...grantShape,
    sid: Id,
    iat: EpochSeconds,
  })
  .refine(nbfBeforeExp, nbfBeforeExpError)
  .meta({ id: "JoinClaims" });
export type JoinClaims = z.infer<typeof JoinClaims>;

/** Body of `POST /v1/tokens/introspect` (RFC 7662); the cap matches the verifier's. */
export const IntrospectRequest = z
  .strictObject({ token: z.string().min(1).max(4096) })
  .meta({ id: "IntrospectRequest" });
export type IntrospectRequest = z.infer<typeof IntrospectRequest>;

/** Inactive answers carry nothing else, so a gateway learns nothing about why (RFC 7662 §2.2). */
const InactiveIntrospection = z.strictObject({ active: z.literal(false) }).meta({ id: "InactiveIntrospection" });

const ActiveIntrospection = z
  .strictObject({
    active: z.literal(true),
    sub: SubjectId,
    sid: Id,
    role: JoinRole,
    room: RoomName,
    exp: EpochSeconds,
    jti: Jti,
  })
  .meta({ id: "ActiveIntrospection" });

/** Answer of `POST /v1/tokens/introspect`: `{ active: false }` or the live token's claims. */
export const Introspection = z
  .discriminatedUnion("active", [InactiveIntrospection, ActiveIntrospection])
  .meta({ id: "Introspection" });
export type Introspection = z.infer<typeof Introspection>;

/**
 * Per-program join link, e.g. `https://meet.example/rooms/{room}#token={token}`. Only `{room}`
 * and `{token}` are substituted; keep `{token}` in the fragment so it never reaches server logs.
 */
export const JoinUrlTemplate = z
  .string()
  .max(1024)
  .refine((t) => URL.canParse(t.replaceAll("{room}", "r").replaceAll("{token}", "t")), "must be an absolute URL")
  .refine((t) => /^https:\/\//i.test(t) || /^http:\/\/(localhost|127\.0\.0\.1)[:/]/i.test(t), "must use https")
  .meta({ id: "JoinUrlTemplate", example: "https://meet.example/rooms/{room}#token={token}" });
export type JoinUrlTemplate = z.infer<typeof JoinUrlTemplate>;
