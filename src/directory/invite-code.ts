/** An invite code: the enrollment id (which names its program) and 256 random bits, base64url. */
export function newInviteCode(enrollmentId: string): { code: string; secret: string } {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const secret = btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
  return { code: `${enrollmentId}.${secret}`, secret };
}

/** Split a code into its enrollment id and secret; null when it is not shaped like one. */
export function parseInviteCode(code: string): { enrollmentId: string; secret: string } | null {
  const m = /^([a-z]{3}_[0-9a-z]{40})\.([A-Za-z0-9_-]{43})$/.exec(code);
  return m ? { enrollmentId: m[1] as string, secret: m[2] as string } : null;
}

/** SHA-256 of the secret, hex: what the directory stores and compares. */
export async function hashInviteSecret(secret: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(secret));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
