// @ts-check
import {
  byId as $,
  api,
  formatDay,
  formatDuration,
  formatTime,
  formatTimeRange,
  KIND_LABEL,
  keepFocus,
  openLive,
  show,
  timeZone,
  tokenStore,
  usableToken,
} from "/assets/common.js";

const store = tokenStore("iop.client");
const sessionId = decodeURIComponent(location.pathname.split("/")[2] ?? "");
const token = store.get();
// Set by the list page when the client's link led straight here: join without a press.
const autoJoin = tokenStore("iop.autojoin");
const ui = {
  card: $("card"),
  heading: $("state-h"),
  detail: $("state-detail"),
  countdown: $("countdown"),
  checkIn: $("check-in", HTMLButtonElement),
  join: $("join", HTMLButtonElement),
  video: $("video-link", HTMLAnchorElement),
  copy: $("copy-pass", HTMLButtonElement),
  leave: $("leave", HTMLButtonElement),
  nameField: $("name-field"),
  name: $("display-name", HTMLInputElement),
};
/**
 * What the page knows: its phase, the session as the API showed it, when check-in opens, the pass
 * from the last join, the live channel, and who the pass says the client is.
 * @type {{ phase: string, session: { startsAt: string, endsAt: string, [k: string]: unknown } | null,
 *   opensAt: number | null, autoCheckIn: boolean, pass: { token: string, expiresAt: string, joinUrl?: string } | null,
 *   live: { close(): void } | null, me?: string }}
 */
const state = { phase: "loading", session: null, opensAt: null, autoCheckIn: false, pass: null, live: null };

const PHASES = {
  loading: { tone: "neutral", title: "Loading your session…", text: "" },
  "signed-out": {
    tone: "warn",
    title: "Open your personal link",
    text: "This page opens from the personal link your care team sent you. Please open that link again.",
  },
  missing: {
    tone: "warn",
    title: "We couldn't find this session",
    text: "It isn't on your schedule. Go back to your sessions to pick another one.",
  },
  scheduled: { tone: "neutral", title: "Check in when you're ready", text: "", buttons: ["checkIn"] },
  "too-early": {
    tone: "neutral",
    title: "It's a little early",
    text: "Keep this page open: we'll check you in as soon as the room opens.",
    buttons: ["checkIn"],
  },
  checking: { tone: "neutral", title: "Checking you in…", text: "", buttons: ["checkIn"] },
  waiting: {
    tone: "wait",
    title: "You're checked in",
    text: "Please wait here. Your facilitator will let you in, and this page will change by itself.",
    buttons: ["leave"],
  },
  admitted: {
    tone: "ok",
    title: "You're in",
    text: "You have a place in the room. Join when you're ready.",
    buttons: ["join", "leave"],
  },
  ready: { tone: "ok", title: "Your pass is ready", text: "", buttons: ["copy", "leave"] },
  handover: {
    tone: "ok",
    title: "Opening the video room…",
    text: "If it doesn't open by itself, use the button below.",
    buttons: ["video", "leave"],
  },
  full: {
    tone: "warn",
    title: "This group is full right now",
    text: "All seats are taken. A seat may free up, so you can try again, or contact your care team for another session.",
    buttons: ["checkIn"],
  },
  late: {
    tone: "warn",
    title: "It's too late to join this session",
    text: "The room no longer admits new arrivals. Please contact your care team; they can help you make it up.",
  },
  removed: {
    tone: "warn",
    title: "You were removed from this session",
    text: "You can't join this session again. If you think this is a mistake, please contact your care team.",
  },
  changed: {
    tone: "neutral",
    title: "Your place in this group has changed",
    text: "Your care team changed your program, so this session is no longer on your schedule. Please contact them about what comes next.",
  },
  cancelled: {
    tone: "neutral",
    title: "This session was cancelled",
    text: "There's nothing you need to do. Your care team will let you know about the next one.",
  },
  ended: {
    tone: "neutral",
    title: "This session has ended",
    text: "Thank you. Go back to your sessions to see what's next.",
  },
  left: {
    tone: "neutral",
    title: "You left the session",
    text: "You can check in again while the session is still running.",
    buttons: ["checkIn"],
  },
  expired: {
    tone: "warn",
    title: "Your link has expired",
    text: "Please open the personal link from your care team again.",
  },
  busy: {
    tone: "warn",
    title: "Please wait a moment",
    text: "There were too many tries in a short time. Try again in a minute.",
    buttons: ["checkIn"],
  },
  offline: {
    tone: "warn",
    title: "We couldn't reach the clinic's service",
    text: "Check your internet connection, then try again.",
    buttons: ["checkIn"],
  },
};
const FINAL = new Set(["removed", "changed", "cancelled", "ended", "late", "expired", "signed-out", "missing"]);

