import type { Enrollment } from "../../schemas/enrollment.ts";
import type { EventType, QueuedEvent } from "../../schemas/events.ts";
import type { Session } from "../../schemas/session.ts";
import type { ProgramStore } from "../directory/program-store.ts";
import type { Watcher } from "../directory/session-store.ts";
import type { Migration } from "../storage/migrations.ts";
import { type EventSource, enrollmentChanged, enrollmentEvent, sessionEvent } from "./catalogue.ts";
import { EVENT_OUTBOX_MIGRATIONS, EventOutbox } from "./outbox.ts";

/** The directory's event tables: the outbox, and which event types the program's endpoints want. */
export const DIRECTORY_EVENT_MIGRATIONS: Migration[] = [
  ...EVENT_OUTBOX_MIGRATIONS,
  { id: 2, sql: "CREATE TABLE event_subscriptions (type TEXT PRIMARY KEY)" },
  // Reported changes per enrollment: enrollments carry no version, and updatedAt has second precision.
  { id: 3, sql: "CREATE TABLE event_sequences (subject TEXT PRIMARY KEY, n INTEGER NOT NULL)" },
];

const SESSION_TYPES = ["session.scheduled", "session.moved", "session.cancelled"];

/** The stores whose writes become events: each tells its watcher the row before and after. */
interface Watched<T> {
  watch(watcher: Watcher<T>): void;
}

/**
 * The directory's side of outbound events: session and enrollment changes become events in the
 * step that writes them (only the types some endpoint subscribes to, as the relay last said), and
 * the directory's alarm hands them to the program's EventRelay.
 */
export class DirectoryEvents {
  readonly #sql: SqlStorage;
  readonly #outbox: EventOutbox;
  readonly #programs: ProgramStore;
  readonly #storage: DurableObjectStorage;
  readonly #relays: () => Env["EVENTS"] | undefined;
  #wanted: Set<string> | null = null;

  constructor(deps: {
    sql: SqlStorage;
    programs: ProgramStore;
    storage: DurableObjectStorage;
    relays: () => Env["EVENTS"] | undefined;
  }) {
    this.#sql = deps.sql;
    this.#outbox = new EventOutbox(deps.sql);
    this.#programs = deps.programs;
    this.#storage = deps.storage;
    this.#relays = deps.relays;
  }

  watch(sessions: Watched<Session>, enrollments: Watched<Enrollment>): void {
    sessions.watch({
      active: () => this.#wants("session"),
      changed: (before, after) => this.#queue((src) => sessionEvent(src, before, after)),
    });
    enrollments.watch({
      active: () => this.#wants("enrollment.changed"),
      changed: (before, after) =>
        this.#queue((src) =>
          after && enrollmentChanged(before, after)
            ? enrollmentEvent(src, before, after, this.#sequence(after.id))
            : null,
        ),
    });
  }

  /** The relay's word on which types its endpoints want (replaces the last); without one, the types as they stand. */
  subscribe(types?: readonly EventType[]): EventType[] {
    if (types) {
      this.#sql.exec("DELETE FROM event_subscriptions");
      for (const t of new Set(types)) this.#sql.exec("INSERT INTO event_subscriptions (type) VALUES (?)", t);
      this.#wanted = null;
    }
    return [...this.#subscribed()].sort() as EventType[];
  }

  /** When the alarm must hand events over (0: at once), or null. */
  nextAt(): number | null {
    return this.#outbox.nextAt();
  }

  /** Hand the queued events to the relay; what fails waits for the alarm's retry. */
  async flush(now: number): Promise<number> {
    const relays = this.#relays();
    const programId = this.#programs.get()?.id;
    if (!relays || !programId || this.#outbox.nextAt() === null) return 0;
    const relay = relays.getByName(programId);
    return this.#outbox.flush((events) => relay.accept(programId, events, now), now);
  }

  /** The next number of `subject`'s reported changes, counted in the same step. */
  #sequence(subject: string): number {
    return this.#sql
      .exec<{ n: number }>(
        "INSERT INTO event_sequences (subject, n) VALUES (?, 1) ON CONFLICT (subject) DO UPDATE SET n = n + 1 RETURNING n",
        subject,
      )
      .one().n;
  }

  /** The subscribed types, read once and kept until the relay says otherwise. */
  #subscribed(): Set<string> {
    this.#wanted ??= new Set(
      this.#sql
        .exec<{ type: string }>("SELECT type FROM event_subscriptions")
        .toArray()
        .map((r) => r.type),
    );
    return this.#wanted;
  }

  /** Whether some endpoint wants `type` ("session": any of the three session events). */
  #wants(type: string): boolean {
    const wanted = this.#subscribed();
    return type === "session" ? SESSION_TYPES.some((t) => wanted.has(t)) : wanted.has(type);
  }

  #queue(make: (src: EventSource) => QueuedEvent | null): void {
    const program = this.#programs.get();
    if (!program) return;
    const event = make({ programId: program.id, part2: program.settings.part2 ?? true });
    if (!event || !this.#wants(event.type)) return;
    const idle = this.#outbox.nextAt() === null;
    this.#outbox.queue(event);
    // The first queued event wakes the alarm now; the alarm re-arms for everything else it owes.
    if (idle) void this.#storage.setAlarm(Date.now());
  }
}
