import { CalendarChange, type ParticipantsChange } from "../../../schemas/calendar/change.ts";
import { SubjectId } from "../../../schemas/common.ts";
import type { SessionKind } from "../../../schemas/session.ts";
import { isoInstant } from "../../lib/clock.ts";
import { hashEmail } from "../email-hash.ts";

/** Program configuration every calendar normaliser needs. */
export interface NormalizeMapping {
  /** The program's key for e-mail hashes; the same key hashes enrollments' e-mails. */
  emailHashKey: string;
  /** Session kind per `trackRef` (calendar id, event type), when the program configures one. */
  kinds?: Readonly<Record<string, SessionKind>>;
}

/** Why a verified payload yields no change: the route answers 4xx, since a retry cannot help. */
export type NormalizeReason = "invalid-payload" | "stale" | "no-email-key";

/** Changes to apply (possibly none: an event the product ignores), or why there are none. */
export type NormalizeResult = { ok: true; changes: CalendarChange[] } | { ok: false; reason: NormalizeReason };

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/i;

/** Epoch ms of an RFC 3339 instant with a zone (any fraction length), or null. */
export function parseInstant(s: string | null | undefined): number | null {
  const m = s ? RFC3339.exec(s) : null;
  if (!m) return null;
  const fraction = (m[2] ?? "").slice(0, 3).padEnd(3, "0");
  const ms = Date.parse(`${m[1]}.${fraction}${(m[3] as string).toUpperCase()}`);
  return Number.isFinite(ms) ? ms : null;
}

/** An RFC 3339 instant as the product's wire format (UTC, `Z`), or null. */
export function toInstant(s: string | null | undefined): string | null {
  const ms = parseInstant(s);
  return ms === null ? null : isoInstant(ms);
}

/** Opaque client ids from a list or a comma-separated string; anything not opaque (an e-mail) is dropped. */
export function opaqueIds(value: unknown): string[] {
  const raw = Array.isArray(value) ? value : typeof value === "string" ? value.split(",") : [];
  const ids = raw.filter((v): v is string => typeof v === "string").map((v) => v.trim());
  return [...new Set(ids.filter((id) => SubjectId.safeParse(id).success))];
}

/** Hashes of the e-mails present; null when there are e-mails but no key to hash them with. */
export async function emailHashes(
  emails: readonly (string | null | undefined)[],
  key: string,
): Promise<string[] | null> {
  const present = emails.filter((e): e is string => typeof e === "string" && e.includes("@"));
  if (present.length === 0) return [];
  if (key.length === 0) return null;
  return [...new Set(await Promise.all(present.map((e) => hashEmail(e, key))))];
}

/** Participants of a change that says nothing about them. */
export const NO_PARTICIPANTS: ParticipantsChange = { mode: "unchanged", clientIds: [], emailHashes: [] };

/** Check each change against the contract; a payload that cannot make a valid change is invalid. */
export function finish(changes: readonly unknown[]): NormalizeResult {
  const out: CalendarChange[] = [];
  for (const c of changes) {
    const parsed = CalendarChange.safeParse(c);
    if (!parsed.success) return { ok: false, reason: "invalid-payload" };
    out.push(parsed.data);
  }
  return { ok: true, changes: out };
}
