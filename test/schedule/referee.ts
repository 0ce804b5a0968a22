import ICAL from "ical.js";
import { DAY, instantOf } from "./zones.ts";

/**
 * ical.js as the referee for recurrence expansion. ical.js knows no time zone without a VTIMEZONE
 * (it has no zone database), and a hand-written VTIMEZONE would only repeat our own reading of
 * the zone's rules. So it expands the rule in floating time, which is pure calendar arithmetic:
 * the local dates and wall times of the occurrences. `Intl` (see zones.ts) then turns those wall
 * times into instants. Neither step shares code with src/schedule.
 */

/** A local date and wall time, `YYYY-MM-DD` and `HH:MM:SS`. */
export interface LocalStart {
  date: string;
  time: string;
}

const compact = (date: string, time: string) => `${date.replaceAll("-", "")}T${time.replaceAll(":", "")}`;

/**
 * The local starts ical.js gives a floating DTSTART at `startsOn`/`startTime` with `rrule` (its
 * UNTIL floating too) and floating EXDATEs, up to and including local date `lastDate` (and at
 * most `limit` of them).
 */
export function icalStarts(
  event: { startsOn: string; startTime: string; rrule: string; exdates: readonly LocalStart[] },
  lastDate: string,
  limit = 5000,
): LocalStart[] {
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//iop-orchestrator//referee//EN",
    "BEGIN:VEVENT",
    "UID:referee",
    `DTSTART:${compact(event.startsOn, event.startTime)}`,
    `RRULE:${event.rrule}`,
    ...event.exdates.map((e) => `EXDATE:${compact(e.date, e.time)}`),
    "END:VEVENT",
    "END:VCALENDAR",
  ];
  const vevent = ICAL.Component.fromString(lines.join("\r\n")).getFirstSubcomponent("vevent");
  if (!vevent) throw new Error("no VEVENT");
  const expansion = new ICAL.Event(vevent).iterator();
  const out: LocalStart[] = [];
  for (let steps = 0; ; steps++) {
    if (steps > 5000) throw new Error(`ical.js gave more than 5000 occurrences for ${event.rrule}`);
    const t = expansion.next();
    if (!t || out.length >= limit) return out;
    const [date = "", time = ""] = t.toString().split("T");
    if (date > lastDate) return out;
    out.push({ date, time });
  }
}

/** What expandTrack should give for these local starts: instants by `Intl`, kept when they start in [from, to). */
export function expected(
  starts: readonly LocalStart[],
  track: { startTime: string; endTime: string },
  timeZone: string,
  window: { from: number; to: number },
): { localDate: string; startsAt: string; endsAt: string }[] {
  const [sh = 0, sm = 0] = track.startTime.split(":").map(Number);
  const [eh = 0, em = 0] = track.endTime.split(":").map(Number);
  const length = (eh * 60 + em - (sh * 60 + sm)) * 60_000;
  const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");
  return starts.flatMap(({ date }) => {
    const start = instantOf(date, track.startTime, timeZone);
    if (start < window.from || start >= window.to) return [];
    let end = instantOf(date, track.endTime, timeZone);
    // A start skipped by a forward jump can land past its end: the product keeps the wall length.
    if (end <= start) end = start + length;
    return [{ localDate: date, startsAt: iso(start), endsAt: iso(end) }];
  });
}

/** `YYYY-MM-DD` of an epoch day, and back. */
export const dateOf = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);
export const dayOf = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY;
