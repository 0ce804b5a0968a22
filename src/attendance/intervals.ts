/**
 * Presence events to attendance intervals and minutes. Pure: the same events in any order,
 * with any duplicates, give the same intervals, so at-least-once webhooks and reconnects
 * can never make a client's minutes grow or shrink by accident.
 */
import type { Interval, PresenceEvent } from "../../schemas/attendance.ts";
import { isoInstant } from "../lib/clock.ts";

/** Re-exported so callers of the interval math need one import. */
export type { PresenceEvent };

/** A span of presence `[start, end)` in epoch milliseconds. */
export interface Span {
  start: number;
  end: number;
}

/** Milliseconds in a minute; minutes are the unit of attendance and billing. */
export const MINUTE_MS = 60_000;

/** Whole minutes in a duration, rounded down (a started minute is not an attended minute). */
export function wholeMinutes(ms: number): number {
  return ms > 0 ? Math.floor(ms / MINUTE_MS) : 0;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A total order on events, so the pick among duplicates and the walk below never depend on arrival order. */
function compareEvents(a: PresenceEvent, b: PresenceEvent): number {
  return (
    a.at - b.at ||
    cmp(a.eventId, b.eventId) ||
    cmp(a.type, b.type) ||
    cmp(a.participantId, b.participantId) ||
    cmp(a.source, b.source)
  );
}

/**
 * Each participant's merged presence, participants in id order.
 * - Events are sorted by time; a repeated `eventId` is ignored (the first in that order is kept).
 * - A connect while connected and a disconnect while disconnected are no-ops, so reconnects never
 *   double count.
 * - Events of one participant at the same millisecond cannot be ordered: if they all agree the
 *   state becomes theirs, if they disagree (a connect and a disconnect) the state is left as it was.
 * - An interval still open is closed at `sessionEnd` (the actual end, or "now" for a live roster),
 *   and nothing after `sessionEnd` counts.
 * - An event whose time is not a finite number is no fact at all and is ignored (a NaN time once
 *   made the walk below spin forever).
 */
export function presenceIntervals(events: readonly PresenceEvent[], opts: { sessionEnd: number }): Map<string, Span[]> {
  const seen = new Set<string>();
  const byParticipant = new Map<string, PresenceEvent[]>();
  for (const e of events.filter((x) => Number.isFinite(x.at)).sort(compareEvents)) {
    if (seen.has(e.eventId)) continue;
    seen.add(e.eventId);
    const list = byParticipant.get(e.participantId);
    if (list) list.push(e);
    else byParticipant.set(e.participantId, [e]);
  }
  const out = new Map<string, Span[]>();
  for (const id of [...byParticipant.keys()].sort(cmp)) {
    out.set(id, walk(byParticipant.get(id) ?? [], opts.sessionEnd));
  }
  return out;
}

/** One participant's time-ordered events to merged spans ending no later than `sessionEnd`. */
function walk(events: readonly PresenceEvent[], sessionEnd: number): Span[] {
  const spans: Span[] = [];
  let connected = false;
  let openedAt = 0;
  for (let i = 0; i < events.length; ) {
    const at = (events[i] as PresenceEvent).at;
    let connects = false;
    let disconnects = false;
    // do-while: every pass consumes at least one event, whatever `at` holds.
    do {
      if ((events[i] as PresenceEvent).type === "connect") connects = true;
      else disconnects = true;
      i++;
    } while (i < events.length && (events[i] as PresenceEvent).at === at);
    const next: boolean = connects && disconnects ? connected : connects;
    if (!connected && next) openedAt = at;
    if (connected && !next) spans.push({ start: openedAt, end: at });
    connected = next;
  }
  if (connected) spans.push({ start: openedAt, end: sessionEnd });
  return mergeIntervals(spans.map((s) => ({ start: s.start, end: Math.min(s.end, sessionEnd) })));
}

/** Sorted, disjoint spans covering exactly the union of the input; overlapping and touching spans merge, empty ones vanish. */
export function mergeIntervals(intervals: readonly Span[]): Span[] {
  const sorted = intervals.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out.at(-1);
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ start: s.start, end: s.end });
  }
  return out;
}

/** The counted window: the scheduled time widened by the allowance on both sides (a negative allowance counts as 0). */
export function countedWindow(scheduled: Span, allowanceMinutes: number): Span {
  const pad = Math.max(0, allowanceMinutes) * MINUTE_MS;
  return { start: scheduled.start - pad, end: scheduled.end + pad };
}

/** Merged spans cut to `window`; spans wholly outside it are dropped. */
export function clipIntervals(intervals: readonly Span[], window: Span): Span[] {
  return mergeIntervals(
    intervals.map((s) => ({ start: Math.max(s.start, window.start), end: Math.min(s.end, window.end) })),
  );
}

/** Whole minutes in a duration under a program's rounding rule: to the nearest minute, or down. */
export function roundMinutes(ms: number, rounding: "nearest" | "down"): number {
  if (!(ms > 0)) return 0;
  return rounding === "nearest" ? Math.round(ms / MINUTE_MS) : Math.floor(ms / MINUTE_MS);
}

/**
 * Milliseconds attended within `[start − allowance, end + allowance]`. The spans are merged and
 * clipped first and only the total is rounded (by the caller) — per-span rounding would gain or lose
 * up to a minute at every reconnect.
 */
export function clipMs(intervals: readonly Span[], scheduled: Span, allowanceMinutes: number): number {
  const clipped = clipIntervals(intervals, countedWindow(scheduled, allowanceMinutes));
  return clipped.reduce((sum, s) => sum + (s.end - s.start), 0);
}

/** Whole minutes attended within `[start − allowance, end + allowance]`, under `rounding` (down unless told). */
export function clipMinutes(
  intervals: readonly Span[],
  scheduled: Span,
  allowanceMinutes: number,
  rounding: "nearest" | "down" = "down",
): number {
  return roundMinutes(clipMs(intervals, scheduled, allowanceMinutes), rounding);
}

/** Spans as wire intervals (ISO instants, second precision). */
export function toWireIntervals(intervals: readonly Span[]): Interval[] {
  return intervals.map((s) => ({ start: isoInstant(s.start), end: isoInstant(s.end) }));
}
