import { offsetValue, wallValue } from "./ics-time.ts";
import { isDaylight } from "./zone-offsets.ts";
import type { ZoneRules } from "./zone-rules.ts";

/**
 * The VTIMEZONE (RFC 5545 §3.6.5) for a zone's rules: one observance per offset period, each an
 * explicit DTSTART with no RRULE, so it stays right however often the zone's rules changed in
 * the span. The first observance opens the span with the offset then in effect (TZOFFSETFROM
 * equal to TZOFFSETTO, since what came before is outside it); a zone without changes has only
 * that one, a STANDARD.
 */
export function vtimezoneLines(rules: ZoneRules): readonly string[] {
  let lines = rendered.get(rules);
  if (!lines) {
    lines = render(rules);
    rendered.set(rules, lines);
  }
  return lines;
}

// Keyed by the cached rules object, so a zone's VTIMEZONE is worked out once per isolate and span.
const rendered = new WeakMap<ZoneRules, readonly string[]>();

function render(rules: ZoneRules): readonly string[] {
  const periods = [{ at: rules.from, from: rules.initialOffset, to: rules.initialOffset }, ...rules.transitions];
  const lines = ["BEGIN:VTIMEZONE", `TZID:${rules.zone}`];
  periods.forEach((p, i) => {
    const end = periods[i + 1]?.at ?? rules.to;
    const kind = isDaylight(rules.zone, p.to, p.at, end) ? "DAYLIGHT" : "STANDARD";
    lines.push(
      `BEGIN:${kind}`,
      // RFC 5545: the onset is the local time before the change, in TZOFFSETFROM.
      `DTSTART:${wallValue(p.at + p.from * 1000)}`,
      `TZOFFSETFROM:${offsetValue(p.from)}`,
      `TZOFFSETTO:${offsetValue(p.to)}`,
      `END:${kind}`,
    );
  });
  lines.push("END:VTIMEZONE");
  return lines;
}
