import type { Enrollment } from "../../schemas/enrollment.ts";
import type { ProgramSettings } from "../../schemas/program.ts";
import type { Session } from "../../schemas/session.ts";
import type { JoinRole } from "../rooms/admission.ts";

export type Eligibility = { ok: true; role: JoinRole; makeUp: boolean } | { ok: false };

/**
 * Who may enter a session and in which role. Facilitators and observers of record; clients listed
 * on the session; active clients of the session's track on that date; make-up clients of another
 * track when the program allows it. Everyone else is refused — including admins, who name
 * themselves observers if they must attend.
 */
export function eligibility(
  session: Session,
  who: { sub: string; roles: readonly string[] },
  ctx: { enrollment: Enrollment | null; settings: ProgramSettings },
): Eligibility {
  const staff = who.roles.includes("facilitator") || who.roles.includes("admin");
  if (staff && session.facilitatorIds.includes(who.sub)) return { ok: true, role: "facilitator", makeUp: false };
  if (staff && session.observerIds.includes(who.sub)) return { ok: true, role: "observer", makeUp: false };
  if (!who.roles.includes("client")) return { ok: false };
  if (session.clientIds.includes(who.sub)) return { ok: true, role: "client", makeUp: false };
  if (session.familyIds.includes(who.sub)) return { ok: true, role: "family", makeUp: false };
  const e = ctx.enrollment;
  if (session.kind !== "group" || !e || e.status !== "active") return { ok: false };
  if (e.startsOn > session.localDate || (e.endsOn !== null && e.endsOn < session.localDate)) return { ok: false };
  if (e.trackId === session.trackId) return { ok: true, role: "client", makeUp: false };
  if (ctx.settings.allowMakeUp) return { ok: true, role: "client", makeUp: true };
  return { ok: false };
}
