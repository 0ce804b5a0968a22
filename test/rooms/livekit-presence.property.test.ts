import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { livekitAuthorization } from "../calendar/providers/senders.ts";
import type { StandInParticipant } from "../stand-ins/livekit-room-service.ts";
import { liveKitGroup } from "./livekit-fixture.ts";

const S = 1000;
const SESSION_S = 180 * 60;

/** One client's connections, in seconds from the start: ordered, at least a minute long and a minute apart. */
const connections = fc
  .array(fc.integer({ min: 0, max: SESSION_S }), { minLength: 0, maxLength: 6 })
  .map((cuts) => [...new Set(cuts)].sort((a, b) => a - b))
  .map((cuts) => {
    const out: { from: number; to: number }[] = [];
    for (let i = 0; i + 1 < cuts.length; i += 2) {
      const from = cuts[i] as number;
      const to = cuts[i + 1] as number;
      const last = out.at(-1);
      if (to - from >= 60 && (!last || from - last.to >= 60)) out.push({ from, to });
    }
    return out;
  });

/** What happens to one webhook: lost, or delivered after a delay (seconds), perhaps twice. */
const delivery = fc.record({
  lost: fc.integer({ min: 0, max: 9 }).map((n) => n < 3),
  delay: fc.integer({ min: 0, max: 20 }),
  twice: fc.boolean(),
});

/**
 * Twelve clients connect and drop at random; LiveKit's webhooks (signed as LiveKit signs them) come
 * late, twice, out of order, or never; the room polls LiveKit's participant list (the Twirp stand-in,
 * following the same truth) every 15 s. Each client's final minutes match the truth within 15 s per
 * connection.
 */
describe("presence against LiveKit's truth, property", () => {
  it("final attended time is within 15 s per connection of what LiveKit saw, for every client of a 12-client group", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(connections, { minLength: 12, maxLength: 12 }),
        fc.array(delivery, { minLength: 200, maxLength: 200 }),
        async (timelines, deliveries) => {
          const { s, livekit, room, name } = await liveKitGroup(12);
          const start = Date.parse(s.at(0));
          s.clock.set(Date.parse(s.at(-2)));
          for (const id of s.clients) expect((await s.join(id)).status).toBe(200);
          // Every webhook LiveKit would send, with what happens to it.
          let n = 0;
          const hooks = timelines.flatMap((segments, i) =>
            segments.flatMap((seg) =>
              (["participant_joined", "participant_left"] as const).map((event) => {
                const at = start + (event === "participant_joined" ? seg.from : seg.to) * S;
                const d = deliveries[n % deliveries.length] as { lost: boolean; delay: number; twice: boolean };
                const id = `EV_${n++}`;
                return { id, event, identity: s.clients[i] as string, at, ...d, deliverAt: at + d.delay * S };
              }),
            ),
          );
          const pending = hooks.filter((h) => !h.lost).flatMap((h) => (h.twice ? [h, h] : [h]));
          const send = async (h: (typeof hooks)[number]) => {
            const body = JSON.stringify({
              id: h.id,
              event: h.event,
              createdAt: String(Math.floor(h.at / S)),
              room: { sid: "RM_x", name },
              participant: { sid: `PA_${h.identity}`, identity: h.identity, name: "" },
            });
            const back = s.clock.now();
            s.clock.set(Date.now()); // LiveKit signs with its real clock
            const res = await s.call("POST", `/v1/webhooks/video/${s.programId}/livekit`, {
              raw: body,
              headers: {
                "content-type": "application/webhook+json",
                authorization: await livekitAuthorization(env.LIVEKIT_API_KEY, env.LIVEKIT_API_SECRET, body),
              },
            });
            s.clock.set(back);
            expect(res.status).toBe(200);
          };
          const listed = (t: number): StandInParticipant[] =>
            timelines.flatMap((segments, i) => {
              const seg = segments.find((x) => start + x.from * S <= t && t < start + x.to * S);
              return seg ? [{ identity: s.clients[i] as string, joinedAtMs: start + seg.from * S }] : [];
            });
          // A change to the session arms the room's alarm; from then on it polls every 15 s.
          s.clock.set(Date.parse(s.at(-1)));
          expect(
            (await s.call("PATCH", `/v1/sessions/${s.sessionId}`, { token: s.admin, body: { cap: 12 } })).status,
          ).toBe(200);
          for (let i = 0; i < 2000; i++) {
            const at = await runInDurableObject(room, (_x, state) => state.storage.getAlarm());
            if (at === null) break;
            // Webhooks due by now arrive, in reverse order (late ones overtaking earlier ones).
            const due = pending.filter((h) => h.deliverAt <= at).reverse();
            for (const h of due) pending.splice(pending.indexOf(h), 1);
            for (const h of due) await send(h);
            livekit.setParticipants(name, listed(at));
            await runDurableObjectAlarm(room);
          }
          // Stragglers arrive after the close and amend the records.
          for (const h of pending) await send(h);
          const ledger = await s.call("GET", `/v1/programs/${s.programId}/attendance?from=${s.day}&to=${s.day}`, {
            token: s.admin,
          });
          const records = new Map(
            ledger.body.records
              .filter((r: { sessionId: string }) => r.sessionId === s.sessionId)
              .map((r: { clientId: string; attendedSeconds: number; status: string }) => [r.clientId, r]),
          );
          timelines.forEach((segments, i) => {
            const truth = segments.reduce((sum, x) => sum + (x.to - x.from), 0);
            const got = records.get(s.clients[i] as string) as { attendedSeconds: number; status: string };
            expect(
              Math.abs(got.attendedSeconds - truth),
              `client ${i} ${JSON.stringify(segments)}`,
            ).toBeLessThanOrEqual(15 * Math.max(1, segments.length) + 2);
            if (segments.length === 0) expect(got.status).toBe("no-show");
          });
        },
      ),
      // Each run drives some 760 alarms: report the first counterexample rather than shrink it for minutes.
      { numRuns: 3, endOnFailure: true },
    );
  }, 120_000);
});
