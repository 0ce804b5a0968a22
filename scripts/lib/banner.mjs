// What `npm start` prints once the demo is ready: ids, the drop-in, the links to paste into a
// browser and the README's walk-through with the real ids. The browser tests parse this text.
import { DEMO_TRACKS, DEMO_ZONE } from "./seed.mjs";
import { walkthrough } from "./walkthrough.mjs";

/** The line the banner ends with; the browser tests wait for it. */
export const BANNER_END = "Stop it with Ctrl-C.";

const pad = (s, n) => String(s).padEnd(n);

/** The banner as text. `env` is the prefix the printed `npm run token` lines need (IOP_DEV_DIR). */
export function banner({ base, demo, created, clients, dropIn, signIn, env }) {
  const tracks = DEMO_TRACKS.map(
    (t) => `${t.key} ${demo.trackIds[t.key]} (${t.days.join(" ")} ${t.startTime}–${t.endTime})`,
  ).join("   ");
  const s = dropIn.session;
  const first = clients.find((c) => c.enrollmentId) ?? clients[0];
  const lines = [
    "",
    `iop-orchestrator is running at ${base}  (docs: ${base}/docs)`,
    `${created ? "Seeded" : "Found"} the demo program ${demo.programId} (${DEMO_ZONE})`,
    `  tracks       ${tracks}`,
    `  facilitator  ${demo.facilitatorId}`,
    ...clients.map(
      (c, i) =>
        `  ${i === 0 ? "clients " : "        "}     ${c.clientId}  ${pad(c.track ?? "-", 8)} ${c.enrollmentId ?? ""}`,
    ),
    `  drop-in      ${s.id}  ${s.startsAt} – ${s.endsAt}, room open; the facilitator and every client above may join (${dropIn.kept ? "kept from the last start" : "new"})`,
    ...dropIn.cancelled.map(
      (c) =>
        `               cancelled ${c.id} (${c.startsAt}): it overlapped, and one facilitator leads one session at a time`,
    ),
    "",
    "Paste into a browser (new links on every start; the console link works once, within 15 minutes):",
    signIn
      ? `  console (${demo.facilitatorId})  ${signIn.signInUrl}`
      : "  console: local sign-in is off (DEV_SIGN_IN in .dev.vars); paste a token from `npm run token` instead",
    ...clients.map((c) => `  client ${c.clientId} (${c.track ?? "-"})  ${c.inviteUrl ?? "(no active enrollment)"}`),
    "",
    "The README walk-through with these ids:",
    ...walkthrough(
      {
        base,
        programId: demo.programId,
        facilitatorId: demo.facilitatorId,
        trackId: demo.trackIds[first.track] ?? demo.trackIds.morning,
        clientId: first.clientId,
        enrollmentId: first.enrollmentId,
        dropInSessionId: s.id,
      },
      env,
    ).map((l) => `  ${l}`),
    "",
    BANNER_END,
  ];
  return lines.join("\n");
}
