import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { JoinRole } from "../../schemas/join-token.ts";
import {
  ENROLMENT_LEAD_SECONDS,
  type Enrolment,
  type EnrolmentCall,
  type EnrolmentState,
  JOIN_VALIDITY_SECONDS,
  joinAction,
  planEnrolment,
  refreshDue,
  storedExpiry,
  TOKEN_MARGIN_SECONDS,
} from "../../src/video/realtimekit/enrolment.ts";

const ROOM = "r_8c3v5b4k9d2m7q1x0abcdefgh";
const MEETING = "50c8940e-1b97-402a-97d6-2708b7feca41";
/** The join window: 08:55 to 10:30 on day zero, in seconds; any day would do. */
const OPENS = 8 * 3600 + 55 * 60;
const CLOSES = 10 * 3600 + 30 * 60;

const enrolled = (tokenExpiresAt: number, preset = "group_call_participant", id = "p1"): Enrolment => ({
  rtkParticipantId: `rtk-${id}`,
  preset,
  tokenExpiresAt,
});

function state(over: Partial<EnrolmentState> = {}): EnrolmentState {
  return {
    room: ROOM,
    meetingId: MEETING,
    meetingActive: true,
    expected: [],
    enrolled: {},
    window: { opensAt: OPENS, closesAt: CLOSES },
    now: OPENS - 3600,
    ...over,
  };
}

const kinds = (calls: EnrolmentCall[]) =>
  calls.map((c) => `${c.kind}${"participantId" in c ? `:${c.participantId}` : ""}`);

