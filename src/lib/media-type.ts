/** `application/json` or any `application/…+json` (LiveKit's `webhook+json`, `problem+json`), parameters allowed. */
const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** The one rule for "this body is JSON", shared by the API's 415 check and the calendar webhooks. */
export function isJsonMediaType(contentType: string | null | undefined): boolean {
  return contentType != null && JSON_MEDIA_TYPE.test(contentType);
}

/** One media range of an `Accept` header (RFC 9110 §12.5.1), lower-cased, with its weight. */
interface MediaRange {
  type: string;
  subtype: string;
  params: Record<string, string>;
  q: number;
  index: number;
}

/** A representation a route can answer with: its media type and the parameters a range may pin. */
export interface MediaOffer {
  type: string;
  params?: Record<string, string>;
}

function parseAccept(header: string): MediaRange[] {
  return header.split(",").flatMap((part, index) => {
    const [range = "", ...rest] = part.split(";");
    const [type, subtype, extra] = range.trim().toLowerCase().split("/");
    if (!type || !subtype || extra !== undefined) return [];
    const params: Record<string, string> = {};
    let q = 1;
    for (const p of rest) {
      const eq = p.indexOf("=");
      if (eq < 1) continue;
      const key = p.slice(0, eq).trim().toLowerCase();
      const value = p
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, "$1");
      if (key === "q") q = /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(value) ? Number(value) : 0;
      else params[key] = value;
    }
    return [{ type, subtype, params, q, index }];
  });
}

/** How closely a range matches an offer: -1 not at all, then `*\/*` < `type/*` < exact < exact with pinned parameters. */
function specificity(range: MediaRange, offer: MediaOffer): number {
  const [type, subtype] = offer.type.toLowerCase().split("/");
  if (range.type !== "*" && range.type !== type) return -1;
  if (range.subtype !== "*" && range.subtype !== subtype) return -1;
  // Only the parameters the offer names are compared (`fhirVersion`); others (`charset`) never exclude it.
  let pinned = 0;
  for (const [key, value] of Object.entries(offer.params ?? {})) {
    const asked = Object.entries(range.params).find(([k]) => k === key.toLowerCase())?.[1];
    if (asked === undefined) continue;
    if (asked !== value) return -1;
    pinned++;
  }
  return (range.type === "*" ? 0 : range.subtype === "*" ? 1 : 2) + pinned;
}

/**
 * The index of the offer an `Accept` header prefers, by RFC 9110 proactive negotiation: each offer
 * takes the weight of its most specific matching range; the highest weight wins, then the more
 * specific match, then the range the client listed first, then the route's order. No header (or
 * an empty one) accepts anything, so the first offer; `null` when every offer is excluded (`q=0`
 * or unmatched), for the route to answer with its default.
 */
export function negotiate(accept: string | null | undefined, offers: readonly MediaOffer[]): number | null {
  if (!accept?.trim()) return offers.length > 0 ? 0 : null;
  const ranges = parseAccept(accept);
  let best: { offer: number; q: number; spec: number; index: number } | null = null;
  for (const [i, offer] of offers.entries()) {
    let match: { q: number; spec: number; index: number } | null = null;
    for (const r of ranges) {
      const spec = specificity(r, offer);
      if (spec > (match?.spec ?? -1)) match = { q: r.q, spec, index: r.index };
    }
    if (!match || match.q <= 0) continue;
    const better =
      !best ||
      match.q > best.q ||
      (match.q === best.q && (match.spec > best.spec || (match.spec === best.spec && match.index < best.index)));
    if (better) best = { offer: i, ...match };
  }
  return best?.offer ?? null;
}
