// @ts-check
import {
  byId as $,
  api,
  el,
  formatDay,
  formatMinutes,
  formatTimeRange,
  KIND_LABEL,
  show,
  tokenStore,
  usableToken,
  useSessionCookie,
} from "/assets/common.js";
import { roomPanel } from "/assets/console-room.js";
import { personLabel } from "/assets/console-summary.js";

const store = tokenStore("iop.staff");
const announce = (text) => {
  $("status").textContent = text;
};
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
let token = null;
let selected = null;
/** Who is signed in (their claims), for reloading the session list when a session changes. */
let signedIn = null;
const panel = roomPanel({
  getToken: () => token,
  announce,
  onExpired: () => signOut("Your sign-in has expired. Paste a new token."),
  onChanged: () => signedIn && loadSessions(signedIn),
});

function staffClaims(token) {
  const claims = usableToken(token);
  if (!claims) return { error: "This token is not valid or has expired." };
  const roles = Array.isArray(claims.roles) ? claims.roles : [];
  if (!roles.includes("facilitator") && !roles.includes("admin")) return { error: "This token is not a staff token." };
  if (typeof claims.program !== "string") return { error: "This token is not tied to a program." };
  return { claims, admin: roles.includes("admin") && !roles.includes("facilitator") };
}

/** Why the clinic's sign-in came back without a session (`/console?signin=…`), in plain words. */
const REFUSED = {
  expired: "The sign-in took too long. Please sign in again.",
  "bad-state": "That sign-in could not be finished in this browser tab. Please sign in again.",
  denied: "The sign-in was cancelled. Sign in again when you are ready.",
  "bad-response": "Your clinic's sign-in answered something unexpected. Please try again.",
  unreachable: "Your clinic's sign-in could not be reached. Please try again in a minute.",
  "exchange-failed": "Your clinic's sign-in did not finish. Please try again.",
  "bad-token": "Your clinic's sign-in could not be verified. Please try again, or ask your administrator.",
  "bad-account": "This account cannot use the console. Ask your administrator.",
  "not-staff": "This account is not a facilitator or administrator here. Ask your administrator for access.",
  "no-program": "This account is not linked to a program here. Ask your administrator to link it.",
};
/** True while the console is signed in by the HttpOnly session cookie (no token in this page). */
let byCookie = false;

function signOut(message) {
  if (byCookie) api("POST", "/auth/logout", null);
  byCookie = false;
  useSessionCookie(null);
  panel.close();
  token = null;
  signedIn = null;
  selected = null;
  store.clear();
  show($("room"), false);
  show($("room-empty"), true);
  show($("app"), false);
  show($("sign-out"), false);
  show($("signin"), true);
  $("signin-error").textContent = message ?? "";
  $("token-input", HTMLTextAreaElement).value = "";
  $("token-input").focus();
}

function sessionButton(s) {
  const start = new Date(s.startsAt);
  const cancelled = s.status === "cancelled";
  const button = el(
    "button",
    {
      type: "button",
      class: cancelled ? "session-link cancelled" : "session-link",
      "data-session": s.id,
      "aria-current": selected === s.id ? "true" : "false",
    },
    el("span", { class: "day" }, formatDay(start), cancelled ? el("span", { class: "tag" }, "Cancelled") : null),
    el(
      "span",
      { class: "meta" },
      formatTimeRange(start, new Date(s.endsAt)) +
        " · " +
        (KIND_LABEL[s.kind] ?? "Session") +
        (s.cap ? ` · ${s.cap} seats` : ""),
    ),
  );
  button.addEventListener("click", () => {
    selected = s.id;
    for (const b of document.querySelectorAll("[data-session]")) b.setAttribute("aria-current", String(b === button));
    panel.select(s);
  });
  return el("li", null, button);
}

async function loadSessions(who) {
  const today = new Date();
  today.setHours(0, 0, 0, 0);
  const endOfToday = today.getTime() + 86400000;
  const query = new URLSearchParams({ from: iso(today.getTime()), to: iso(today.getTime() + 15 * 86400000) });
  const res = await api("GET", `/v1/programs/${encodeURIComponent(who.claims.program)}/sessions?${query}`, token);
  if (res.status === 401) return signOut("Your sign-in has expired. Paste a new token.");
  if (res.status !== 200) {
    $("today-empty").textContent = `Your sessions could not be loaded (${res.status || "offline"}).`;
    show($("today-empty"), true);
    return;
  }
  const mine = res.body.sessions.filter((s) => who.admin || s.facilitatorIds.includes(who.claims.sub));
  const now = Date.now();
  const todays = mine.filter((s) => Date.parse(s.startsAt) < endOfToday);
  const later = mine.filter((s) => Date.parse(s.startsAt) >= endOfToday && Date.parse(s.endsAt) > now);
  $("today").replaceChildren(...todays.map((s) => sessionButton(s)));
  $("upcoming").replaceChildren(...later.map((s) => sessionButton(s)));
  show($("today-empty"), todays.length === 0);
  show($("upcoming-empty"), later.length === 0);
}

