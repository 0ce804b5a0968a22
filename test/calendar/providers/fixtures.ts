// Provider payloads shaped like the real ones, full of personal data that must never come out.

/** Strings that identify a person or reveal treatment; none may appear in any normalised output. */
export const PERSONAL = [
  "Jane Doe",
  "jane.doe@example.com",
  "JANE.DOE@EXAMPLE.COM",
  "Robert Roe",
  "robert.roe@example.org",
  "+1 415 555 0100",
  "Relapse Prevention",
  "I have been drinking daily",
  "Dr. Alice Clinician",
];

/** The Standard Webhooks specification's own test vector (a signed delivery and its secret). */
export const STANDARD_SPEC_VECTOR = {
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: 1614265330, // date-ok: the spec's signed example; it times no session (its body is no event)
  body: '{"test": 2432232314}',
  signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
};

/** A Cal.com booking webhook. */
export function calcomBooking(
  triggerEvent: string,
  over: {
    uid?: string;
    rescheduleUid?: string;
    requestReschedule?: boolean;
    createdAt?: string;
    startTime?: string;
    endTime?: string;
  } = {},
) {
  return {
    triggerEvent,
    createdAt: over.createdAt ?? "2026-11-20T10:00:00.000Z", // date-ok: pure tests' default; runtime tests pass their own (test/calendar/fixtures.ts)
    payload: {
      type: "relapse-prevention-intake",
      title: "Relapse Prevention intake between Dr. Alice Clinician and Jane Doe",
      description: "I have been drinking daily",
      startTime: over.startTime ?? "2026-11-23T17:00:00Z", // date-ok: pure tests' default; runtime tests pass their own (test/calendar/fixtures.ts)
      endTime: over.endTime ?? "2026-11-23T18:00:00Z", // date-ok: pure tests' default; runtime tests pass their own (test/calendar/fixtures.ts)
      uid: over.uid ?? "bk_7Hq2x9",
      ...(over.rescheduleUid ? { rescheduleUid: over.rescheduleUid } : {}),
      ...(over.requestReschedule ? { requestReschedule: true, cancellationReason: "Please pick a new time" } : {}),
      eventTypeId: 4242,
      organizer: { name: "Dr. Alice Clinician", email: "alice@clinic.example", timeZone: "America/Los_Angeles" },
      attendees: [
        {
          name: "Jane Doe",
          email: " JANE.DOE@EXAMPLE.COM ",
          timeZone: "America/Los_Angeles",
          phoneNumber: "+1 415 555 0100",
        },
      ],
      responses: { name: { value: "Jane Doe" }, notes: { value: "I have been drinking daily" } },
      metadata: { videoCallUrl: "https://cal.example/video/abc", clientId: "clt_4k9d2m7q1x" },
    },
  };
}

/** A Calendly invitee webhook. */
export function calendlyInvitee(
  event: string,
  over: { status?: string; createdAt?: string; uri?: string; email?: string } = {},
) {
  return {
    event,
    created_at: over.createdAt ?? "2026-11-20T10:00:00.000000Z", // date-ok: pure tests' default; runtime tests pass their own (test/calendar/fixtures.ts)
    created_by: "https://api.calendly.com/users/AAAA",
    payload: {
      email: over.email ?? "jane.doe@example.com",
      name: "Jane Doe",
      first_name: "Jane",
      text_reminder_number: "+1 415 555 0100",
      questions_and_answers: [{ question: "Why are you seeking care?", answer: "I have been drinking daily" }],
      tracking: { utm_content: "clt_from_tracking" },
      rescheduled: false,
      uri: "https://api.calendly.com/scheduled_events/EV1/invitees/INV1",
      scheduled_event: {
        uri: over.uri ?? "https://api.calendly.com/scheduled_events/EV1",
        name: "Relapse Prevention 1:1",
        status: over.status ?? "active",
        start_time: "2026-11-23T17:00:00.000000Z", // date-ok: pure tests' default; runtime tests pass their own (test/calendar/fixtures.ts)
        end_time: "2026-11-23T18:00:00.000000Z", // date-ok: pure tests' default; runtime tests pass their own (test/calendar/fixtures.ts)
        event_type: "https://api.calendly.com/event_types/ET1",
        event_memberships: [{ user_name: "Dr. Alice Clinician", user_email: "alice@clinic.example" }],
      },
    },
  };
}

/** A Calendar API v3 event resource. */
export function googleEvent(over: Record<string, unknown> = {}) {
  return {
    kind: "calendar#event",
    id: "evt1",
    status: "confirmed",
    summary: "Relapse Prevention – Jane Doe",
    description: "I have been drinking daily",
    updated: "2026-11-20T10:00:00.123Z", // date-ok: pure tests' default; runtime tests pass their own (test/calendar/fixtures.ts)
    sequence: 0,
    start: { dateTime: "2026-11-23T09:00:00-08:00", timeZone: "America/Los_Angeles" }, // date-ok: pure tests' default; runtime tests pass their own (test/calendar/fixtures.ts)
    end: { dateTime: "2026-11-23T12:00:00-08:00", timeZone: "America/Los_Angeles" }, // date-ok: pure tests' default; runtime tests pass their own (test/calendar/fixtures.ts)
    organizer: { email: "alice@clinic.example", displayName: "Dr. Alice Clinician", self: true },
    attendees: [
      { email: "alice@clinic.example", displayName: "Dr. Alice Clinician", organizer: true, self: true },
      { email: "Jane.Doe@example.com", displayName: "Jane Doe", responseStatus: "accepted" },
      { email: "robert.roe@example.org", displayName: "Robert Roe" },
      { email: "room-3@resource.calendar.google.com", displayName: "Room 3", resource: true },
    ],
    extendedProperties: { private: { clientIds: "clt_4k9d2m7q1x, clt_8z7y6x5w4v" } },
    ...over,
  };
}
