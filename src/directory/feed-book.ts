import type { FeedSubject } from "../../schemas/calendar-feed.ts";
import type { FeedInput } from "../calendar-feed/feed-input.ts";
import type { EnrollmentStore } from "./enrollment-store.ts";
import { feedInput } from "./feed-plan.ts";
import type { FeedStore } from "./feed-store.ts";
import type { ProgramStore } from "./program-store.ts";
import { fail, type Result } from "./result.ts";
import type { SessionStore } from "./session-store.ts";
import { clientView } from "./sessions.ts";
import { HORIZON_MS } from "./track-occurrences.ts";
import type { TrackStore } from "./track-store.ts";

/** How far back a feed reaches: the last two months, so a subscriber sees the recent past too. */
const PAST_MS = 60 * 86_400_000;

/** The stores a feed reads. */
export interface FeedBookStores {
  programs: ProgramStore;
  sessions: SessionStore;
  enrollments: EnrollmentStore;
  tracks: TrackStore;
  feeds: FeedStore;
}

/** Private iCalendar feeds: made and revoked by staff, read by the subscriber's calendar with the secret. */
export class FeedBook {
  readonly #s: FeedBookStores;

  constructor(stores: FeedBookStores) {
    this.#s = stores;
  }

  /** Store a new feed's secret hash for a subject of this program; the subject's earlier feed stops working. */
  create(id: string, hash: string, subject: FeedSubject, now: number): Result<object> {
    if (!this.#s.programs.get()) return fail("not-found", "No such program.");
    if (subject.type === "track" && !this.#s.tracks.get(subject.id)) return fail("not-found", "No such track.");
    if (subject.type === "client" && !this.#clientKnown(subject.id)) {
      return fail("not-found", "No such client in this program.");
    }
    this.#s.feeds.add(id, hash, subject, now);
    return { ok: true };
  }

  /** Revoke a feed; its URL answers 404 from now on. */
  revoke(id: string, now: number): boolean {
    return this.#s.feeds.revoke(id, now);
  }

  /** The feed's calendar, or null when the id and secret do not name a live feed (or its client was discharged). */
  read(id: string, hash: string, now: number, origin: string): { subject: FeedSubject; calendar: FeedInput } | null {
    const program = this.#s.programs.get();
    const subject = this.#s.feeds.find(id, hash);
    if (!program || !subject) return null;
    const window = { from: now - PAST_MS, to: now + HORIZON_MS };
    const page = (opts: { trackId?: string; clientId?: string; facilitatorId?: string }) =>
      this.#s.sessions.overlapping(window.from, window.to, { ...opts, limit: 5000 });
    const tracks = this.#s.tracks.all();
    let facts: { series: typeof tracks; sessions: ReturnType<typeof page> };
    switch (subject.type) {
      case "track": {
        const track = tracks.find((t) => t.id === subject.id);
        facts = { series: track ? [track] : [], sessions: page({ trackId: subject.id }) };
        break;
      }
      case "facilitator":
        facts = {
          series: tracks.filter((t) => t.facilitatorIds.includes(subject.id)),
          sessions: page({ facilitatorId: subject.id }),
        };
        break;
      case "client":
        if (!this.#clientKnown(subject.id)) return null;
        facts = {
          series: tracks.filter((t) => t.kind !== "group" && t.clientIds.includes(subject.id)),
          sessions: page({ clientId: subject.id }).map((s) => clientView(s, subject.id)),
        };
        break;
    }
    return { subject, calendar: feedInput({ program, subject, ...facts, origin, now }) };
  }

  /** A client with a place here, or one whose own series is here; a discharge ends their feed at once. */
  #clientKnown(clientId: string): boolean {
    if (this.#s.enrollments.current(clientId)) return true;
    if (this.#s.enrollments.known(clientId)) return false;
    return this.#s.tracks.all().some((t) => t.clientIds.includes(clientId));
  }
}