async function loadAtRisk(who) {
  const body = $("risk-body");
  // No week in the query: the server counts the current week in the program's time zone.
  const res = await api("GET", `/v1/programs/${encodeURIComponent(who.claims.program)}/attendance/at-risk`, token);
  if (res.status === 404 || res.status === 501) {
    body.replaceChildren(el("p", { class: "muted" }, "The weekly at-risk report is not available yet."));
    return;
  }
  if (res.status === 403) {
    body.replaceChildren(el("p", { class: "muted" }, "Your role cannot see this report."));
    return;
  }
  if (res.status !== 200 || !Array.isArray(res.body?.clients)) {
    body.replaceChildren(el("p", { class: "error" }, "The weekly report could not be loaded."));
    return;
  }
  $("risk-week").textContent = `Week ${res.body.week}: clients whose attended hours are below the program minimum.`;
  if (res.body.clients.length === 0) {
    body.replaceChildren(el("p", { class: "muted" }, "No one is below the minimum this week."));
    return;
  }
  // Those who can no longer reach the minimum this week first: they need a call today.
  const clients = [...res.body.clients].sort(
    (a, b) => Number(b.atRisk === true) - Number(a.atRisk === true) || a.minutesAttended - b.minutesAttended,
  );
  const rows = clients.map((c) =>
    el(
      "tr",
      { "data-client": c.clientId },
      el("td", { class: "id" }, personLabel(c.clientId, c.displayName)),
      el("td", { class: "num", "data-label": "Attended" }, formatMinutes(c.minutesAttended)),
      el("td", { class: "num", "data-label": "Required" }, formatMinutes(c.minutesRequired)),
      el(
        "td",
        { "data-label": "This week" },
        c.atRisk === true ? el("span", { class: "tag warn" }, "Cannot reach it") : "Can still reach it",
      ),
    ),
  );
  body.replaceChildren(
    el(
      "div",
      { class: "table-scroll" },
      el(
        "table",
        { id: "risk-table", class: "stack" },
        el(
          "thead",
          null,
          el(
            "tr",
            null,
            ["Client", "Attended", "Required", "This week"].map((h) => el("th", { scope: "col" }, h)),
          ),
        ),
        el("tbody", null, rows),
      ),
    ),
  );
}

function enter(candidate) {
  const who = staffClaims(candidate);
  if (who.error) return signOut(who.error);
  token = candidate;
  store.set(token);
  opened(who);
}

/** Signed in by the session cookie: the page holds only the CSRF token, never the session itself. */
function enterSession(session) {
  byCookie = true;
  useSessionCookie(session.csrf);
  token = null;
  const claims = { sub: session.staffId, roles: session.roles, program: session.programId };
  opened({ claims, admin: session.role === "admin" && !session.roles.includes("facilitator") });
  // The cookie lasts as long as the session; the page says so when it ends rather than failing later.
  setTimeout(
    () => signOut("Your sign-in has ended. Please sign in again."),
    Date.parse(session.expiresAt) - Date.now(),
  );
}

function opened(who) {
  signedIn = who;
  show($("signin"), false);
  show($("app"), true);
  show($("sign-out"), true);
  announce("Signed in.");
  loadSessions(who);
  loadAtRisk(who);
}

// A one-time sign-in link: the code sits in the fragment (never sent to a server), leaves the
// address bar at once and is traded, once, for a staff token kept like a pasted one.
async function signInFromLink() {
  const code = new URLSearchParams(location.hash.slice(1)).get("signin");
  if (location.hash) history.replaceState(null, "", location.pathname + location.search);
  if (!code) return false;
  const res = await api("POST", "/v1/sign-in-codes/exchange", null, { code });
  if (res.status === 200 && typeof res.body?.token === "string") {
    enter(res.body.token);
    return true;
  }
  signOut(
    res.status === 429
      ? "There were too many tries. Wait a minute, then open the link again."
      : res.status === 0 || res.status >= 500
        ? "The service could not be reached. Open the link again."
        : res.status === 404
          ? "Sign-in links are off here. Paste a token instead."
          : "This sign-in link is not valid: it works once, within 15 minutes. Get a new one, or paste a token.",
  );
  return true;
}

$("signin-form").addEventListener("submit", (event) => {
  event.preventDefault();
  enter($("token-input", HTMLTextAreaElement).value.trim());
});
$("sign-out").addEventListener("click", () => signOut("You have signed out."));

/** The clinic's sign-in, where the Worker has one: the session cookie, or the buttons that make one. */
async function signInByCookie() {
  const refused = new URLSearchParams(location.search).get("signin");
  if (refused) history.replaceState(null, "", location.pathname);
  const res = await api("GET", "/auth/session", null);
  if (res.status === 200 && res.body?.signedIn === true && typeof res.body.csrf === "string") {
    enterSession(res.body);
    return true;
  }
  const ways = res.body?.signIn ?? {};
  show($("signin-oidc"), ways.oidc === true);
  show($("signin-access"), ways.access === true);
  if (refused) {
    signOut(REFUSED[refused] ?? "The sign-in did not finish. Please try again.");
    return true;
  }
  return false;
}

if (!(await signInFromLink()) && !(await signInByCookie())) {
  const saved = store.get();
  if (saved && !staffClaims(saved).error) enter(saved);
  else signOut(saved ? "Your sign-in has expired. Paste a new token." : "");
}
