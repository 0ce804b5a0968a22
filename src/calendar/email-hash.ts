import { hmacSha256, toBase64Url, utf8 } from "../lib/bytes.ts";

/** The one normal form of an e-mail before hashing: trimmed, Unicode NFC, lower case. */
export function normalizeEmail(email: string): string {
  return email.trim().normalize("NFC").toLowerCase();
}

/**
 * base64url HMAC-SHA256 of the normalised e-mail under the program's key. Enrollments store the
 * same hash, so a calendar attendee can be matched to a client without the e-mail being kept
 * anywhere; the key makes the hash useless to anyone who only has our data.
 */
export async function hashEmail(email: string, programKey: string): Promise<string> {
  if (programKey.length === 0) throw new Error("the e-mail hash key is empty");
  return toBase64Url(await hmacSha256(utf8(programKey), utf8(normalizeEmail(email))));
}
