// Reads what `npm start` (scripts/start.mjs) printed, the way a newcomer reads it: the demo's ids,
// the links to paste into a browser and the walk-through's shell lines. Plain Node, like the setup.
import { BANNER_END } from "../../scripts/lib/banner.mjs";

/** The banner's text once it is complete in `output`, else null. */
export function bannerOf(output) {
  const start = output.lastIndexOf("iop-orchestrator is running at ");
  const end = output.indexOf(BANNER_END, start);
  return start >= 0 && end > start ? output.slice(start, end) : null;
}

const one = (text, re, what) => {
  const m = re.exec(text);
  if (!m) throw new Error(`npm start printed no ${what}:\n${text}`);
  return m;
};

/** The printed demo: base URL, ids, the drop-in, the console link, each client's link and track, the walk-through. */
export function parseBanner(text) {
  const base = one(text, /^iop-orchestrator is running at (http:\/\/\S+)/m, "address")[1];
  const programId = one(text, /the demo program (prg_[0-9a-z]+)/, "program id")[1];
  const dropInSessionId = one(text, /^ {2}drop-in +(ses_[0-9a-z]+)/m, "drop-in session")[1];
  const [, facilitatorId, consoleUrl] = one(text, /^ {2}console \((\S+)\) +(\S+)$/m, "console sign-in link");
  const enrollments = new Map(
    [...text.matchAll(/^ {2}(?:clients)? +(clt_[0-9a-z]+) +(\w+) +(enr_[0-9a-z]+)$/gm)].map((m) => [m[1], m[3]]),
  );
  const clients = [...text.matchAll(/^ {2}client (\S+) \((\w+)\) +(\S+)$/gm)].map(([, clientId, track, inviteUrl]) => ({
    clientId,
    track,
    enrollmentId: enrollments.get(clientId) ?? null,
    inviteUrl,
  }));
  const walk = text.slice(one(text, /^The README walk-through with these ids:$/m, "walk-through").index);
  const walkthrough = walk
    .split("\n")
    .slice(1)
    .filter((l) => l.startsWith("  "))
    .map((l) => l.slice(2));
  return { base, programId, facilitatorId, dropInSessionId, consoleUrl, clients, walkthrough };
}
