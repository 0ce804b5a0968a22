import type { JoinRole } from "../../schemas/join-token.ts";

const LABEL: Record<JoinRole, string> = {
  client: "Participant",
  family: "Family member",
  facilitator: "Facilitator",
  observer: "Observer",
};

/**
 * The name other participants see in the video call: the person's display name where the program
 * shows names (`displayNamesInCall`), otherwise an alias such as "Participant 4821". The alias is a
 * hash of the opaque participant id the platform already holds, so it reveals nothing new, and the
 * same person keeps the same alias from one session to the next.
 */
export function callName(role: JoinRole, participantId: string, displayName: string | null | undefined): string {
  if (displayName) return displayName;
  // FNV-1a: small and stable; the alias only has to tell a handful of people in one call apart.
  let h = 0x811c9dc5;
  for (let i = 0; i < participantId.length; i++) {
    h ^= participantId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `${LABEL[role]} ${String(h % 10_000).padStart(4, "0")}`;
}
