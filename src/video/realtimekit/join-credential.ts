import type { WorkerConfig } from "../../../schemas/config.ts";
import { log } from "../../lib/log.ts";
import type { RealtimeKitIds } from "../../rooms/realtimekit-ids.ts";
import type { MintRequest } from "../mint-request.ts";
import { participantFor, type RealtimeKitFetch, realtimeKitApi } from "./api.ts";

/** The room's side of it: read or record RealtimeKit's ids (SessionRoom.realtimeKit). */
export type RealtimeKitRoom = {
  realtimeKit(
    participantId: string,
    put?: { meetingId?: string; rtkParticipantId?: string | null },
  ): Promise<RealtimeKitIds>;
};

/**
 * The participant token for an admitted join (the room already decided the seat): the occurrence's
 * meeting (found by its opaque title, else created), then a refreshed token for someone enrolled
 * before, or one Add Participant with the role's preset for someone new. Tokens are never stored:
 * a join costs one call (a refresh) once the person is enrolled. `null` when RealtimeKit refused or
 * could not be reached: the join then answers 503 and the caller asks again.
 */
export async function realtimeKitToken(
  room: RealtimeKitRoom,
  config: NonNullable<WorkerConfig["realtimekit"]>,
  req: MintRequest,
  fetchFn: RealtimeKitFetch = (url, init) => fetch(url, init),
): Promise<string | null> {
  const api = realtimeKitApi({ ...config, baseUrl: config.apiUrl, fetch: fetchFn, now: () => req.now });
  const who = req.grant.sub;
  let ids = await room.realtimeKit(who);
  if (!ids.meetingId) {
    const found = await api.findMeeting(req.grant.room);
    const made = found.ok && found.meetingId ? found : await api.createMeeting(req.grant.room);
    if (!made.ok || !made.meetingId) return failed("meeting", made);
    // The room keeps the first meeting recorded, should two joins have raced to make one.
    ids = await room.realtimeKit(who, { meetingId: made.meetingId });
  }
  const meetingId = ids.meetingId as string;
  if (ids.rtkParticipantId) {
    const refreshed = await api.refreshToken(meetingId, ids.rtkParticipantId);
    if (refreshed.ok) return refreshed.token;
    // Deleted on RealtimeKit's side (a removal, or the meeting's reset): enrol again below.
    if (refreshed.reason !== "not-found") return failed("refresh", refreshed);
  }
  const added = await api.addParticipant(meetingId, participantFor(req));
  if (!added.ok) return failed("add", added);
  await room.realtimeKit(who, { rtkParticipantId: added.participantId });
  return added.token;
}

function failed(step: string, r: { ok: boolean; reason?: string; status?: number }): null {
  log("warn", "realtimekit.join.failed", { step, reason: r.reason ?? "no-meeting", status: r.status });
  return null;
}
