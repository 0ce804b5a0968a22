// @ts-check
import { el, formatMinutes, formatTime } from "/assets/common.js";

export const ROLE_LABEL = { client: "Client", facilitator: "Facilitator", observer: "Observer", family: "Family" };
const ATTENDANCE_LABEL = {
  present: "Present",
  late: "Late",
  "left-early": "Left early",
  partial: "Partial",
  "no-show": "No-show",
  excused: "Excused",
};
const HEAD = ["Participant", "Role", "Minutes", "Status", "First arrival", "Last departure"];

/** A person as staff see them: the name they go by with their id beside it, or the id alone. */
export function personLabel(id, displayName) {
  if (typeof displayName !== "string") return id;
  return [el("span", { class: "name" }, displayName), el("span", { class: "muted id-aside" }, ` (${id})`)];
}

const time = (at) => (at ? formatTime(new Date(at)) : "—");

function row(r) {
  return el(
    "tr",
    { "data-participant": r.participantId },
    el("td", { class: "id" }, personLabel(r.participantId, r.displayName)),
    el("td", { "data-label": "Role" }, ROLE_LABEL[r.role] ?? r.role),
    el("td", { class: "num", "data-label": "Minutes" }, formatMinutes(r.attendedMinutes)),
    el("td", { "data-label": "Status" }, ATTENDANCE_LABEL[r.status] ?? "—"),
    el("td", { class: "num", "data-label": "First arrival" }, time(r.firstArrivalAt)),
    el("td", { class: "num", "data-label": "Last departure" }, time(r.lastDepartureAt)),
  );
}

export function summary(roster) {
  const table = el(
    "table",
    { id: "summary-table", class: "stack" },
    el(
      "thead",
      null,
      el(
        "tr",
        null,
        HEAD.map((h) => el("th", { scope: "col" }, h)),
      ),
    ),
    el("tbody", null, roster.participants.map(row)),
  );
  const note =
    roster.final === false ? el("p", { class: "muted small" }, "Provisional: minutes are still being counted.") : null;
  return [note, el("div", { class: "table-scroll" }, table)].filter(Boolean);
}
