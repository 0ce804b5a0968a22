import { z } from "zod";
import { SubjectId } from "../../../schemas/common.ts";
import { parseJsonBody } from "../../lib/parse-json.ts";
import type { ListParticipantsResult, ParticipantState, RoomParticipant, RoomServiceError } from "./room-service.ts";

/** LiveKit's `ListParticipants` answer, read defensively: who of ours is in the room, since when, in what state. */

/** A group room holds tens of people; a longer list is not one of ours and is refused whole. */
export const MAX_LISTED_PARTICIPANTS = 500;
/** That many participants with every field LiveKit writes (tracks included), a few KiB each. */
const MAX_LIST_BODY = 4 * 1024 * 1024;

/** protojson writes int64 as a decimal string, and parsers read a number too. */
const Digits = z
  .string()
  .regex(/^\d{1,16}$/)
  .transform(Number);
const Int64 = z.union([z.number(), Digits]).pipe(z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER));
const STATE_NAMES = ["JOINING", "JOINED", "ACTIVE", "DISCONNECTED"] as const;
/** protojson writes an enum by name, and parsers read its number too; an unset state is 0, JOINING. */
const State = z
  .union([z.enum(STATE_NAMES), z.number().transform((n) => STATE_NAMES[n])])
  .pipe(z.enum(STATE_NAMES))
  .transform((name) => name.toLowerCase() as ParticipantState);
/**
 * One of our participants in LiveKit's `ParticipantInfo`. LiveKit's server writes proto names
 * (`joined_at_ms`); other protojson writers use JSON names (`joinedAtMs`): both are read. Every other
 * field (name, metadata, attributes, tracks) is dropped here, unread.
 */
const Listed = z.object({
  identity: SubjectId,
  state: State.optional(),
  joined_at: Int64.optional(),
  joinedAt: Int64.optional(),
  joined_at_ms: Int64.optional(),
  joinedAtMs: Int64.optional(),
});
const ListAnswer = z.object({ participants: z.array(z.unknown()).max(MAX_LISTED_PARTICIPANTS).nullish() });

/**
 * LiveKit's `ListParticipantsResponse`, our participants only. One of ours that cannot be read
 * refuses the whole answer: leaving them out would read as "they left".
 */
export async function readList(res: Response): Promise<ListParticipantsResult> {
  const invalid: RoomServiceError = { ok: false, retry: false, reason: "invalid", status: res.status };
  const text = await readCapped(res, MAX_LIST_BODY);
  const json = text === undefined ? undefined : parseJsonBody(text);
  const answer = ListAnswer.safeParse(json?.ok ? json.value : undefined);
  if (!answer.success) return invalid;
  const participants: RoomParticipant[] = [];
  for (const entry of answer.data.participants ?? []) {
    const identity = entry && typeof entry === "object" && "identity" in entry ? entry.identity : undefined;
    if (!SubjectId.safeParse(identity).success) continue;
    const p = Listed.safeParse(entry);
    if (!p.success) return invalid;
    // `joined_at_ms` came with protocol 1.32 (January 2025); an older server leaves it out or 0.
    const ms = p.data.joined_at_ms || p.data.joinedAtMs || (p.data.joined_at || p.data.joinedAt || 0) * 1000;
    if (!Number.isSafeInteger(ms) || ms <= 0) return invalid;
    participants.push({ identity: p.data.identity, joinedAtMs: ms, state: p.data.state ?? "joining" });
  }
  return { ok: true, participants };
}

/** The body as text, or undefined past `max` bytes (read no further). */
async function readCapped(res: Response, max: number): Promise<string | undefined> {
  const reader = res.body?.getReader();
  if (!reader) return "";
  const decoder = new TextDecoder();
  let text = "";
  let size = 0;
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    size += chunk.value.byteLength;
    if (size > max) {
      await reader.cancel();
      return undefined;
    }
    text += decoder.decode(chunk.value, { stream: true });
  }
  return text + decoder.decode();
}
