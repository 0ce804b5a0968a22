// @ts-check
import {
  byId as $,
  api,
  el,
  formatDay,
  formatTime,
  formatTimeRange,
  KIND_LABEL,
  openLive,
  show,
} from "/assets/common.js";
import { ROLE_LABEL, summary } from "/assets/console-summary.js";

const STATE_LABEL = { scheduled: "Not open yet", open: "Open", closed: "Closed", cancelled: "Cancelled" };
const SEATED = new Set(["admitted", "in-room"]);
const STATUS_LABEL = {
  waiting: "Waiting",
  admitted: "Admitted, not connected yet",
  "in-room": "In the room",
  left: "Left",
  removed: "Removed",
};

export function roomPanel({ getToken, announce, onExpired, onChanged }) {
  let session = null;
  let live = null;
  let roomState = "scheduled";
  let people = new Map();
  /** id → the name staff see (null: none); read from the program's people, never from the room. */
  let names = new Map();
  let asking = false;
  let closeArmed = false;

  const path = (suffix) => `/v1/sessions/${encodeURIComponent(session.id)}${suffix}`;
  const person = (id) => people.get(id) ?? people.set(id, { id, role: "client", status: "waiting" }).get(id);
  /** How a person is named on screen and to screen readers: their name, else their id. */
  const nameOf = (id) => names.get(id) ?? id;

  /**
   * Ask the program for the names of people not yet looked up, in one batch per turn. A client may
   * give a name at check-in, so their `waiting` or `admitted` frame forgets the old answer first.
   */
  function lookUpNames() {
    if (asking || !session) return;
    asking = true;
    queueMicrotask(async () => {
      const ids = [...people.keys()].filter((id) => !names.has(id)).slice(0, 200);
      if (ids.length === 0) {
        asking = false;
        return;
      }
      for (const id of ids) names.set(id, null);
      const query = ids.map(encodeURIComponent).join(",");
      const res = await api(
        "GET",
        `/v1/programs/${encodeURIComponent(session.programId)}/people?ids=${query}`,
        getToken(),
      );
      asking = false;
      if (res.status === 401) return onExpired();
      if (res.status !== 200 || !Array.isArray(res.body?.people)) return;
      for (const x of res.body.people) names.set(x.subjectId, x.displayName);
      render();
      if ([...people.keys()].some((id) => !names.has(id))) lookUpNames();
    });
  }
  const error = (text) => {
    $("room-error").textContent = text ?? "";
  };

  async function act(method, suffix, done) {
    error("");
    const res = await api(method, path(suffix), getToken());
    if (res.status === 401) return onExpired();
    if (res.status === 200) return done?.();
    const type = String(res.body?.type ?? "");
    if (type.endsWith("/group-full")) error(`The group is full (${res.body.cap ?? session.cap} seats).`);
    else if (res.status === 410) error("This session has ended or was cancelled.");
    else if (res.status === 409) error(res.body?.detail ?? "That can't be done right now.");
    else error(`That didn't work (${res.status || "offline"}). Please try again.`);
  }

  /** A button that acts on a second press; `who()` names the person for screen readers ("Remove Sam R."). */
  function confirmButton(label, confirmLabel, who, run) {
    let armed = false;
    let timer = null;
    const hidden = () => el("span", { class: "visually-hidden" }, ` ${who()}`);
    const button = el("button", { type: "button", class: "button danger small" }, label, hidden());
    button.addEventListener("click", () => {
      if (armed) {
        clearTimeout(timer);
        run();
        return;
      }
      armed = true;
      button.replaceChildren(confirmLabel, hidden());
      button.classList.add("confirm");
      // Removal cannot be undone, so it takes a second, deliberate press; the arm lapses after 5 s.
      timer = setTimeout(() => {
        armed = false;
        button.replaceChildren(label, hidden());
        button.classList.remove("confirm");
      }, 5000);
    });
    return button;
  }

  const removeButton = (id) =>
    confirmButton(
      "Remove",
      "Confirm remove",
      () => nameOf(id),
      () => act("DELETE", `/participants/${encodeURIComponent(id)}`),
    );

  /** The person's name with their id beside it (staff may know either), kept current in place. */
  function whoCell(p, tag, attrs) {
    p.name_ ??= [];
    const name = el("span", { class: "name" });
    const id = el("span", { class: "muted id-aside" });
    p.name_.push({ name, id });
    return el(tag, attrs, name, id);
  }
  function paintWho(p) {
    const named = names.get(p.id);
    for (const { name, id } of p.name_ ?? []) {
      name.textContent = named ?? p.id;
      id.textContent = named ? ` (${p.id})` : "";
    }
    // Buttons are named for the person ("Admit Sam R."), and renamed in place when the name comes.
    for (const row of [p.li, p.tr]) {
      for (const hidden of row?.querySelectorAll("button .visually-hidden") ?? [])
        hidden.textContent = ` ${nameOf(p.id)}`;
    }
  }

  // Rows are kept per participant and updated in place, never rebuilt: a rebuild would drop the
  // keyboard focus and disarm a half-confirmed removal each time someone else arrives.
  function waitingRow(p) {
    if (p.li) return p.li;
    const remove = removeButton(p.id);
    const admit = el(
      "button",
      { type: "button", class: "button primary small" },
      "Admit",
      el("span", { class: "visually-hidden" }, ` ${nameOf(p.id)}`),
    );
    admit.addEventListener("click", () => act("POST", `/participants/${encodeURIComponent(p.id)}/admit`));
    p.since_ = el("span", { class: "muted" });
    p.li = el(
      "li",
      { "data-participant": p.id },
      el("span", null, whoCell(p, "span", { class: "who" }), p.since_),
      el("span", { class: "row-actions" }, admit, remove),
    );
    return p.li;
  }

  function rosterRow(p) {
    if (!p.tr) {
      p.cells = {
        role: el("td", { "data-label": "Role" }),
        arrived: el("td", { class: "num", "data-label": "Arrived" }),
        status: el("td", { "data-label": "Status" }),
        action: el("td", { class: "action" }),
      };
      p.tr = el(
        "tr",
        { "data-participant": p.id },
        whoCell(p, "td", { class: "id" }),
        p.cells.role,
        p.cells.arrived,
        p.cells.status,
        p.cells.action,
      );
    }
    return p.tr;
  }

  function render() {
    const over = roomState === "closed" || roomState === "cancelled";
    $("room-state").textContent = STATE_LABEL[roomState] ?? roomState;
    $("room-state").dataset.state = roomState;
    $("open-room", HTMLButtonElement).disabled = roomState !== "scheduled";
    $("close-room", HTMLButtonElement).disabled = roomState === "closed" || roomState === "cancelled";
    let waiting = 0;
    let inRoster = 0;
    let seated = 0;
    // A row about to leave the page may hold the focus: hand it to the list's heading, not to <body>.
    const holdsFocus = (node) => node?.isConnected && node.contains(document.activeElement);
    let refocus = null;
    for (const p of people.values()) {
      if (p.status === "waiting") {
        waiting += 1;
        if (holdsFocus(p.tr)) refocus = $("waiting-h");
        p.tr?.remove();
        if (!p.li?.isConnected) $("waiting").append(waitingRow(p));
        p.since_.textContent = p.since ? ` · since ${formatTime(new Date(p.since))}` : "";
        paintWho(p);
        continue;
      }
      inRoster += 1;
      if (SEATED.has(p.status) && p.role === "client") seated += 1;
      if (holdsFocus(p.li)) refocus = $("roster-h");
      p.li?.remove();
      const tr = rosterRow(p);
      if (!tr.isConnected) $("roster-body").append(tr);
      tr.dataset.status = p.status;
      paintWho(p);
      p.cells.role.textContent = ROLE_LABEL[p.role] ?? p.role;
      p.cells.arrived.textContent = p.arrivedAt ? formatTime(new Date(p.arrivedAt)) : "—";
      const label = over && p.status === "admitted" ? "Admitted, never connected" : STATUS_LABEL[p.status];
      const leftAt = p.status === "left" && p.leftAt ? ` at ${formatTime(new Date(p.leftAt))}` : "";
      p.cells.status.textContent = label + leftAt;
      const removable = p.role === "client" && p.status !== "removed" && !over;
      if (removable && !p.cells.action.firstChild) {
        p.cells.action.append(removeButton(p.id));
      } else if (!removable) {
        if (holdsFocus(p.cells.action)) refocus = $("roster-h");
        p.cells.action.replaceChildren();
      }
    }
    refocus?.focus();
    lookUpNames();
    show($("waiting-empty"), waiting === 0);
    show($("roster-empty"), inRoster === 0);
    show($("roster-wrap"), inRoster > 0);
    const seats = session.cap ? `${seated} of ${session.cap} seats taken` : `${seated} in the room`;
    $("seats").textContent =
      roomState === "cancelled" ? "This session was cancelled." : over ? "The room is closed." : seats;
  }

  function onMessage(m) {
    const p = m.participantId && m.type !== "hello" ? person(m.participantId) : null;
    // What the live channel says about someone is newer than the attendance roster's view of them.
    if (p) p.live = true;
    if (m.type === "hello") {
      roomState = m.roomState;
      // The room's own list, for a console opened after people arrived; see fromRoom().
      for (const x of m.participants ?? []) {
        const q = person(x.participantId);
        Object.assign(q, { role: x.role, roomStatus: x.status });
        if (!q.live) fromRoom(q);
      }
    } else if (m.type === "waiting") {
      Object.assign(p, { status: "waiting", since: m.at });
      names.delete(m.participantId);
      announce(`${nameOf(m.participantId)} is waiting.`);
    } else if (m.type === "admitted") {
      if (p.status !== "in-room") p.status = "admitted";
      names.delete(m.participantId);
    } else if (m.type === "arrived") {
      Object.assign(p, { status: "in-room", role: m.role, arrivedAt: p.arrivedAt ?? m.at, leftAt: null });
      announce(`${nameOf(m.participantId)} arrived.`);
    } else if (m.type === "left") {
      if (p.status !== "removed") Object.assign(p, { status: "left", leftAt: m.at });
    } else if (m.type === "removed" && m.reason === "enrollment-changed") {
      Object.assign(p, { status: "left", leftAt: new Date().toISOString() });
      announce(`${nameOf(m.participantId)} left: their enrollment changed.`);
    } else if (m.type === "removed") {
      p.status = "removed";
      announce(`${nameOf(m.participantId)} was removed.`);
    } else if (m.type === "room") {
      roomState = m.state;
      announce(`The room is ${(STATE_LABEL[m.state] ?? m.state).toLowerCase()}.`);
      if (m.state === "cancelled") onChanged?.();
      if (m.state === "closed") loadAttendance();
    } else if (m.type === "moved") {
      Object.assign(session, { startsAt: m.startsAt, endsAt: m.endsAt });
      showWhen();
      announce("The session was moved.");
      // The session list shows times too: it is read again, so it never keeps the old one.
      onChanged?.();
    }
    if (session) render();
  }

  // A participant known from the room's list and the roster only: admitted with an arrival (a pass
  // was issued) is in the room; the roster alone cannot tell, as a live interval ends "now".
  function fromRoom(p) {
    if (p.roomStatus === undefined) p.status = p.leftAt ? "left" : "in-room";
    else if (p.roomStatus === "admitted") p.status = p.arrivedAt ? "in-room" : "admitted";
    else p.status = p.roomStatus;
    if (p.status !== "left") p.leftAt = null;
  }

  function showWhen() {
    const start = new Date(session.startsAt);
    $("room-h").textContent = KIND_LABEL[session.kind] ?? "Session";
    $("room-when").textContent = `${formatDay(start)} · ${formatTimeRange(start, new Date(session.endsAt))}`;
  }

  /**
   * The attendance roster (GET …/attendance). It seeds the live roster with everyone who has been
   * present (its raw intervals, so an early arrival counts), and is the summary once the room closes.
   * It also lists expected clients who never came; they are only shown in the summary.
   */
  async function loadAttendance() {
    const box = $("summary");
    const res = await api("GET", path("/attendance"), getToken());
    if (res.status === 401) return onExpired();
    if (res.status === 404 || res.status === 501) {
      box.replaceChildren(el("p", { class: "muted" }, "The attendance summary is not available yet."));
      return;
    }
    if (res.status !== 200 || !Array.isArray(res.body?.participants)) {
      box.replaceChildren(el("p", { class: "error" }, "The attendance summary could not be loaded."));
      return;
    }
    for (const r of res.body.participants) {
      const arrivedAt = r.intervals?.[0]?.start ?? r.firstArrivalAt;
      if (!arrivedAt) continue;
      const p = person(r.participantId);
      if (typeof r.displayName === "string") names.set(r.participantId, r.displayName);
      p.role = r.role;
      p.arrivedAt ??= arrivedAt;
      p.leftAt ??= r.lastDepartureAt;
      if (!p.live) fromRoom(p);
    }
    render();
    if (roomState !== "closed" && roomState !== "cancelled" && !res.body.final) {
      box.replaceChildren(el("p", { class: "muted" }, "The summary appears here when the session ends."));
      return;
    }
    box.replaceChildren(...summary(res.body));
  }

  $("open-room").addEventListener("click", () => act("POST", "/open"));
  $("close-cancel").addEventListener("click", () => disarmClose());
  $("close-room").addEventListener("click", () => {
    if (!closeArmed) {
      closeArmed = true;
      $("close-room").textContent = "Close for good";
      $("close-room").classList.add("confirm");
      show($("close-cancel"), true);
      announce("Closing ends the session for everyone. Press Close for good to confirm.");
      return;
    }
    disarmClose();
    // The button is about to be disabled; keep the keyboard focus somewhere useful.
    act("POST", "/close", () => $("room-h").focus());
  });
  function disarmClose() {
    closeArmed = false;
    $("close-room").textContent = "Close room";
    $("close-room").classList.remove("confirm");
    show($("close-cancel"), false);
  }

  return {
    select(next) {
      live?.close();
      session = { ...next };
      people = new Map();
      names = new Map();
      $("waiting").replaceChildren();
      $("roster-body").replaceChildren();
      roomState = next.status === "cancelled" ? "cancelled" : "scheduled";
      disarmClose();
      error("");
      showWhen();
      show($("room"), true);
      show($("room-empty"), false);
      $("summary").replaceChildren();
      render();
      live = openLive(session.id, getToken(), {
        onMessage,
        onState: (s) => {
          $("live").textContent =
            s === "open" ? "Live updates on." : s === "reconnecting" ? "Reconnecting live updates…" : "";
        },
      });
      loadAttendance();
      $("room-h").focus();
    },
    close() {
      live?.close();
      live = null;
    },
  };
}
