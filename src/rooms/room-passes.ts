import type { Joiner } from "./binding.ts";

/**
 * How long a room trusts the directory's ticket for someone it has already let in or put in the
 * waiting room. Reconnects come in bursts (a phone changing network, a client walking around the
 * waiting room), and each would otherwise cost a call to the program's directory. Every change that
 * removes a person (discharge, transfer, removal, a move or cancellation) reaches the room at once
 * and ends the pass; anything else the directory decides counts within this time.
 */
export const PASS_LEASE_MS = 60_000;

interface Pass {
  joiner: Joiner;
  /** The caller's roles when the directory checked (a token with other roles asks again). */
  roles: string;
  /** When the directory last vouched for them (the request's `now`). */
  checkedAt: number;
}

/**
 * The directory's answer for this room's participants, held in the Durable Object's memory only:
 * lost with the object, so an evicted or restarted room simply asks the directory again. Never a
 * name: programs that put names in the call do not get passes (names live only in the directory).
 */
export class RoomPasses {
  readonly #passes = new Map<string, Pass>();

  /** The joiner the directory vouched for within the lease, or null (then ask the directory). */
  valid(sub: string, roles: readonly string[], now: number): Joiner | null {
    const pass = this.#passes.get(sub);
    if (!pass) return null;
    const age = now - pass.checkedAt;
    if (pass.roles !== rolesKey(roles) || age < 0 || age >= PASS_LEASE_MS) return null;
    return pass.joiner;
  }

  /** Keep the directory's fresh answer for `joiner`. */
  grant(joiner: Joiner, roles: readonly string[], now: number): void {
    this.#passes.set(joiner.id, { joiner, roles: rolesKey(roles), checkedAt: now });
  }

  /** One person was dismissed or removed: their next join asks the directory. */
  end(participantId: string): void {
    this.#passes.delete(participantId);
  }

  /** The occurrence changed (moved, cancelled, its program's settings): everyone asks again. */
  clear(): void {
    this.#passes.clear();
  }
}

const rolesKey = (roles: readonly string[]) => [...roles].sort().join(",");
