import { hmacSha256, toBase64Url, utf8 } from "../../lib/bytes.ts";

/**
 * What a room keeps of the name RealtimeKit shows for one of its participants: a keyed digest, never
 * the name. Names live only in the program's directory and reach a join's ticket alone
 * (src/directory/people-book.ts), while the room's alarm pre-enrols everyone under their alias; so a join
 * compares the tag of the name it would give with the tag stored for the enrolment, and renames the
 * participant (one call) only when they differ. Keyed with the room secret and salted with the
 * participant's id, so equal names do not look equal and a tag cannot be checked against a guess
 * without the secret.
 */
export type NameTag = (participantId: string, name: string) => Promise<string>;

/** 128 bits of HMAC-SHA256 are plenty to tell one name from another. */
const TAG_BYTES = 16;

/** The tag function under `secret` (the deployment's room secret). */
export function nameTagger(secret: string): NameTag {
  const key = utf8(secret);
  return async (participantId, name) =>
    toBase64Url((await hmacSha256(key, utf8(`rtk-name\n${participantId}\n${name}`))).slice(0, TAG_BYTES));
}
