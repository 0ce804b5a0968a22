import type { SignInGrant } from "../../schemas/sign-in.ts";
import type { Migration } from "../storage/migrations.ts";
import type { ProgramStore } from "./program-store.ts";
import { fail, type Result } from "./result.ts";

/** One-time console sign-in codes (local development): SHA-256 of the secret only, used at most once. */
export const SIGN_IN_MIGRATIONS: Migration[] = [
  {
    id: 1,
    sql: `CREATE TABLE sign_ins (
      id TEXT PRIMARY KEY, hash TEXT NOT NULL, staff_id TEXT NOT NULL, role TEXT NOT NULL,
      expires_at INTEGER NOT NULL, used_at INTEGER, created_at INTEGER NOT NULL)`,
  },
];

export type { SignInGrant };

/** Rows older than this are deleted when a new code is made: a code lives minutes, its row a day. */
const KEEP_MS = 86_400_000;

/** One-time sign-in codes of one program's staff, in its Durable Object's SQLite. */
export class SignInStore {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  /** A code for a staff member of an existing program (404 otherwise). */
  create(
    id: string,
    code: { hash: string; grant: SignInGrant; expiresAt: number },
    now: number,
    programs: ProgramStore,
  ): Result<object> {
    if (!programs.get()) return fail("not-found", "No such program.");
    this.add(id, code.hash, code.grant, code.expiresAt, now);
    return { ok: true };
  }

  /** Store a new code's hash; expired rows of a day ago go at the same time. */
  add(id: string, hash: string, grant: SignInGrant, expiresAt: number, now: number): void {
    this.#sql.exec("DELETE FROM sign_ins WHERE expires_at < ?", now - KEEP_MS);
    this.#sql.exec(
      "INSERT INTO sign_ins (id, hash, staff_id, role, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?)",
      id,
      hash,
      grant.staffId,
      grant.role,
      expiresAt,
      now,
    );
  }

  /**
   * Spend a code: the grant when the id and hash match, it is unexpired and unused; the same
   * synchronous step marks it used, so two concurrent exchanges never both succeed.
   */
  redeem(id: string, hash: string, now: number): SignInGrant | null {
    const row = this.#sql
      .exec<{ staff_id: string; role: string }>(
        "SELECT staff_id, role FROM sign_ins WHERE id = ? AND hash = ? AND used_at IS NULL AND expires_at > ?",
        id,
        hash,
        now,
      )
      .toArray()[0];
    if (!row) return null;
    this.#sql.exec("UPDATE sign_ins SET used_at = ? WHERE id = ?", now, id);
    return { staffId: row.staff_id, role: row.role === "admin" ? "admin" : "facilitator" };
  }
}
