/**
 * RFC 5545 date-time and utc-offset values (§3.3.5, §3.3.14). A "wall" is a local date-time
 * counted in ms as if it were UTC, so calendar arithmetic stays plain numbers.
 */

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL_TIME = /^(\d{2}):(\d{2})$/;

/** The wall of a local `YYYY-MM-DD` and `HH:MM`; RangeError for anything else, since it reaches the wire as is. */
export function localWall(date: string, time: string): number {
  const d = LOCAL_DATE.exec(date);
  const t = LOCAL_TIME.exec(time);
  if (!d || !t) throw new RangeError(`not a local date and time: ${JSON.stringify(`${date} ${time}`)}`);
  const day = Number(d[3]);
  const hour = Number(t[1]);
  const minute = Number(t[2]);
  const wall = new Date(0);
  wall.setUTCFullYear(Number(d[1]), Number(d[2]) - 1, day);
  wall.setUTCHours(hour, minute);
  // Date rolls 31 April over to 1 May; a date that moved was not a date.
  if (wall.getUTCDate() !== day || wall.getUTCHours() !== hour || wall.getUTCMinutes() !== minute) {
    throw new RangeError(`no such local date and time: ${date} ${time}`);
  }
  return wall.getTime();
}

/** A floating DATE-TIME `YYYYMMDDTHHMMSS` for a wall; with a TZID parameter it is local time there. */
export function wallValue(wall: number): string {
  return basic(new Date(Math.floor(wall / 1000) * 1000));
}

/** A UTC DATE-TIME `YYYYMMDDTHHMMSSZ` for an instant (epoch ms), to the second. */
export function utcValue(at: number): string {
  return `${basic(new Date(Math.floor(at / 1000) * 1000))}Z`;
}

/** A UTC-OFFSET `±hhmm`, or `±hhmmss` when the offset has seconds; never `-0000`, which RFC 5545 forbids. */
export function offsetValue(seconds: number): string {
  const sign = seconds < 0 ? "-" : "+";
  const abs = Math.abs(seconds);
  const hh = pad(Math.floor(abs / 3600), 2);
  const mm = pad(Math.floor((abs % 3600) / 60), 2);
  const ss = abs % 60;
  return `${sign}${hh}${mm}${ss === 0 ? "" : pad(ss, 2)}`;
}

function basic(d: Date): string {
  return (
    `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}` +
    `T${pad(d.getUTCHours(), 2)}${pad(d.getUTCMinutes(), 2)}${pad(d.getUTCSeconds(), 2)}`
  );
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}