function setPhase(phase, extra) {
  // A final answer (removed, cancelled, ended…) is never overwritten by a late message or timer.
  if (FINAL.has(state.phase) && phase !== state.phase) return;
  const def = PHASES[phase];
  state.phase = phase;
  ui.card.dataset.tone = def.tone;
  ui.heading.textContent = def.title;
  ui.detail.textContent = extra ?? def.text;
  for (const name of ["checkIn", "join", "video", "copy", "leave"]) show(ui[name], (def.buttons ?? []).includes(name));
  // The name is asked with the check-in, where the program asks for one; it is not asked again after.
  show(ui.nameField, Boolean(state.session?.checkInAsksName) && !ui.checkIn.hidden);
  ui.checkIn.textContent = ["full", "offline", "busy"].includes(phase)
    ? "Try again"
    : phase === "left"
      ? "Check in again"
      : "Check in";
  ui.checkIn.disabled = phase === "checking" || phase === "too-early";
  ui.leave.textContent = phase === "waiting" ? "Leave the waiting room" : "Leave the session";
  if (phase === "checking") ui.checkIn.textContent = "Checking in…";
  $("status").textContent = `${def.title}. ${ui.detail.textContent}`;
  // "too-early" too: the page promises to check in by itself, so it must hear a cancel or a move first.
  if (["waiting", "too-early", "admitted", "ready", "handover"].includes(phase)) connectLive();
  if (FINAL.has(phase)) disconnectLive();
  tick();
  keepFocus(ui.heading);
}

function tick() {
  const now = Date.now();
  const s = state.session;
  let text = "";
  if (state.phase === "too-early" && state.opensAt) {
    const left = state.opensAt - now;
    text = left > 0 ? `Check-in opens in ${formatDuration(left)}` : "";
    if (left <= 0 && state.autoCheckIn) {
      state.autoCheckIn = false;
      checkIn();
    }
  } else if (s && ["scheduled", "waiting", "full", "left"].includes(state.phase)) {
    const start = Date.parse(s.startsAt);
    text = start > now ? `Starts in ${formatDuration(start - now)}` : `Started at ${formatTime(new Date(start))}`;
  }
  if (state.phase === "ready" && state.pass && now >= Date.parse(state.pass.expiresAt)) {
    // Passes are short-lived by design; a fresh one is one press away while the seat is kept.
    state.pass = null;
    setPhase("admitted", "Your pass has expired. Press Join for a new one; your seat is kept.");
  }
  ui.countdown.textContent = text;
  show(ui.countdown, text !== "");
  if (s && now >= Date.parse(s.endsAt) && !FINAL.has(state.phase) && state.phase !== "ready") setPhase("ended");
}

function showSession(s) {
  state.session = { ...s, checkInAsksName: s.checkInAsksName ?? state.session?.checkInAsksName };
  $("display-name-hint").textContent = s.nameShownInCall
    ? "What your care team and the others in your group will call you. A first name is enough."
    : "What your care team will call you. The others in the group don't see it. A first name is enough.";
  const start = new Date(s.startsAt);
  $("heading").textContent = KIND_LABEL[s.kind] ?? "Your session";
  $("when").textContent = `${formatDay(start)} · ${formatTimeRange(start, new Date(s.endsAt))}`;
  $("tz-note").textContent = `Shown in your time zone (${timeZone()}).`;
}

async function refused(res) {
  const type = String(res.body?.type ?? "");
  if (res.status === 0 || res.status >= 500) return setPhase("offline");
  if (res.status === 429) return setPhase("busy");
  if (res.status === 401) {
    store.clear();
    return setPhase("expired");
  }
  if (res.status === 403) {
    return setPhase(res.body?.type === "/problems/removed" ? "removed" : "missing");
  }
  if (res.status === 404) return setPhase("missing");
  if (res.status === 410) {
    const again = await api("GET", `/v1/sessions/${encodeURIComponent(sessionId)}`, token);
    return setPhase(again.body?.status === "cancelled" ? "cancelled" : "ended");
  }
  if (type.endsWith("/group-full")) return setPhase("full");
  if (type.endsWith("/outside-window") && res.body?.opensAt) {
    // Never sooner than 5 s from now, so a phone whose clock runs ahead does not retry every second.
    state.opensAt = Math.max(Date.parse(res.body.opensAt), Date.now() + 5000);
    state.autoCheckIn = true;
    return setPhase(
      "too-early",
      `Check-in opens at ${formatTime(new Date(state.opensAt))}. Keep this page open: we'll check you in then.`,
    );
  }
  if (type.endsWith("/outside-window")) return setPhase("late");
  return setPhase("offline");
}

/** The check-in's body: the name the client typed, where the page asked for one. */
function checkInBody() {
  const displayName = ui.name.value.trim();
  return state.session?.checkInAsksName && displayName ? { displayName } : undefined;
}

