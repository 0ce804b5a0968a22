import { utcValue, wallValue } from "./ics-time.ts";
import { escapeText, foldLine } from "./text.ts";
import type { ZoneRules } from "./zone-rules.ts";

/** An iCalendar object being written: content lines folded as they come, joined with CRLF at the end. */
export class ContentLines {
  #lines: string[] = [];
  #rules: ZoneRules;

  /** Lines whose local times are in the zone of `rules`. */
  constructor(rules: ZoneRules) {
    this.#rules = rules;
  }

  /** A property whose value is already in its RFC 5545 form; `params` starts with `;`. */
  add(name: string, value: string, params = ""): void {
    this.#lines.push(foldLine(`${name}${params}:${value}`));
  }

  /** A TEXT property, escaped. */
  text(name: string, value: string): void {
    this.add(name, escapeText(value));
  }

  /** Ready lines, such as a VTIMEZONE's, each still folded. */
  addAll(lines: readonly string[]): void {
    for (const line of lines) this.#lines.push(foldLine(line));
  }

  /** A DATE-TIME in the zone's local time with TZID, or in UTC where that local time is repeated. */
  instant(name: string, at: number): void {
    const { wall, ambiguous } = this.#rules.wallOf(at);
    if (ambiguous) this.add(name, utcValue(at));
    else this.localWall(name, wall);
  }

  /** A DATE-TIME at a local wall time with TZID. */
  localWall(name: string, wall: number): void {
    this.add(name, wallValue(wall), `;TZID=${this.#rules.zone}`);
  }

  /** The object as sent: every line, the last included, ends in CRLF. */
  toString(): string {
    return `${this.#lines.join("\r\n")}\r\n`;
  }
}
