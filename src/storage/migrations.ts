/** One schema step. Numbers only grow; a shipped migration is never edited, only followed by another. */
export interface Migration {
  id: number;
  sql: string;
}

/**
 * Apply, in order, the migrations of one `scope` (a store inside a Durable Object) that this
 * SQLite storage has not seen yet. Scopes let each store own its tables and its numbering.
 */
export function migrate(sql: SqlStorage, scope: string, migrations: readonly Migration[]): void {
  sql.exec(
    "CREATE TABLE IF NOT EXISTS _migrations (scope TEXT NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (scope, id))",
  );
  const row = sql.exec<{ last: number | null }>("SELECT MAX(id) AS last FROM _migrations WHERE scope = ?", scope).one();
  const last = row.last ?? 0;
  for (const m of migrations) {
    if (m.id <= last) continue;
    sql.exec(m.sql);
    sql.exec("INSERT INTO _migrations (scope, id) VALUES (?, ?)", scope, m.id);
  }
}
