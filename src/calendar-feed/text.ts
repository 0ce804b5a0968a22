/**
 * RFC 5545 §3.1 and §3.3.11 text rules: escaping TEXT values and folding content lines.
 */

/** RFC 5545 §3.1: a content line SHOULD be no longer than 75 octets, excluding the CRLF. */
export const MAX_LINE_OCTETS = 75;

// TEXT admits no control character but HTAB (TSAFE-CHAR); newlines become `\n` below.
const CONTROL = /(?![\t\n])\p{Cc}/gu;
const ASCII = /^[\x20-\x7e\t]*$/;

/** A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and newline escaped; other controls dropped. */
export function escapeText(value: string): string {
  return value
    .replace(/\r\n|\r|\n/g, "\n")
    .replace(CONTROL, "")
    .replace(/[\\;,\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`));
}

/**
 * One content line folded into physical lines of at most 75 octets, joined by CRLF + space.
 * Splits only between code points, so a multi-byte UTF-8 character is never cut in two.
 */
export function foldLine(line: string): string {
  // Most lines are short ASCII, one octet a character: no need to walk them.
  if (line.length <= MAX_LINE_OCTETS && ASCII.test(line)) return line;
  const out: string[] = [];
  let current = "";
  let octets = 0;
  for (const char of line) {
    const size = utf8Length(char.codePointAt(0) ?? 0);
    if (octets + size > MAX_LINE_OCTETS) {
      out.push(current);
      // The continuation's leading space counts towards its 75 octets.
      current = " ";
      octets = 1;
    }
    current += char;
    octets += size;
  }
  out.push(current);
  return out.join("\r\n");
}

/** A lone surrogate counts 3, as the U+FFFD that an encoder writes for it. */
function utf8Length(codePoint: number): number {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  if (codePoint < 0x10000) return 3;
  return 4;
}
