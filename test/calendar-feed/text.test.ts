import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeText, foldLine, MAX_LINE_OCTETS } from "../../src/calendar-feed/text.ts";

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** RFC 5545 §3.1 unfolding: a CRLF followed by one space or tab is removed. */
const unfold = (folded: string) => folded.replace(/\r\n[ \t]/g, "");

/** The folded line's physical lines as bytes, each decoded on its own (throws on a cut character). */
function physical(folded: string): { octets: number; text: string }[] {
  return folded.split("\r\n").map((line) => {
    const bytes = utf8.encode(line);
    return { octets: bytes.length, text: strictUtf8.decode(bytes) };
  });
}

describe("escapeText (RFC 5545 §3.3.11)", () => {
  it("escapes backslash, semicolon, comma and every newline form", () => {
    expect(escapeText("a\\b;c,d")).toBe("a\\\\b\\;c\\,d");
    expect(escapeText("one\ntwo\r\nthree\rfour")).toBe("one\\ntwo\\nthree\\nfour");
  });

  it("leaves colons, quotes, tabs and non-ASCII text alone, and drops other control characters", () => {
    expect(escapeText('at 9:00 "group"\tnext')).toBe('at 9:00 "group"\tnext');
    expect(escapeText("Sesión 漢字 😀")).toBe("Sesión 漢字 😀");
    expect(escapeText("bell\u0007 nul\u0000 esc\u001b del\u007f")).toBe("bell nul esc del");
  });
});

describe("foldLine (RFC 5545 §3.1)", () => {
  it("leaves a line of 75 octets whole and folds one of 76", () => {
    expect(foldLine("X".repeat(75))).toBe("X".repeat(75));
    expect(foldLine("X".repeat(76))).toBe(`${"X".repeat(75)}\r\n X`);
  });

  it("counts octets, not characters: a 3-octet character that would cross octet 75 moves to the next line", () => {
    const line = `${"a".repeat(73)}漢b`;
    const folded = foldLine(line);
    expect(folded).toBe(`${"a".repeat(73)}\r\n 漢b`);
    expect(physical(folded).map((p) => p.octets)).toEqual([73, 5]);
  });

  it("keeps a 4-octet emoji (a surrogate pair) whole", () => {
    const line = `SUMMARY:${"😀".repeat(40)}`;
    const lines = physical(foldLine(line));
    expect(lines.length).toBeGreaterThan(2);
    for (const l of lines) expect(l.octets).toBeLessThanOrEqual(MAX_LINE_OCTETS);
    expect(unfold(foldLine(line))).toBe(line);
  });

  it("for any text: physical lines of at most 75 octets, each valid UTF-8 alone, unfolding to the original", () => {
    // Any code point, ones near the folding edge cases more often, and lone surrogates.
    const unit = fc.oneof(
      fc.constantFrom("a", ",", "\n", "é", "漢", "😀"),
      fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
      fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
    );
    const text = fc.string({ unit, maxLength: 200 });
    fc.assert(
      fc.property(text, (value) => {
        const line = `SUMMARY:${escapeText(value)}`;
        const folded = foldLine(line);
        const lines = physical(folded);
        for (const [i, l] of lines.entries()) {
          expect(l.octets).toBeLessThanOrEqual(MAX_LINE_OCTETS);
          if (i > 0) expect(l.text.startsWith(" ")).toBe(true);
        }
        expect(unfold(folded)).toBe(line);
      }),
      { numRuns: 300 },
    );
  });
});
