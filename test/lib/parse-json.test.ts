import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { matchesAnySecret, timingSafeEqual } from "../../src/lib/constant-time.ts";
import { parseJsonBody } from "../../src/lib/parse-json.ts";

describe("parsing a verified body", () => {
  it("parses JSON from bytes or a string", () => {
    expect(parseJsonBody(new TextEncoder().encode('{"a":[1,{"b":"]"}]}'))).toEqual({
      ok: true,
      value: { a: [1, { b: "]" }] },
    });
    expect(parseJsonBody('"x"')).toEqual({ ok: true, value: "x" });
  });

  it("refuses non-JSON and invalid UTF-8 without throwing", () => {
    expect(parseJsonBody("{")).toEqual({ ok: false, reason: "not-json" });
    expect(parseJsonBody("")).toEqual({ ok: false, reason: "not-json" });
    expect(parseJsonBody(new Uint8Array([0x7b, 0xff, 0x7d]))).toEqual({ ok: false, reason: "not-json" });
  });

  it("refuses nesting deeper than the limit before parsing, however deep", () => {
    expect(parseJsonBody(`${"[".repeat(200_000)}${"]".repeat(200_000)}`)).toEqual({ ok: false, reason: "too-deep" });
    expect(parseJsonBody(`${"[".repeat(64)}${"]".repeat(64)}`)).toMatchObject({ ok: true });
    expect(parseJsonBody(`${"[".repeat(65)}${"]".repeat(65)}`)).toEqual({ ok: false, reason: "too-deep" });
  });

  it("does not count brackets inside strings, escaped quotes included", () => {
    const text = JSON.stringify({ s: `\\"${"[".repeat(500)}` });
    expect(parseJsonBody(text)).toEqual({ ok: true, value: JSON.parse(text) });
  });

  it("agrees with JSON.parse on any JSON value within the depth limit", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 10 }), (v) => {
        const text = JSON.stringify(v);
        expect(parseJsonBody(text)).toEqual({ ok: true, value: JSON.parse(text) });
      }),
    );
  });
});

describe("constant-time comparisons", () => {
  it("timingSafeEqual agrees with plain equality on any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), (a, b) => {
        expect(timingSafeEqual(a, b)).toBe(a.length === b.length && a.every((x, i) => x === b[i]));
        expect(timingSafeEqual(a, a.slice())).toBe(true);
      }),
    );
  });

  it("matchesAnySecret finds a secret among several and ignores empty ones", async () => {
    expect(await matchesAnySecret("b", ["a", "b"])).toBe(true);
    expect(await matchesAnySecret("c", ["a", "b"])).toBe(false);
    expect(await matchesAnySecret("", ["", "a"])).toBe(false);
  });
});
