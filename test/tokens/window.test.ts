import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RoomName } from "../../schemas/join-token.ts";
import { newId } from "../../src/lib/ids.ts";
import { roomName, tokenValidity } from "../../src/tokens/window.ts";
import { PERSONAL } from "./fixtures.ts";

const START = Date.parse("2026-11-23T17:00:00Z") / 1000; // 09:00 in Los Angeles
const END = START + 3 * 3600;
const base = { startsAt: START, endsAt: END, joinWindowMinutes: 15, graceMinutes: 10 };

describe("tokenValidity: the join window in seconds", () => {
  it("refuses before start − window and opens exactly at it, without back-dating past the window", () => {
    expect(tokenValidity({ ...base, now: START - 15 * 60 - 1 })).toEqual({ ok: false, reason: "too-early" });
    expect(tokenValidity({ ...base, now: START - 3600 })).toEqual({ ok: false, reason: "too-early" });
    expect(tokenValidity({ ...base, now: START - 15 * 60 })).toEqual({
      ok: true,
      nbf: START - 15 * 60,
      exp: START - 15 * 60 + 600,
    });
    // Two seconds into the window the 5 s skew allowance would reach before it: clamped.
    expect(tokenValidity({ ...base, now: START - 15 * 60 + 2 })).toMatchObject({ ok: true, nbf: START - 15 * 60 });
  });

  it("inside the session: nbf a few seconds back for clock skew, exp the short TTL", () => {
    const now = START + 20 * 60;
    expect(tokenValidity({ ...base, now })).toEqual({ ok: true, nbf: now - 5, exp: now + 600 });
  });

  it("late in the session: exp never outlives end + grace", () => {
    const now = END + 10 * 60 - 90;
    expect(tokenValidity({ ...base, now })).toEqual({ ok: true, nbf: now - 5, exp: END + 600 });
  });

  it("refuses at and after end + grace", () => {
    expect(tokenValidity({ ...base, now: END + 600 })).toEqual({ ok: false, reason: "ended" });
    expect(tokenValidity({ ...base, now: END + 601 })).toEqual({ ok: false, reason: "ended" });
    expect(tokenValidity({ ...base, now: END + 86_400 })).toEqual({ ok: false, reason: "ended" });
    expect(tokenValidity({ ...base, graceMinutes: 0, now: END })).toEqual({ ok: false, reason: "ended" });
  });

  it("caps the lifetime at the TTL asked for", () => {
    const now = START + 60;
    expect(tokenValidity({ ...base, now, ttlSeconds: 120 })).toEqual({ ok: true, nbf: now - 5, exp: now + 120 });
    expect(tokenValidity({ ...base, now, ttlSeconds: 86_400 })).toEqual({ ok: true, nbf: now - 5, exp: END + 600 });
  });

  it("gives whole seconds even for a fractional clock", () => {
    const r = tokenValidity({ ...base, now: START + 0.75 });
    expect(r).toEqual({ ok: true, nbf: START - 5, exp: START + 600 });
  });

  it("refuses nonsense configuration loudly instead of minting an endless token", () => {
    expect(() => tokenValidity({ ...base, now: START, ttlSeconds: 0 })).toThrow(RangeError);
    expect(() => tokenValidity({ ...base, now: Number.NaN })).toThrow(RangeError);
    expect(() => tokenValidity({ ...base, now: START, graceMinutes: -1 })).toThrow(RangeError);
  });

  it("for any schedule and moment: ok exactly inside [start − window, end + grace), bounds always hold", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_700_000_000, max: 2_000_000_000 }),
        fc.integer({ min: 60, max: 6 * 3600 }),
        fc.integer({ min: 0, max: 120 }),
        fc.integer({ min: 0, max: 120 }),
        fc.integer({ min: 1, max: 7200 }),
        fc.integer({ min: -4 * 3600, max: 10 * 3600 }),
        (startsAt, length, joinWindowMinutes, graceMinutes, ttlSeconds, offset) => {
          const endsAt = startsAt + length;
          const now = startsAt + offset;
          const opens = startsAt - joinWindowMinutes * 60;
          const closes = endsAt + graceMinutes * 60;
          const r = tokenValidity({ now, startsAt, endsAt, joinWindowMinutes, graceMinutes, ttlSeconds });
          if (now < opens || now >= closes) {
            expect(r).toEqual({ ok: false, reason: now < opens ? "too-early" : "ended" });
            return;
          }
          if (!r.ok) throw new Error("refused inside the window");
          expect(r.nbf).toBeGreaterThanOrEqual(opens);
          expect(r.nbf).toBeGreaterThanOrEqual(now - 5);
          expect(r.nbf).toBeLessThanOrEqual(now);
          expect(r.exp).toBeLessThanOrEqual(closes);
          expect(r.exp).toBeLessThanOrEqual(now + ttlSeconds);
          expect(r.exp).toBeGreaterThan(now);
          expect(r.exp === closes || r.exp === now + ttlSeconds).toBe(true);
        },
      ),
    );
  });
});

describe("roomName: opaque, stable, unlinkable without the secret", () => {
  const secret = "room-secret-for-tests-0123456789";

  it("is lower-case base32 behind r_, passes the RoomName schema, and hides the session id", async () => {
    const sid = "ses_4k9d2m7q1x8c3v5b0abc";
    const name = await roomName(sid, secret);
    expect(name).toMatch(/^[a-z0-9_]+$/);
    expect(name).toMatch(/^r_[0-9a-z]{26}$/);
    expect(RoomName.safeParse(name).success).toBe(true);
    expect(name).not.toContain(sid);
    expect(name).not.toContain(sid.slice(4));
    for (const s of PERSONAL) expect(name.toLowerCase()).not.toContain(s.toLowerCase());
  });

  it("is the same for the same occurrence and secret, and differs across occurrences and secrets", async () => {
    const sid = newId("ses");
    expect(await roomName(sid, secret)).toBe(await roomName(sid, secret));
    expect(await roomName(sid, secret)).not.toBe(await roomName(sid, `${secret}x`));
    expect(await roomName(sid, secret)).not.toBe(await roomName(newId("ses"), secret));
    expect(await roomName(sid, new TextEncoder().encode(secret))).toBe(await roomName(sid, secret));
    expect(await roomName(sid)).not.toBe(await roomName(sid, secret));
  });

  it("never collides nor leaks the id over many occurrences", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.stringMatching(/^ses_[0-9a-z]{20}$/), { minLength: 50, maxLength: 50 }),
        async (ids) => {
          const names = await Promise.all(ids.map((id) => roomName(id, secret)));
          expect(new Set(names).size).toBe(ids.length);
          names.forEach((n, i) => {
            expect(n).toMatch(/^r_[0-9a-z]{26}$/);
            expect(n).not.toContain((ids[i] as string).slice(4, 14));
          });
        },
      ),
      { numRuns: 20 },
    );
  });

  it("refuses an empty session id or secret", async () => {
    await expect(roomName("", secret)).rejects.toThrow(RangeError);
    await expect(roomName("ses_4k9d2m7q1x8c3v5b0abc", "")).rejects.toThrow(RangeError);
  });
});
