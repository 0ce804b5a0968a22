import { bodyBytes } from "./bytes.ts";

/** Nesting deeper than any provider's payload; deeper input is refused before `JSON.parse` recurses. */
export const MAX_JSON_DEPTH = 64;

/** A parsed body, or why it is not one (the route answers 400 either way, never 500). */
export type JsonResult = { ok: true; value: unknown } | { ok: false; reason: "not-json" | "too-deep" };

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * Parse a webhook body that has already been verified. Refuses invalid UTF-8, non-JSON and
 * nesting beyond `maxDepth` with a tagged result, so a signed but hostile body cannot throw.
 */
export function parseJsonBody(raw: Uint8Array | string, maxDepth = MAX_JSON_DEPTH): JsonResult {
  let text: string;
  try {
    text = typeof raw === "string" ? raw : decoder.decode(bodyBytes(raw));
  } catch {
    return { ok: false, reason: "not-json" };
  }
  if (jsonDepth(text) > maxDepth) return { ok: false, reason: "too-deep" };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, reason: "not-json" };
  }
}

/** Deepest bracket nesting of JSON text, skipping brackets inside strings; linear and iterative. */
function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}
