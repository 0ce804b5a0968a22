import { describe, expect, it } from "vitest";
import { ProgramSettings } from "../../schemas/program.ts";
import type { Session } from "../../schemas/session.ts";
import type { CalendarRecord } from "../../src/calendar/event-merge.ts";
import { type OccurrenceContext, planOccurrence } from "../../src/calendar/plan-occurrence.ts";

const NOW = Date.parse("2026-11-20T10:00:00Z");
const origin = { source: "google", externalId: "evt1" };
const ctx = (over: Partial<OccurrenceContext> = {}): OccurrenceContext => ({
  programId: "prg_0123456789abcdefghjk",
  timezone: "America/Los_Angeles",
  settings: ProgramSettings.parse({}),
  target: {
    source: "google",
    trackRef: "cal",
    kind: "group",
    trackId: "trk_0123456789abcdefghjk",
    facilitatorIds: ["fac_1"],
  },
  trackCap: 10,
  now: NOW,
  newId: () => "ses_0123456789abcdefghjkmnpqrstvwxyz0123",
  ...over,
});
const rec = (over: Partial<CalendarRecord> = {}): CalendarRecord => ({
  version: 100,
  cancelled: false,
  trackRef: "cal",
  sessionId: null,
  startsAt: "2026-11-24T01:00:00Z",
  endsAt: "2026-11-24T04:00:00Z",
  ...over,
});

function created() {
  const plan = planOccurrence(rec(), origin, ["clt_a"], null, ctx());
  if (plan.effect !== "created") throw new Error(plan.effect);
  return plan.session;
}

describe("planning a calendar occurrence", () => {
  it("creates a group session in the program's local date, with the track's cap and facilitators", () => {
    expect(created()).toMatchObject({
      kind: "group",
      trackId: "trk_0123456789abcdefghjk",
      localDate: "2026-11-23",
      cap: 10,
      facilitatorIds: ["fac_1"],
      clientIds: ["clt_a"],
      status: "scheduled",
      version: 1,
      origin: { type: "calendar", source: "google", externalId: "evt1", version: 100 },
    });
  });

  it("creates nothing for an unmapped, past, over-long or cancelled event", () => {
    expect(planOccurrence(rec(), origin, [], null, ctx({ target: null }))).toEqual({
      effect: "none",
      reason: "unmapped",
    });
    expect(planOccurrence(rec({ endsAt: "2026-11-19T00:00:00Z" }), origin, [], null, ctx())).toMatchObject({
      reason: "past",
    });
    expect(planOccurrence(rec({ endsAt: "2026-11-24T10:00:00Z" }), origin, [], null, ctx())).toMatchObject({
      reason: "too-long",
    });
    expect(planOccurrence(rec({ cancelled: true }), origin, [], null, ctx())).toMatchObject({ reason: "cancelled" });
  });

  it("moves with a new version (old tokens stop), updates attendees without one, cancels once", () => {
    const s: Session = created();
    const moved = planOccurrence(
      rec({ version: 101, startsAt: "2026-11-25T01:00:00Z", endsAt: "2026-11-25T04:00:00Z" }),
      origin,
      ["clt_a"],
      s,
      ctx(),
    );
    expect(moved).toMatchObject({ effect: "moved", session: { version: 2, localDate: "2026-11-24", id: s.id } });
    const people = planOccurrence(rec({ version: 102 }), origin, ["clt_a", "clt_b"], s, ctx());
    expect(people).toMatchObject({ effect: "updated", session: { version: 1, clientIds: ["clt_a", "clt_b"] } });
    if (people.effect !== "updated") throw new Error("not updated");
    // Taking someone off is a new version: the room revokes the tokens already handed out.
    const fewer = planOccurrence(rec({ version: 103 }), origin, ["clt_b"], people.session, ctx());
    expect(fewer).toMatchObject({ effect: "people-removed", session: { version: 2, clientIds: ["clt_b"] } });
    const gone = planOccurrence(rec({ cancelled: true }), origin, [], s, ctx());
    expect(gone).toMatchObject({ effect: "cancelled", session: { status: "cancelled", version: 2 } });
    if (gone.effect !== "cancelled") throw new Error("not cancelled");
    expect(planOccurrence(rec({ cancelled: true }), origin, [], gone.session, ctx())).toEqual({
      effect: "none",
      reason: "cancelled",
    });
    expect(planOccurrence(rec(), origin, ["clt_a"], s, ctx())).toEqual({ effect: "none" });
  });
});