async function checkIn() {
  const body = checkInBody();
  setPhase("checking");
  const res = await api("POST", `/v1/sessions/${encodeURIComponent(sessionId)}/join`, token, body);
  if (res.status === 202) return setPhase("waiting");
  if (res.status === 200) return setPhase("admitted");
  const aboutName = res.body?.errors?.some?.((e) => e?.path === "displayName");
  if (body && state.session && (res.status === 400 || (res.status === 403 && aboutName))) {
    // The name was refused (too long, odd characters, or no longer asked for): check in without it.
    if (res.status === 403) state.session.checkInAsksName = false;
    setPhase("scheduled", "That name can't be used here. Use up to 40 ordinary characters, or leave it empty.");
    ui.name.focus();
    return;
  }
  return refused(res);
}

async function join() {
  ui.join.disabled = true;
  const res = await api("POST", `/v1/sessions/${encodeURIComponent(sessionId)}/join`, token);
  ui.join.disabled = false;
  if (res.status === 202) return setPhase("waiting");
  if (res.status !== 200) return refused(res);
  state.pass = res.body;
  if (res.body.joinUrl) {
    ui.video.href = res.body.joinUrl;
    setPhase("handover");
    location.assign(res.body.joinUrl);
    return;
  }
  setPhase(
    "ready",
    "This program doesn't use a meeting web page. Next: open the video app your clinic gave you, press " +
      "Copy pass below and paste it when the app asks for it. The pass works until " +
      formatTime(new Date(res.body.expiresAt)) +
      ". No app, or not sure which one? Call your care team: your place in the group is kept. Keep this page open.",
  );
}

async function leave() {
  ui.leave.disabled = true;
  const res = await api("POST", `/v1/sessions/${encodeURIComponent(sessionId)}/leave`, token);
  ui.leave.disabled = false;
  state.pass = null;
  if (res.status === 200 || res.status === 404) return setPhase("left");
  return refused(res);
}

function onLive(message) {
  const mine = message.participantId === undefined || message.participantId === state.me;
  if (!mine) return;
  if (message.type === "hello") {
    if (message.roomState === "closed") return setPhase("ended");
    if (message.roomState === "cancelled") return setPhase("cancelled");
    if (message.status === "removed") return setPhase("removed");
    if (message.status === "admitted" && state.phase === "waiting") return setPhase("admitted");
  } else if (message.type === "admitted" && ["waiting", "full", "checking"].includes(state.phase)) {
    setPhase("admitted");
  } else if (message.type === "removed") {
    setPhase(message.reason === "enrollment-changed" ? "changed" : "removed");
  } else if (message.type === "room" && (message.state === "closed" || message.state === "cancelled")) {
    setPhase(message.state === "closed" ? "ended" : "cancelled");
  } else if (message.type === "moved" && state.session) {
    showSession({ ...state.session, startsAt: message.startsAt, endsAt: message.endsAt });
    const note = `The session time changed: ${$("when").textContent}`;
    if (state.phase === "ready") setPhase("admitted");
    $("status").textContent = note;
    // A client in the waiting room (or waiting for check-in to open) asks again: the new time may put
    // check-in hours away (the page then says when it opens and checks in by itself) or keep their
    // place, and the card says which.
    if (state.phase === "waiting" || state.phase === "too-early") {
      disconnectLive();
      checkIn().then(() => {
        $("status").textContent = `${note}. ${$("status").textContent}`;
      });
    }
  }
}

function connectLive() {
  if (state.live) return;
  state.live = openLive(sessionId, token, {
    onMessage: onLive,
    onState: (s) => {
      $("live-note").textContent = s === "reconnecting" ? "Reconnecting to live updates…" : "";
      show($("live-note"), s === "reconnecting");
    },
  });
}

function disconnectLive() {
  state.live?.close();
  state.live = null;
}

async function start() {
  const claims = usableToken(token);
  if (!claims) return setPhase("signed-out");
  state.me = claims.sub;
  const res = await api("GET", `/v1/sessions/${encodeURIComponent(sessionId)}`, token);
  if (res.status !== 200) return refused(res);
  showSession(res.body);
  if (res.body.status === "cancelled") return setPhase("cancelled");
  if (Date.now() >= Date.parse(res.body.endsAt)) return setPhase("ended");
  const straightIn = autoJoin.get() === sessionId;
  autoJoin.clear();
  if (straightIn) {
    setPhase("checking");
    return join();
  }
  setPhase("scheduled");
}

ui.checkIn.addEventListener("click", checkIn);
ui.join.addEventListener("click", join);
ui.leave.addEventListener("click", leave);
ui.copy.addEventListener("click", async () => {
  try {
    await navigator.clipboard.writeText(state.pass?.token ?? "");
    $("status").textContent = "Pass copied.";
  } catch {
    $("status").textContent = "Copying isn't available in this browser.";
  }
});
setInterval(tick, 1000);
start();
