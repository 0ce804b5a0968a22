import type { EnrollmentPatch, EnrollmentStatus } from "../../schemas/enrollment.ts";
import type { SecretOp } from "../calendar/integration-secrets.ts";
import type { Said } from "./recorder.ts";

/**
 * What each recorded directory call says happened (SECURITY.md lists them all); program-wide ones
 * leave the object out (the program). Outcomes hold opaque ids, statuses and field names only.
 */
const fields = (patch: object) => Object.keys(patch).sort().join("+").slice(0, 64);
type Versioned = { ok: true; binding: { session: { version: number } } } | { ok: false };
type Enrolled = { ok: true; enrollment: { status: string; trackId: string } } | { ok: false };
const version = (r: Versioned) => (r.ok ? `v${r.binding.session.version}` : "");
const placed = (r: Enrolled) => (r.ok ? `${r.enrollment.status}:${r.enrollment.trackId}` : "");

/** Which kind of enrollment change a patch is: discharge, transfer, a step down or back up, or another change. */
export function enrollmentChange(before: EnrollmentStatus | undefined, patch: EnrollmentPatch): string {
  if (patch.status === "discharged") return "discharge";
  if (patch.trackId) return "transfer";
  if (patch.status === "stepped-down") return "step-down";
  if (patch.status === "active" && before === "stepped-down") return "step-up";
  return "update";
}

export const says = {
  programCreate: (id: string) => (): Said => ({ action: "program.create", object: id }),
  programUpdate: (patch: object) => (): Said => ({ action: "program.update", outcome: fields(patch) }),
  trackCreate: (id: string, kind: string) => (): Said => ({ action: "track.create", object: id, outcome: kind }),
  trackUpdate: (id: string, patch: object) => (): Said => ({
    action: "track.update",
    object: id,
    outcome: fields(patch),
  }),
  trackEnd: (id: string) => (): Said => ({ action: "track.end", object: id }),
  sessionCreate: (id: string, kind: string) => (): Said => ({ action: "session.create", object: id, outcome: kind }),
  sessionMove:
    (id: string) =>
    (r: Versioned): Said => ({ action: "session.move", object: id, outcome: version(r) }),
  sessionCancel:
    (id: string) =>
    (r: Versioned): Said => ({ action: "session.cancel", object: id, outcome: version(r) }),
  enrollmentCreate:
    (id: string) =>
    (r: Enrolled): Said => ({ action: "enrollment.create", object: id, outcome: placed(r) }),
  enrollmentUpdate:
    (id: string, change: string) =>
    (r: Enrolled): Said => ({ action: `enrollment.${change}`, object: id, outcome: placed(r) }),
  enrollmentEmail: (id: string) => (): Said => ({ action: "enrollment.email", object: id, outcome: "hashed" }),
  inviteCreate: (id: string) => (): Said => ({ action: "invite.create", object: id }),
  inviteRevoke:
    (id: string) =>
    (n: number): Said => ({ action: "invite.revoke", object: id, outcome: `revoked:${n}` }),
  /** An invite's exchange (the token is minted right after): by the client it admits, or refused (a wrong, used or revoked link). */
  inviteExchange:
    (id: string) =>
    (r: { clientId: string } | null): Said =>
      r
        ? { actor: r.clientId, action: "invite.exchange", object: id, outcome: "redeemed" }
        : { action: "invite.exchange", object: id },
  integration: () => (): Said => ({ action: "integration.update", outcome: "calendar" }),
  /** A secret added (outcome: source and fingerprint, never the secret), revoked, or the list read. */
  integrationSecret: (op: SecretOp) => (): Said =>
    op.kind === "add"
      ? { action: "integration.secret.add", object: op.row.id, outcome: `${op.row.source}:${op.row.fingerprint}` }
      : op.kind === "revoke"
        ? { action: "integration.secret.revoke", object: op.id }
        : { action: "integration.secret.list" },
  signInCreate: (id: string, role: string) => (): Said => ({ action: "signin.create", object: id, outcome: role }),
  signInExchange:
    (id: string) =>
    (g: { staffId: string } | null): Said =>
      g
        ? { actor: g.staffId, action: "signin.exchange", object: id, outcome: "redeemed" }
        : { action: "signin.exchange", object: id },
  feedCreate: (id: string, type: string) => (): Said => ({ action: "feed.create", object: id, outcome: type }),
  feedRevoke:
    (id: string) =>
    (done: boolean): Said | null =>
      done ? { action: "feed.revoke", object: id } : null,
  /** A calendar feed read by whoever holds its link: the feed is the actor, its subject the object. */
  feedRead:
    (id: string) =>
    (r: { subject: { id: string; type: string } } | null): Said | null =>
      r ? { actor: id, action: "feed.read", object: r.subject.id, outcome: r.subject.type } : null,
  /** A display name set or cleared by staff: the subject only, never the name. */
  personName: (subjectId: string, cleared: boolean) => (): Said => ({
    action: cleared ? "person.name-clear" : "person.name",
    object: subjectId,
    outcome: "staff",
  }),
  /** A name a client gave at check-in (recorded when it changed something, or refused). */
  nameChosen:
    (subjectId: string) =>
    (r: { ok: true; changed: boolean } | { ok: false }): Said | null =>
      !r.ok || r.changed ? { actor: subjectId, action: "person.name", object: subjectId, outcome: "client" } : null,
  auditRead: (after: number, valid: boolean) => (): Said => ({
    action: "audit.read",
    outcome: `after:${after}:${valid ? "valid" : "broken"}`,
  }),
};
