import { Layout, LiveStatus } from "./layout.tsx";

/**
 * Sign-in: with the clinic's OpenID provider or Cloudflare Access (the buttons show where the
 * Worker has them), or by pasted token or a one-time link (development; the link skips this form).
 */
function SignIn() {
  return (
    <section id="signin" class="card signin" aria-labelledby="signin-h" hidden>
      <h1 id="signin-h">Sign in</h1>
      <p class="actions">
        <a id="signin-oidc" class="button primary" href="/auth/login?returnTo=/console" hidden>
          Sign in with your clinic's account
        </a>
        <a id="signin-access" class="button primary" href="/auth/access?returnTo=/console" hidden>
          Sign in with Cloudflare Access
        </a>
      </p>
      <form id="signin-form" autocomplete="off">
        <label for="token-input">Access token</label>
        <textarea
          id="token-input"
          name="token"
          rows={4}
          spellcheck={false}
          autocapitalize="off"
          required
          aria-describedby="token-hint signin-error"
        />
        <p id="token-hint" class="muted small">
          For local development, open the console sign-in link that <code>npm start</code> prints, or paste a
          facilitator token made with <code>npm run token</code>. It is kept only in this browser tab and forgotten when
          you close it.
        </p>
        <p id="signin-error" class="error" role="alert" />
        <button type="submit" class="button primary">
          Sign in
        </button>
      </form>
    </section>
  );
}

/** The selected session: room controls, waiting list, live roster and the attendance summary. */
function RoomPanel() {
  return (
    <section id="room" class="card room" aria-labelledby="room-h" hidden>
      <div class="room-head">
        <h2 id="room-h" tabindex={-1}>
          Session
        </h2>
        <span id="room-state" class="badge" />
      </div>
      <p id="room-when" class="when" />
      <p id="seats" class="muted" />
      <p id="live" class="live-indicator muted small" />
      <div class="actions inline">
        <button type="button" id="open-room" class="button primary">
          Open room
        </button>
        <button type="button" id="close-room" class="button danger">
          Close room
        </button>
        <button type="button" id="close-cancel" class="button secondary" hidden>
          Keep it open
        </button>
      </div>
      <p id="room-error" class="error" role="alert" />
      <h3 id="waiting-h" tabindex={-1}>
        Waiting room
      </h3>
      <ul id="waiting" class="people" aria-labelledby="waiting-h" />
      <p id="waiting-empty" class="muted">
        No one is waiting.
      </p>
      <h3 id="roster-h" tabindex={-1}>
        Roster
      </h3>
      <div id="roster-wrap" class="table-scroll" hidden>
        <table id="roster" class="stack" aria-labelledby="roster-h">
          <thead>
            <tr>
              <th scope="col">Participant</th>
              <th scope="col">Role</th>
              <th scope="col">Arrived</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody id="roster-body" />
        </table>
      </div>
      <p id="roster-empty" class="muted">
        No one has arrived yet.
      </p>
      <h3 id="summary-h">Attendance summary</h3>
      <div id="summary" />
    </section>
  );
}

/**
 * `/console`: the facilitator's page. Today's and upcoming sessions, the room of the one selected,
 * and the week's clients below the program minimum. All data comes from the API through the script.
 */
export function ConsolePage() {
  const signOut = (
    <button type="button" id="sign-out" class="button link" hidden>
      Sign out
    </button>
  );
  return (
    <Layout title="Facilitator console" brand="Facilitator console" script="console.js" wide headerEnd={signOut}>
      <SignIn />
      <div id="app" class="console" hidden>
        <h1 class="visually-hidden">Facilitator console</h1>
        <section id="sessions" class="card sessions" aria-labelledby="sessions-h">
          <h2 id="sessions-h">Your sessions</h2>
          <h3>Today</h3>
          <ul id="today" class="session-list compact" />
          <p id="today-empty" class="muted" hidden>
            No sessions today.
          </p>
          <h3>Upcoming</h3>
          <ul id="upcoming" class="session-list compact" />
          <p id="upcoming-empty" class="muted" hidden>
            Nothing in the next two weeks.
          </p>
        </section>
        <section id="room-empty" class="card room-empty">
          <p class="muted">Choose a session to run its room.</p>
        </section>
        <RoomPanel />
        <section id="at-risk" class="card risk" aria-labelledby="risk-h">
          <h2 id="risk-h">Below the weekly minimum</h2>
          <p id="risk-week" class="muted" />
          <div id="risk-body" />
        </section>
      </div>
      <LiveStatus id="status" class="visually-hidden" />
    </Layout>
  );
}