describe("RealtimeKit pre-enrolment plan", () => {
  it("does nothing before the lead time, and says when to come back", () => {
    const plan = planEnrolment(
      state({
        meetingId: null,
        expected: [{ participantId: "clt_a", role: "client" }],
        now: OPENS - ENROLMENT_LEAD_SECONDS - 1,
      }),
    );
    expect(plan).toEqual({ calls: [], cost: 0, nextRunAt: OPENS - ENROLMENT_LEAD_SECONDS });
  });

  it("creates the meeting, then adds everyone, facilitators first, each with their role's preset", () => {
    const plan = planEnrolment(
      state({
        meetingId: null,
        expected: [
          { participantId: "clt_b", role: "client" },
          { participantId: "obs_a", role: "observer" },
          { participantId: "clt_a", role: "client" },
          { participantId: "fam_a", role: "family" },
          { participantId: "fac_a", role: "facilitator" },
          { participantId: "clt_a", role: "client" },
        ],
      }),
    );
    expect(kinds(plan.calls)).toEqual([
      "create-meeting",
      "add:fac_a",
      "add:clt_a",
      "add:clt_b",
      "add:fam_a",
      "add:obs_a",
    ]);
    expect(plan.calls[0]).toEqual({ kind: "create-meeting", title: ROOM });
    expect(plan.calls.map((c) => (c.kind === "add" ? c.preset : null))).toEqual([
      null,
      "group_call_host",
      "group_call_participant",
      "group_call_participant",
      "group_call_participant",
      "iop_observer",
    ]);
    expect(plan.cost).toBe(6);
    expect(plan.nextRunAt).toBe(CLOSES);
  });

  it("plans nothing for someone enrolled with a token that lasts the window", () => {
    const plan = planEnrolment(
      state({ expected: [{ participantId: "clt_a", role: "client" }], enrolled: { clt_a: enrolled(CLOSES + 3600) } }),
    );
    expect(plan).toEqual({ calls: [], cost: 0, nextRunAt: CLOSES });
  });

  it("refreshes, never re-adds, a token that would run out before the window ends, as late as it can", () => {
    const ttl = 3600;
    const s = state({
      expected: [{ participantId: "clt_a", role: "client" }],
      enrolled: { clt_a: enrolled(OPENS + 600) },
      tokenTtlSeconds: ttl,
    });
    // Due when it is about to run out, before a fresh token could reach the window's end.
    const due = OPENS + 600 - TOKEN_MARGIN_SECONDS;
    expect(refreshDue(OPENS + 600, s)).toBe(due);
    expect(planEnrolment(s)).toEqual({ calls: [], cost: 0, nextRunAt: due });
    expect(planEnrolment({ ...s, now: due }).calls).toEqual([
      { kind: "refresh", participantId: "clt_a", rtkParticipantId: "rtk-p1" },
    ]);
    // A token lasting almost to the end is refreshed once a fresh one would last past it.
    expect(refreshDue(CLOSES - 120, s)).toBe(CLOSES + TOKEN_MARGIN_SECONDS - ttl);
    // Unknown lifetime: refresh now; a lifetime too short to gain anything: never.
    expect(refreshDue(OPENS, { window: s.window })).toBe(Number.NEGATIVE_INFINITY);
    expect(refreshDue(OPENS, { window: s.window, tokenTtlSeconds: 30 })).toBeNull();
    expect(refreshDue(CLOSES + TOKEN_MARGIN_SECONDS, s)).toBeNull();
  });

  it("removes whoever is no longer expected first, kicking them if they are connected", () => {
    const plan = planEnrolment(
      state({
        expected: [{ participantId: "clt_new", role: "client" }],
        enrolled: {
          clt_gone: enrolled(CLOSES + 3600, "group_call_participant", "gone"),
          clt_here: enrolled(CLOSES + 3600, "group_call_participant", "here"),
        },
        present: ["clt_here"],
      }),
    );
    expect(plan.calls).toEqual([
      { kind: "remove", participantId: "clt_gone", rtkParticipantId: "rtk-gone", kick: false },
      { kind: "remove", participantId: "clt_here", rtkParticipantId: "rtk-here", kick: true },
      { kind: "add", participantId: "clt_new", role: "client", preset: "group_call_participant" },
    ]);
    expect(plan.cost).toBe(4);
  });

  it("a role change is a removal and an addition with the new role's preset", () => {
    const plan = planEnrolment(
      state({ expected: [{ participantId: "clt_a", role: "observer" }], enrolled: { clt_a: enrolled(CLOSES + 3600) } }),
    );
    expect(kinds(plan.calls)).toEqual(["remove:clt_a", "add:clt_a"]);
    expect(plan.calls[1]).toMatchObject({ preset: "iop_observer" });
    const custom = planEnrolment(
      state({
        expected: [{ participantId: "clt_a", role: "client" }],
        enrolled: { clt_a: enrolled(CLOSES + 3600) },
        presets: { client: "clinic_client" },
      }),
    );
    expect(kinds(custom.calls)).toEqual(["remove:clt_a", "add:clt_a"]);
  });

  it("after the window, one call ends the meeting so no token out admits anyone; then nothing", () => {
    const after = state({
      now: CLOSES,
      expected: [{ participantId: "clt_a", role: "client" }],
      enrolled: { clt_a: enrolled(CLOSES + 3600) },
    });
    expect(planEnrolment(after)).toEqual({
      calls: [{ kind: "end-meeting", meetingId: MEETING }],
      cost: 1,
      nextRunAt: null,
    });
    expect(planEnrolment({ ...after, meetingActive: false })).toEqual({ calls: [], cost: 0, nextRunAt: null });
    expect(planEnrolment({ ...after, meetingId: null })).toEqual({ calls: [], cost: 0, nextRunAt: null });
  });

  it("a join reuses a token valid for five more minutes, refreshes a shorter one, and adds only someone never enrolled", () => {
    const now = OPENS + 60;
    expect(joinAction(enrolled(now + JOIN_VALIDITY_SECONDS), now)).toEqual({ kind: "reuse" });
    expect(joinAction(enrolled(now + JOIN_VALIDITY_SECONDS - 1), now)).toEqual({
      kind: "refresh",
      rtkParticipantId: "rtk-p1",
    });
    expect(joinAction(undefined, now)).toEqual({ kind: "add" });
    expect(storedExpiry(now + 10, now)).toBe(now + 10);
    expect(storedExpiry(null, now)).toBe(now + 3600);
  });

  it("property: running a plan leaves nothing to do at the same instant, and nobody is added and refreshed together", () => {
    const role = fc.constantFrom<JoinRole>("client", "facilitator", "observer", "family");
    const ids = fc.constantFrom("clt_a", "clt_b", "clt_c", "fac_a", "obs_a", "fam_a");
    fc.assert(
      fc.property(
        fc.array(fc.record({ participantId: ids, role }), { maxLength: 8 }),
        fc.dictionary(
          ids,
          fc.record({
            preset: fc.constantFrom("group_call_host", "group_call_participant", "iop_observer"),
            left: fc.integer({ min: -7200, max: 14_400 }),
          }),
        ),
        fc.integer({ min: OPENS - ENROLMENT_LEAD_SECONDS, max: CLOSES - 1 }),
        fc.option(fc.integer({ min: 600, max: 86_400 }), { nil: undefined }),
        fc.boolean(),
        (expected, stored, now, ttl, hasMeeting) => {
          // Without a meeting, stored enrolments are stale (a lost meeting): the plan must not use them.
          const enrolledNow: Record<string, Enrolment> = {};
          for (const [id, e] of Object.entries(stored))
            enrolledNow[id] = { rtkParticipantId: `rtk-${id}`, preset: e.preset, tokenExpiresAt: now + e.left };
          const s = state({
            meetingId: hasMeeting ? MEETING : null,
            expected,
            enrolled: enrolledNow,
            now,
            ...(ttl === undefined ? {} : { tokenTtlSeconds: ttl }),
          });
          const plan = planEnrolment(s);
          const touched = plan.calls
            .filter((c) => c.kind === "add" || c.kind === "refresh")
            .map((c) => ("participantId" in c ? c.participantId : ""));
          expect(new Set(touched).size).toBe(touched.length);
          if (plan.calls.some((c) => c.kind === "create-meeting"))
            expect(plan.calls.findIndex((c) => c.kind === "create-meeting")).toBe(
              plan.calls.findIndex((c) => c.kind !== "remove"),
            );
          // Apply the plan as the platform would, with tokens lasting `ttl` (or a day when unknown).
          const after: Record<string, Enrolment> = hasMeeting ? { ...s.enrolled } : {};
          const fresh = now + (ttl ?? 86_400);
          for (const c of plan.calls) {
            if (c.kind === "remove") delete after[c.participantId];
            if (c.kind === "add")
              after[c.participantId] = {
                rtkParticipantId: `new-${c.participantId}`,
                preset: c.preset,
                tokenExpiresAt: fresh,
              };
            if (c.kind === "refresh")
              after[c.participantId] = { ...(after[c.participantId] as Enrolment), tokenExpiresAt: fresh };
          }
          const again = planEnrolment({ ...s, meetingId: MEETING, enrolled: after, tokenTtlSeconds: ttl ?? 86_400 });
          expect(again.calls).toEqual([]);
          expect(Object.keys(after).sort()).toEqual([...new Set(expected.map((e) => e.participantId))].sort());
        },
      ),
    );
  });
});
