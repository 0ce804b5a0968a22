// @ts-check
import {
  byId as $,
  api,
  el,
  formatDay,
  formatTimeRange,
  KIND_LABEL,
  show,
  timeZone,
  tokenStore,
  usableToken,
} from "/assets/common.js";

const store = tokenStore("iop.client");
// Tells the session page that the client came from their link straight into it: join at once.
const autoJoin = tokenStore("iop.autojoin");
const status = $("status");
let pendingCode = null;

function takeInviteCode() {
  const params = new URLSearchParams(location.hash.slice(1));
  const code = params.get("invite");
  if (location.hash) history.replaceState(null, "", location.pathname + location.search);
  return code;
}

async function exchange(code) {
  status.textContent = "Opening your link…";
  const res = await api("POST", "/v1/invites/exchange", null, { code });
  if (res.status === 200 && res.body && typeof res.body.token === "string") {
    store.set(res.body.token);
    pendingCode = null;
    return true;
  }
  if (res.status === 0 || res.status >= 500 || res.status === 429) {
    status.textContent =
      res.status === 429
        ? "There were too many tries in a short time. Please wait a minute, then try again."
        : "We couldn't reach the clinic's service. Check your connection and try again.";
    show($("retry-box"), true);
    return false;
  }
  pendingCode = null;
  status.textContent = "This link no longer works. It may have expired or been replaced by a newer one.";
  // Opening the same link again cannot help here: say who can.
  $("signed-out-text").textContent =
    "Please ask your care team for a new personal link. They can send one by text or e-mail, or give it to you at the clinic.";
  show($("signed-out"), true);
  return false;
}

const sameDay = (a, b) => a.toDateString() === b.toDateString();

function sessionItem(session) {
  const start = new Date(session.startsAt);
  const end = new Date(session.endsAt);
  const cancelled = session.status === "cancelled";
  const now = new Date();
  const tag = cancelled ? "Cancelled" : start <= now ? "Now" : sameDay(start, now) ? "Today" : null;
  return el(
    "li",
    null,
    el(
      "a",
      { class: cancelled ? "session-link cancelled" : "session-link", href: `/join/${encodeURIComponent(session.id)}` },
      el(
        "span",
        { class: "day" },
        formatDay(start),
        tag ? el("span", { class: cancelled ? "tag" : "tag soon" }, tag) : null,
      ),
      el("span", { class: "meta" }, `${formatTimeRange(start, end)} · ${KIND_LABEL[session.kind] ?? "Session"}`),
    ),
  );
}

async function listSessions(fromLink) {
  const token = store.get();
  const claims = usableToken(token);
  if (!claims || typeof claims.program !== "string") {
    store.clear();
    show($("signed-out"), true);
    status.textContent = "";
    return;
  }
  status.textContent = "Loading your sessions…";
  const now = Date.now();
  const query = new URLSearchParams({
    from: new Date(now - 12 * 3600000).toISOString().replace(/\.\d{3}Z$/, "Z"),
    to: new Date(now + 14 * 86400000).toISOString().replace(/\.\d{3}Z$/, "Z"),
  });
  const res = await api("GET", `/v1/programs/${encodeURIComponent(claims.program)}/sessions?${query}`, token);
  if (res.status === 401) {
    store.clear();
    show($("signed-out"), true);
    status.textContent = "Your link has expired.";
    return;
  }
  if (res.status !== 200 || !res.body) {
    status.textContent = "We couldn't load your sessions. Please try again in a moment.";
    show($("retry-box"), true);
    return;
  }
  const upcoming = res.body.sessions.filter((s) => Date.parse(s.endsAt) > now);
  const running = upcoming.filter((s) => s.status !== "cancelled" && Date.parse(s.startsAt) <= now);
  if (fromLink && running.length === 1) {
    status.textContent = "Taking you to your session…";
    autoJoin.set(running[0].id);
    location.assign(`/join/${encodeURIComponent(running[0].id)}`);
    return;
  }
  const list = $("session-list");
  list.replaceChildren(...upcoming.map(sessionItem));
  $("tz-note").textContent = `Times are shown in your time zone (${timeZone()}).`;
  show($("empty"), upcoming.length === 0);
  show($("sessions"), true);
  status.textContent = "";
  $("announce").textContent =
    upcoming.length === 1 ? "You have 1 session coming up." : `You have ${upcoming.length} sessions coming up.`;
}

async function start() {
  show($("retry-box"), false);
  const code = pendingCode ?? takeInviteCode();
  if (code) {
    pendingCode = code;
    if (!(await exchange(code))) return;
  }
  await listSessions(Boolean(code));
}

$("retry").addEventListener("click", start);
start();
