import type { NameSource, PersonName } from "../../schemas/people.ts";
import type { Migration } from "../storage/migrations.ts";

/**
 * The one table that holds display names (docs/storage.md): by subject, for clients, family
 * members, facilitators and observers alike. Nothing else in the product stores a name.
 */
export const PEOPLE_MIGRATIONS: Migration[] = [
  {
    id: 1,
    sql: `CREATE TABLE display_names (
      subject_id TEXT PRIMARY KEY, name TEXT NOT NULL, set_by TEXT NOT NULL, updated_at TEXT NOT NULL)`,
  },
];

type Row = { subject_id: string; name: string; set_by: NameSource; updated_at: string };
const view = (r: Row): PersonName => ({
  subjectId: r.subject_id,
  displayName: r.name,
  setBy: r.set_by,
  updatedAt: r.updated_at,
});

/** Display names of one program's people, in its Durable Object's SQLite. */
export class PeopleStore {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  get(subjectId: string): PersonName | null {
    const row = this.#sql.exec<Row>("SELECT * FROM display_names WHERE subject_id = ?", subjectId).toArray()[0];
    return row ? view(row) : null;
  }

  /** The names of those of `ids` who have one, in the order asked. */
  many(ids: readonly string[]): PersonName[] {
    if (ids.length === 0) return [];
    const rows = this.#sql
      .exec<Row>(
        "SELECT * FROM display_names WHERE subject_id IN (SELECT value FROM json_each(?))",
        JSON.stringify(ids),
      )
      .toArray();
    const by = new Map(rows.map((r) => [r.subject_id, view(r)]));
    return ids.flatMap((id) => by.get(id) ?? []);
  }

  put(subjectId: string, name: string, setBy: NameSource, now: string): PersonName {
    this.#sql.exec(
      `INSERT INTO display_names (subject_id, name, set_by, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (subject_id) DO UPDATE SET name = excluded.name, set_by = excluded.set_by, updated_at = excluded.updated_at`,
      subjectId,
      name,
      setBy,
      now,
    );
    return { subjectId, displayName: name, setBy, updatedAt: now };
  }

  /** Forget a name; whether there was one. */
  delete(subjectId: string): boolean {
    return this.#sql.exec("DELETE FROM display_names WHERE subject_id = ?", subjectId).rowsWritten > 0;
  }
}
