import { CalendarBook } from "../calendar/calendar-book.ts";
import { CalendarWing } from "../calendar/calendar-wing.ts";
import { IntegrationSecrets } from "../calendar/integration-secrets.ts";
import { CALENDAR_MIGRATIONS } from "../calendar/stores/migrations.ts";
import { SECRET_MIGRATIONS, SecretStore } from "../calendar/stores/secret-store.ts";
import { workerConfig } from "../config/worker-config.ts";
import { DIRECTORY_EVENT_MIGRATIONS, DirectoryEvents } from "../events/directory-events.ts";
import { setLogLevel } from "../lib/log.ts";
import { migrate } from "../storage/migrations.ts";
import { loadKeyRing } from "../tokens/keys.ts";
import { AUDIT_MIGRATIONS, AuditStore } from "./audit-store.ts";
import { AuditTrail } from "./audit-trail.ts";
import { EnrollmentBook } from "./enrollment-book.ts";
import { ENROLLMENT_MIGRATIONS, EnrollmentStore } from "./enrollment-store.ts";
import { FeedBook } from "./feed-book.ts";
import { FEED_MIGRATIONS, FeedStore } from "./feed-store.ts";
import { INVITE_MIGRATIONS, InviteStore } from "./invite-store.ts";
import { PeopleBook } from "./people-book.ts";
import { PEOPLE_MIGRATIONS, PeopleStore } from "./people-store.ts";
import { ProgramBook } from "./program-book.ts";
import { PROGRAM_MIGRATIONS, ProgramStore } from "./program-store.ts";
import { Recorder } from "./recorder.ts";
import { SessionBook } from "./session-book.ts";
import { SESSION_MIGRATIONS, SessionStore } from "./session-store.ts";
import { SIGN_IN_MIGRATIONS, SignInStore } from "./sign-in-store.ts";
import { TrackBook } from "./track-book.ts";
import { TRACK_MIGRATIONS, TrackStore } from "./track-store.ts";

/** The per-capability modules behind the ProgramDirectory façade, over one program's SQLite. */
export interface DirectoryModules {
  programs: ProgramStore;
  program: ProgramBook;
  tracks: TrackBook;
  sessions: SessionBook;
  enrollments: EnrollmentBook;
  audit: AuditStore;
  trail: AuditTrail;
  record: Recorder;
  calendar: CalendarBook;
  /** Calendar deliveries and the follow-up work of the directory's alarm. */
  calendarWing: CalendarWing;
  signIns: SignInStore;
  feeds: FeedBook;
  people: PeopleBook;
  secrets: IntegrationSecrets;
  /** Session and enrollment changes as outbound events, handed to the program's EventRelay. */
  events: DirectoryEvents;
  /** The object's one alarm: events handed over, then calendar follow-ups. */
  alarm: () => Promise<void>;
}

/** Every table of a program's directory, in the order they are created (docs/storage.md lists them). */
const MIGRATIONS = [
  ["program", PROGRAM_MIGRATIONS],
  ["tracks", TRACK_MIGRATIONS],
  ["sessions", SESSION_MIGRATIONS],
  ["enrollments", ENROLLMENT_MIGRATIONS],
  ["invites", INVITE_MIGRATIONS],
  ["audit", AUDIT_MIGRATIONS],
  ["calendar", CALENDAR_MIGRATIONS],
  ["sign-ins", SIGN_IN_MIGRATIONS],
  ["calendar-feeds", FEED_MIGRATIONS],
  ["people", PEOPLE_MIGRATIONS],
  ["integration-secrets", SECRET_MIGRATIONS],
  ["events", DIRECTORY_EVENT_MIGRATIONS],
] as const;

/**
 * Open a program's directory: its log level, its tables brought up to date before any call (inside
 * blockConcurrencyWhile), and the stores with the modules that decide over them, all sharing the
 * same stores. The audit's checkpoints reach outside the SQLite: Workers KV, signed with the product's keys.
 */
export function openDirectory(ctx: DurableObjectState, env: Env): DirectoryModules {
  const sql = ctx.storage.sql;
  setLogLevel(workerConfig(env).logLevel);
  ctx.blockConcurrencyWhile(async () => {
    for (const [name, migrations] of MIGRATIONS) migrate(sql, name, migrations);
  });
  const outside = { kv: env.ATTENDANCE, keys: () => loadKeyRing(workerConfig(env).signingKeys) };
  const programs = new ProgramStore(sql);
  const sessions = new SessionStore(sql);
  const enrollments = new EnrollmentStore(sql);
  const tracks = new TrackStore(sql);
  const invites = new InviteStore(sql);
  const people = new PeopleStore(sql);
  const secrets = new IntegrationSecrets({ store: new SecretStore(sql), programs });
  const stores = { programs, sessions, enrollments, tracks };
  const audit = new AuditStore(sql);
  const trail = new AuditTrail({ store: audit, ...outside, programId: () => programs.get()?.id ?? null });
  const record = new Recorder(audit, programs, trail);
  const calendar = new CalendarBook(sql, { ...stores, secrets });
  const events = new DirectoryEvents({ sql, programs, storage: ctx.storage, relays: () => env.EVENTS });
  events.watch(sessions, enrollments);
  const calendarWing = new CalendarWing({
    book: calendar,
    record,
    env,
    storage: ctx.storage,
    otherDue: () => events.nextAt(),
  });
  return {
    programs,
    program: new ProgramBook(stores),
    tracks: new TrackBook({ programs, tracks, sessions, enrollments }),
    sessions: new SessionBook({ ...stores, people }),
    enrollments: new EnrollmentBook({ ...stores, invites, people }),
    audit,
    trail,
    record,
    calendar,
    calendarWing,
    signIns: new SignInStore(sql),
    feeds: new FeedBook({ ...stores, feeds: new FeedStore(sql) }),
    people: new PeopleBook({ people, programs, record }),
    secrets,
    events,
    alarm: async () => {
      const due = events.nextAt();
      await events.flush(Date.now());
      // An alarm that woke for events runs only the calendar work due by the clock.
      await calendarWing.runFollowUps(due !== null && due <= Date.now());
    },
  };
}
