import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CalendarChange } from "../../schemas/calendar/change.ts";
import {
  applyChange,
  type CalendarRecord,
  mergePeople,
  mergeRecords,
  type PersonState,
  peopleUpdates,
  presentPeople,
} from "../../src/calendar/event-merge.ts";

const NONE: CalendarChange["participants"] = { mode: "unchanged", clientIds: [], emailHashes: [] };
const upsert = (version: number, startsAt: string, clientIds: string[] = []): CalendarChange => ({
  source: "calcom",
  externalId: "bk",
  action: "upsert",
  startsAt,
  endsAt: startsAt.replace("17:00", "18:00"),
  version,
  participants: clientIds.length ? { mode: "set", clientIds, emailHashes: [] } : NONE,
});
const cancel = (version: number): CalendarChange => ({
  source: "calcom",
  externalId: "bk",
  action: "cancel",
  version,
  participants: NONE,
});

/** Fold changes in arrival order, as the directory does: the record and the attendee set. */
function fold(changes: readonly CalendarChange[]) {
  let rec: CalendarRecord | null = null;
  let people = new Map<string, PersonState>();
  for (const c of changes) {
    rec = applyChange(rec, c).record;
    people = mergePeople(people, peopleUpdates(people, c));
  }
  return { rec, present: presentPeople(people) };
}

const DAYS = ["2026-11-23T17:00:00Z", "2026-11-24T17:00:00Z", "2026-11-25T17:00:00Z"];
const PEOPLE = ["clt_a", "clt_b", "clt_c"];

const change = (version: number) =>
  fc.oneof(
    fc
      .record({
        day: fc.constantFrom(...DAYS),
        mode: fc.constantFrom("set", "add", "remove", "unchanged"),
        who: fc.subarray(PEOPLE),
      })
      .map(
        ({ day, mode, who }): CalendarChange => ({
          ...upsert(version, day),
          participants: { mode: mode as "set", clientIds: mode === "unchanged" ? [] : who, emailHashes: [] },
        }),
      ),
    fc.constant(cancel(version)),
  );

/** A history of changes to one event, each with its own version (as every source stamps them). */
const history = fc
  .uniqueArray(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 7 })
  .chain((versions) => fc.tuple(...versions.map(change)));

describe("calendar record ordering", () => {
  it("reaches the same record and attendees whatever order the deliveries arrive in", () => {
    fc.assert(
      fc.property(
        history.chain((changes) =>
          fc.tuple(fc.constant(changes), fc.shuffledSubarray(changes, { minLength: changes.length })),
        ),
        ([inOrder, shuffled]) => {
          const a = fold([...inOrder].sort((x, y) => x.version - y.version));
          const b = fold(shuffled);
          expect(b.rec?.cancelled).toBe(a.rec?.cancelled);
          expect(b.present).toEqual(a.present);
          if (!a.rec?.cancelled) expect([b.rec?.startsAt, b.rec?.version]).toEqual([a.rec?.startsAt, a.rec?.version]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("keeps a cancellation that arrived before its creation, and never lets an older move win", () => {
    expect(fold([cancel(2), upsert(1, DAYS[0] as string)]).rec).toMatchObject({ cancelled: true });
    expect(
      fold([upsert(1, DAYS[0] as string), upsert(3, DAYS[2] as string), upsert(2, DAYS[1] as string)]).rec,
    ).toMatchObject({
      cancelled: false,
      startsAt: DAYS[2],
      version: 3,
    });
    const same = upsert(3, DAYS[2] as string);
    const twice = applyChange(fold([same]).rec, same);
    expect(twice).toMatchObject({ changed: false, why: "stale" });
  });

  it("merges an alias's own record into its root: newer times win, a cancellation of either is final", () => {
    const root: CalendarRecord = {
      version: 2,
      cancelled: false,
      trackRef: "4242",
      sessionId: "ses_1",
      startsAt: DAYS[1],
    };
    const alias: CalendarRecord = { version: 5, cancelled: false, trackRef: null, sessionId: null, startsAt: DAYS[2] };
    expect(mergeRecords(root, alias)).toMatchObject({
      version: 5,
      startsAt: DAYS[2],
      sessionId: "ses_1",
      cancelled: false,
    });
    expect(mergeRecords(root, { ...alias, version: 1, cancelled: true, startsAt: undefined })).toMatchObject({
      cancelled: true,
      startsAt: DAYS[1],
    });
  });

  it("applies attendee changes per person, so one invitee's late booking cannot undo their newer cancellation", () => {
    const add = (v: number, who: string, mode: "add" | "remove"): CalendarChange => ({
      ...upsert(1, DAYS[0] as string),
      version: v,
      participants: { mode, clientIds: [who], emailHashes: [] },
    });
    expect(fold([add(1, "clt_a", "add"), add(3, "clt_b", "remove"), add(2, "clt_b", "add")]).present).toEqual([
      "c:clt_a",
    ]);
    expect(fold([add(1, "clt_a", "add"), upsert(4, DAYS[0] as string, ["clt_c"])]).present).toEqual(["c:clt_c"]);
  });
});
