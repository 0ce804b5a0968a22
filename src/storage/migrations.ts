/** One schema step. Numbers only grow; a shipped migration is never edited, only followed by another. */
export interface Migration {
  id: number;
  sql: string;
}

/** Apply, in order, the migrations this Durable Object's SQLite storage has not seen yet. */
export function migrate(sql: SqlStorage, migrations: readonly Migration[]): void {
  sql.exec("CREATE TABLE IF NOT EXISTS _migrations (id INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
  const row = sql.exec<{ last: number | null }>("SELECT MAX(id) AS last FROM _migrations").one();
  const last = row.last ?? 0;
  for (const m of migrations) {
    if (m.id <= last) continue;
    sql.exec(m.sql);
    sql.exec("INSERT INTO _migrations (id, applied_at) VALUES (?, ?)", m.id, new Date().toISOString());
  }
}
