const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"; // Crockford base32, lower case

/** A new opaque id: `prefix_` and 20 random base32 characters (100 bits). Never derived from personal data. */
export function newId(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  let out = `${prefix}_`;
  for (const b of bytes) out += ALPHABET[b & 31];
  return out;
}

const PROGRAM_ID = /^prg_([0-9a-z]{20})$/;
const CHILD_ID = /^[a-z]{3}_([0-9a-z]{20})[0-9a-z]{20}$/;

/**
 * A new id for something that lives inside a program (track, session, enrollment): the program's
 * random part followed by its own. Any route can then reach the program's Durable Object from the
 * id alone, with no index to keep consistent; the id still reveals nothing about a person.
 */
export function newChildId(prefix: string, programId: string): string {
  const m = PROGRAM_ID.exec(programId);
  if (!m) throw new Error("not a program id");
  return `${prefix}_${m[1]}${newId("x").slice(2)}`;
}

/** The program a child id belongs to, or null when the id is not one of ours. */
export function programIdOf(childId: string): string | null {
  const m = CHILD_ID.exec(childId);
  return m ? `prg_${m[1]}` : null;
}
