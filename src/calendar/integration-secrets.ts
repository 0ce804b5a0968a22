import type { ProgramStore } from "../directory/program-store.ts";
import { fail, type Result } from "../directory/result.ts";
import type { SecretRow, SecretStore } from "./stores/secret-store.ts";

/** What staff see of a secret: never the secret, only its fingerprint and life. */
export type SecretView = Omit<SecretRow, "iv" | "ciphertext"> & { active: boolean };

/** A change to a program's integration secrets, as the Worker hands it over (already encrypted). */
export type SecretOp =
  | { kind: "list" }
  | { kind: "add"; row: SecretRow; replacesUntil: number | null }
  | { kind: "revoke"; id: string };

const view = (r: SecretRow, now: number): SecretView => {
  const { iv: _iv, ciphertext: _ct, ...rest } = r;
  return { ...rest, active: r.expiresAt === null || r.expiresAt > now };
};

/**
 * A program's webhook secrets per calendar source, switched on and rotated through the API
 * (issue 17): several may be active at once (a rotation's overlap, until the deadline the admin
 * set), and a delivery verifies against any active one. Synchronous: the directory writes and
 * audits in one step.
 */
export class IntegrationSecrets {
  readonly #store: SecretStore;
  readonly #programs: ProgramStore;

  constructor(deps: { store: SecretStore; programs: ProgramStore }) {
    this.#store = deps.store;
    this.#programs = deps.programs;
  }

  change(op: SecretOp, now: number): Result<{ secrets: SecretView[] }> {
    if (!this.#programs.get()) return fail("not-found", "No such program.");
    if (op.kind === "add") {
      this.#store.add(op.row);
      if (op.replacesUntil !== null) this.#store.retireOthers(op.row.source, op.row.id, op.replacesUntil, now);
    } else if (op.kind === "revoke") {
      const found = this.#store.get(op.id);
      if (!found) return fail("not-found", "No such secret.");
      if (found.expiresAt === null || found.expiresAt > now) this.#store.expire(op.id, now);
    }
    return { ok: true, secrets: this.#store.all(now).map((r) => view(r, now)) };
  }

  /** The active secrets, sealed, for the Worker to open and verify a delivery with. */
  sealed(now: number): SecretRow[] {
    return this.#store.active(now);
  }
}
