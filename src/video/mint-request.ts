import type { JoinGrant } from "../../schemas/join-token.ts";

/**
 * What every video platform's minting is given: the grant the room decided (opaque participant and
 * room, role, the `nbf`/`exp` window from the schedule, the token id the room can revoke), the name
 * the call shows (an alias, or the display name where the program shows names: call-name.ts), and
 * the time in seconds. Each platform turns it into exactly what that platform accepts.
 */
export interface MintRequest {
  grant: JoinGrant;
  callName: string;
  /** Seconds since the epoch. */
  now: number;
}
