import ICAL from "ical.js";
import { expect } from "vitest";

/**
 * The feed as an independent reader sees it: parsed by ical.js, whose times resolve their TZID
 * against the VTIMEZONE in the same VCALENDAR (`Component#getTimeZoneByID`), never against a
 * zone database of its own.
 */

/** One instance as a calendar would show it. */
export interface Shown {
  start: number;
  end: number;
  status: string;
  sequence: number;
  summary: string;
  url: string | null;
}

/** The VCALENDAR component of a feed. */
export function parseFeed(text: string): ICAL.Component {
  return new ICAL.Component(ICAL.parse(text));
}

/** The VEVENTs with this UID, master first. */
export function eventsOf(vcal: ICAL.Component, uid: string): ICAL.Component[] {
  return vcal
    .getAllSubcomponents("vevent")
    .filter((e) => e.getFirstPropertyValue("uid") === uid)
    .sort((a, b) => Number(a.hasProperty("recurrence-id")) - Number(b.hasProperty("recurrence-id")));
}

/**
 * The series' instances, EXDATEs honoured and its overrides applied with `relateException`,
 * up to `limit` of them. Exceptions are related by hand, so another series' overrides (which
 * ical.js would otherwise pick up from the parent by RECURRENCE-ID alone) cannot leak in.
 */
export function expandSeries(vcal: ICAL.Component, uid: string, limit = 1000): Shown[] {
  const [master, ...overrides] = eventsOf(vcal, uid);
  if (!master || master.hasProperty("recurrence-id")) throw new Error(`no master event for ${uid}`);
  const event = new ICAL.Event(master, { strictExceptions: true, exceptions: [] });
  for (const o of overrides) event.relateException(o);
  const shown: Shown[] = [];
  const it = event.iterator();
  for (let next = it.next(); next && shown.length < limit; next = it.next()) {
    const details = event.getOccurrenceDetails(next);
    shown.push({
      start: ms(details.startDate),
      end: ms(details.endDate),
      ...about(details.item.component),
    });
  }
  return shown;
}

/** A stand-alone event as shown. */
export function single(vcal: ICAL.Component, uid: string): Shown {
  const [only, ...more] = eventsOf(vcal, uid);
  if (!only || more.length > 0) throw new Error(`expected one event for ${uid}`);
  const event = new ICAL.Event(only);
  return { start: ms(event.startDate), end: ms(event.endDate), ...about(only) };
}

/** The physical lines of a feed, split on CRLF only; the last CRLF leaves no empty line. */
export function physicalLines(text: string): string[] {
  expect(text.endsWith("\r\n")).toBe(true);
  return text.slice(0, -2).split("\r\n");
}

/** Content lines unfolded (RFC 5545 §3.1: a CRLF followed by a space or tab is removed). */
export function logicalLines(text: string): string[] {
  return physicalLines(text.replace(/\r\n[ \t]/g, ""));
}

function about(c: ICAL.Component): Omit<Shown, "start" | "end"> {
  return {
    status: String(c.getFirstPropertyValue("status")),
    sequence: Number(c.getFirstPropertyValue("sequence")),
    summary: String(c.getFirstPropertyValue("summary")),
    url: (c.getFirstPropertyValue("url") as string | null) ?? null,
  };
}

function ms(t: ICAL.Time): number {
  return t.toUnixTime() * 1000;
}
