import { afterEach, describe, expect, it } from "vitest";
import { futureMonday, zoned } from "../dates.ts";
import { createProgram, harness } from "../helpers.ts";
import { type Rx, receiver, register, travel } from "./receiver.ts";

const made: Rx[] = [];
const use = (r: Rx) => {
  made.push(r);
  return r;
};
afterEach(() => {
  for (const r of made.splice(0)) r.restore();
});

describe("delivery details", () => {
  it("a redirect is a failure, not followed; two rotations: each old secret stops at its own overlap", async () => {
    const h = harness(Date.now());
    const admin = await h.token("admin", "adm_1");
    const programId = await createProgram(h.call, admin);
    const rx = use(receiver(() => 302));
    const { id, secret: s0 } = await register(h.call, programId, admin, rx.url, ["session.scheduled"]);
    const base = `/v1/programs/${programId}/event-endpoints/${id}`;
    const now = Date.now();
    const r1 = await h.call("POST", `${base}/secret`, {
      token: admin,
      body: { overlapUntil: new Date(now + 3600_000).toISOString() },
    });
    const r2 = await h.call("POST", `${base}/secret`, {
      token: admin,
      body: { overlapUntil: new Date(now + 7200_000).toISOString() },
    });
    expect([r1.status, r2.status]).toEqual([201, 201]);
    const [s1, s2] = [r1.body.secret as string, r2.body.secret as string];
    expect(r2.body.secrets).toHaveLength(3);
    const day = futureMonday();
    const mk = (hh: string) =>
      h.call("POST", `/v1/programs/${programId}/sessions`, {
        token: admin,
        body: {
          kind: "group",
          startsAt: zoned(day, `${hh}:00`),
          endsAt: zoned(day, `${hh}:30`),
          facilitatorIds: [`f${hh}`],
          clientIds: ["clt_a"],
          cap: 8,
        },
      });
    await mk("09");
    await travel(programId, now + 1000, () => rx.seen.length >= 1);
    const log = await h.call("GET", `${base}/deliveries`, { token: admin });
    expect(log.body.deliveries[0]).toMatchObject({ status: "pending", lastStatus: 302, lastError: "redirect" });
    expect(rx.seen).toHaveLength(1);
    // 90 minutes later: s0 is past its overlap (1 h), s1 not (2 h); s2 is current.
    rx.state.answer = () => 204;
    await mk("10");
    await travel(programId, now + 90 * 60_000, () => rx.ok().length >= 1);
    const last = rx.ok().at(-1) as (typeof rx.seen)[number];
    expect(last.signature.split(" ")).toHaveLength(2);
    expect(() => rx.verify(s2, last)).not.toThrow();
    expect(() => rx.verify(s1, last)).not.toThrow();
    expect(() => rx.verify(s0, last)).toThrow();
  });
});
