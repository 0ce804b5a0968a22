import { Layout, LiveStatus } from "./layout.tsx";

const BRAND = "Session check-in";

/**
 * `/join`: where an invite link lands. The script trades the code in the fragment for a client
 * token, removes it from the address bar and lists the client's upcoming sessions. The server
 * renders only the empty shell, so nothing about the client ever passes through it.
 */
export function JoinListPage() {
  return (
    <Layout title="Your sessions" brand={BRAND} script="join-list.js">
      <h1 id="heading" tabindex={-1}>
        Your sessions
      </h1>
      <LiveStatus id="status" />
      <LiveStatus id="announce" class="visually-hidden" />
      <section id="signed-out" class="card notice" hidden>
        <h2>Open your personal link</h2>
        <p id="signed-out-text">
          This page opens from the personal link your care team sent you. Please open that link again on this phone or
          computer.
        </p>
      </section>
      <section id="retry-box" hidden>
        <button type="button" id="retry" class="button primary">
          Try again
        </button>
      </section>
      <section id="sessions" aria-labelledby="sessions-h" hidden>
        <h2 id="sessions-h">Coming up</h2>
        <p class="muted" id="tz-note" />
        <ul id="session-list" class="session-list" />
        <p id="empty" class="muted" hidden>
          You have no sessions in the next two weeks.
        </p>
      </section>
    </Layout>
  );
}

/**
 * `/join/{sessionId}`: one session. Day and time in the client's own time zone, a countdown, the
 * check-in, the waiting room (live, over the session's WebSocket) and the hand-over to video.
 */
export function JoinRoomPage() {
  return (
    <Layout title="Check in" brand={BRAND} script="join-room.js">
      <p class="back">
        <a href="/join">All your sessions</a>
      </p>
      <h1 id="heading">Your session</h1>
      <p id="when" class="when">
        Loading…
      </p>
      <p id="tz-note" class="muted" />
      <section id="card" class="card state" aria-labelledby="state-h" data-tone="neutral">
        <h2 id="state-h" tabindex={-1}>
          Loading your session…
        </h2>
        <p id="state-detail" />
        <p id="countdown" class="countdown" hidden />
        <div id="name-field" class="field" hidden>
          <label for="display-name">
            Your name <span class="muted">(optional)</span>
          </label>
          <input
            id="display-name"
            name="displayName"
            type="text"
            maxlength={40}
            autocomplete="given-name"
            aria-describedby="display-name-hint"
          />
          <p id="display-name-hint" class="muted small" />
        </div>
        <div class="actions">
          <button type="button" id="check-in" class="button primary" hidden>
            Check in
          </button>
          <button type="button" id="join" class="button primary" hidden>
            Join the session
          </button>
          <a id="video-link" class="button primary" href="/join" rel="noopener noreferrer" hidden>
            Open the video room
          </a>
          <button type="button" id="copy-pass" class="button secondary" hidden>
            Copy pass for the video app
          </button>
          <button type="button" id="leave" class="button secondary" hidden>
            Leave
          </button>
        </div>
      </section>
      <LiveStatus id="status" class="visually-hidden" />
      <p id="live-note" class="muted small" hidden />
    </Layout>
  );
}

/** A session path that is not a session id: a kind dead end with the way back. */
export function NotFoundPage() {
  return (
    <Layout title="Page not found" brand={BRAND} script="common.js">
      <h1>We couldn't find that page</h1>
      <p>
        The link may be incomplete. <a href="/join">See your sessions</a>, or open the personal link from your care team
        again.
      </p>
    </Layout>
  );
}
