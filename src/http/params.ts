import { z } from "@hono/zod-openapi";

// Path ids stay plain strings here: an id of the wrong shape is a resource that does not exist (404),
// which the routes answer themselves, not a malformed request (400).
const PROGRAM = "prg_4k9d2m7q1x8c3v5b0n6a";
const OWN = "h2j8r5t1w9y3e7u0p4s6";
const child = (prefix: string) => `${prefix}_${PROGRAM.slice(4)}${OWN}`;

const programId = z.string().meta({ description: "The program's opaque id", example: PROGRAM });
const sessionId = z.string().meta({ description: "The session's opaque id", example: child("ses") });
const trackId = z.string().meta({ description: "The track's opaque id", example: child("trk") });
const enrollmentId = z.string().meta({ description: "The enrollment's opaque id", example: child("enr") });
const clientId = z.string().max(128).meta({ description: "The client's opaque id", example: "clt_7f3k2p9d" });
const participantId = z
  .string()
  .max(128)
  .meta({ description: "The participant's opaque id (client, staff or family)", example: "clt_7f3k2p9d" });

/** `{programId}`. */
export const ProgramParams = z.object({ programId });
/** `{sessionId}`. */
export const SessionParams = z.object({ sessionId });
/** `{trackId}`. */
export const TrackParams = z.object({ trackId });
/** `{enrollmentId}`. */
export const EnrollmentParams = z.object({ enrollmentId });
/** `{programId}` and `{clientId}`. */
export const ProgramClientParams = z.object({ programId, clientId });
/** `{sessionId}` and `{clientId}`. */
export const SessionClientParams = z.object({ sessionId, clientId });
/** `{sessionId}` and `{participantId}`. */
export const ParticipantParams = z.object({ sessionId, participantId });
