// The demo's drop-in group session: one whose join window is open the moment `npm start` is done,
// led by the demo facilitator, with every demo client listed, its room already open.
import { isoSeconds } from "./api.mjs";

const MINUTE = 60_000;
/** How long a fresh drop-in lasts. */
const LENGTH_MINUTES = 60;
/** A kept drop-in that admits newcomers for less than this is replaced. */
const KEEP_MINUTES = 20;
/** Shortest drop-in worth creating in front of the facilitator's next session. */
const SHORTEST_MINUTES = 30;

/** Until when a session admits first arrivals: its late-join cut-off, or its end. */
function admitsUntil(session, settings) {
  const start = Date.parse(session.startsAt);
  const end = Date.parse(session.endsAt);
  return settings.lateJoinMinutes === null ? end : Math.min(end, start + settings.lateJoinMinutes * MINUTE);
}

/**
 * Keep the last drop-in while it still admits newcomers for a while, else create a fresh one from
 * this minute. One facilitator cannot lead two sessions at once (the API answers 409), so a fresh
 * drop-in ends where the facilitator's next session starts, or, when that is too soon or already
 * running, that occurrence is cancelled: the demo's own data, and said so in the banner.
 * `admin` and `facilitator` are API clients; returns the session, whether it was kept, and what was cancelled.
 */
export async function ensureDropIn({ admin, facilitator }, demo, now = Date.now()) {
  const { settings } = await admin("GET", `/v1/programs/${demo.programId}`);
  if (demo.dropInSessionId) {
    const kept = await admin.raw("GET", `/v1/sessions/${demo.dropInSessionId}`);
    const usable =
      kept.status === 200 &&
      kept.body.status === "scheduled" &&
      admitsUntil(kept.body, settings) - now >= KEEP_MINUTES * MINUTE &&
      (await openRoom(facilitator, kept.body.id));
    if (usable) return { session: kept.body, kept: true, cancelled: [] };
  }
  const start = Math.floor(now / MINUTE) * MINUTE;
  let end = start + LENGTH_MINUTES * MINUTE;
  const clashes = await facilitatorSessions(admin, demo, start, end);
  const cancelled = [];
  const next = clashes[0] ? Date.parse(clashes[0].startsAt) : Number.POSITIVE_INFINITY;
  if (next - start >= SHORTEST_MINUTES * MINUTE) end = Math.min(end, next);
  else {
    for (const s of clashes) {
      await admin("POST", `/v1/sessions/${s.id}/cancel`);
      cancelled.push(s);
    }
  }
  const session = await admin("POST", `/v1/programs/${demo.programId}/sessions`, {
    kind: "group",
    startsAt: isoSeconds(start),
    endsAt: isoSeconds(end),
    facilitatorIds: [demo.facilitatorId],
    clientIds: demo.clientIds,
    cap: 12,
  });
  if (!(await openRoom(facilitator, session.id))) throw new Error(`could not open the drop-in room ${session.id}`);
  demo.dropInSessionId = session.id;
  return { session, kept: false, cancelled };
}

/** Open the room as its facilitator (opening an open room changes nothing); false when it has ended. */
async function openRoom(facilitator, sessionId) {
  return (await facilitator.raw("POST", `/v1/sessions/${sessionId}/open`)).status === 200;
}

/** The facilitator's scheduled sessions overlapping [start, end), by start; none lasts over 8 hours. */
async function facilitatorSessions(admin, demo, start, end) {
  const query = new URLSearchParams({ from: isoSeconds(start - 8 * 60 * MINUTE), to: isoSeconds(end), limit: "500" });
  const { sessions } = await admin("GET", `/v1/programs/${demo.programId}/sessions?${query}`);
  return sessions.filter(
    (s) =>
      s.status === "scheduled" &&
      s.facilitatorIds.includes(demo.facilitatorId) &&
      Date.parse(s.startsAt) < end &&
      Date.parse(s.endsAt) > start,
  );
}
