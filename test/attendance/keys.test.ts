import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  attendanceKey,
  attendanceWeekPrefix,
  type KeyResult,
  ledgerDayPrefix,
  ledgerKey,
} from "../../src/attendance/keys.ts";

const P = "prg_0000000000keys";
const S = "ses_0000000000mon1";
const C = "clt_7f3k2p9d";

const key = (r: KeyResult) => (r.ok ? r.key : `refused:${r.segment}`);

describe("attendance KV keys", () => {
  it("builds the documented per-client and ledger keys, and prefixes that list them", () => {
    expect(key(attendanceKey(P, C, "2026-W48", S))).toBe(`att/${P}/${C}/2026-W48/${S}`);
    expect(key(attendanceWeekPrefix(P, C, "2026-W48"))).toBe(`att/${P}/${C}/2026-W48/`);
    expect(key(ledgerKey(P, "2026-11-23", S, C))).toBe(`led/${P}/2026-11-23/${S}/${C}`);
    expect(key(ledgerDayPrefix(P, "2026-11-23"))).toBe(`led/${P}/2026-11-23/`);
    expect(key(attendanceKey(P, C, "2026-W48", S)).startsWith(key(attendanceWeekPrefix(P, C, "2026-W48")))).toBe(true);
  });

  it("accepts external opaque subjects with dots, colons and dashes", () => {
    expect(key(attendanceKey(P, "auth0:abc.DEF-12_3", "2026-W48", S))).toBe(
      `att/${P}/auth0:abc.DEF-12_3/2026-W48/${S}`,
    );
  });

  it.each([
    ["an e-mail as client", () => attendanceKey(P, "jane.doe@example.com", "2026-W48", S), "clientId"],
    ["a slash in the program", () => attendanceKey("prg_1/x", C, "2026-W48", S), "programId"],
    ["a slash forging a prefix", () => ledgerKey(P, "2026-11-23", S, "../att"), "clientId"],
    ["a dot-dot segment", () => ledgerKey(P, "2026-11-23", "..", C), "sessionId"],
    ["an empty session", () => attendanceKey(P, C, "2026-W48", ""), "sessionId"],
    ["a space in a name", () => attendanceKey(P, "Jane Doe", "2026-W48", S), "clientId"],
    ["a phone number with +", () => attendanceKey(P, "+14155550100", "2026-W48", S), "clientId"],
    ["an over-long id", () => attendanceKey(P, "c".repeat(129), "2026-W48", S), "clientId"],
    ["a week that does not exist", () => attendanceKey(P, C, "2025-W53", S), "isoWeek"],
    ["a week in the wrong shape", () => attendanceWeekPrefix(P, C, "2026-48"), "isoWeek"],
    ["a date that does not exist", () => ledgerKey(P, "2026-02-30", S, C), "localDate"],
    ["a non-ASCII letter", () => ledgerDayPrefix("prg_é", "2026-11-23"), "programId"],
  ])("refuses %s, naming the segment without echoing it", (_label, build, segment) => {
    const r = build();
    expect(r).toEqual({ ok: false, reason: "invalid-segment", segment });
  });

  it("refuses any segment holding / or @, whatever surrounds it", () => {
    const bad = fc.tuple(fc.string(), fc.constantFrom("/", "@"), fc.string()).map(([a, c, b]) => `${a}${c}${b}`);
    fc.assert(
      fc.property(bad, fc.integer({ min: 0, max: 3 }), (segment, position) => {
        const args: [string, string, string, string] = [P, "2026-11-23", S, C];
        args[position] = segment;
        expect(ledgerKey(...args).ok).toBe(false);
      }),
    );
  });
});
