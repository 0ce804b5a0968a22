import { Program } from "../../schemas/program.ts";
import type { Migration } from "../storage/migrations.ts";

/** The program row: one per ProgramDirectory. */
export const PROGRAM_MIGRATIONS: Migration[] = [
  { id: 1, sql: "CREATE TABLE program (id TEXT PRIMARY KEY, body TEXT NOT NULL)" },
];

/** The program and its settings, in its Durable Object's SQLite. */
export class ProgramStore {
  private readonly sql: SqlStorage;
  /** Parsed once per instance: every join reads the settings, and only `put` changes them. */
  private cached: Program | null | undefined;

  constructor(sql: SqlStorage) {
    this.sql = sql;
  }

  /** The program, or null when this directory was never created. */
  get(): Program | null {
    if (this.cached === undefined) {
      const row = this.sql.exec<{ body: string }>("SELECT body FROM program LIMIT 1").toArray()[0];
      this.cached = row ? Program.parse(JSON.parse(row.body)) : null;
    }
    return this.cached;
  }

  /** Insert or replace the program. */
  put(program: Program): void {
    this.cached = program;
    this.sql.exec(
      "INSERT INTO program (id, body) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body",
      program.id,
      JSON.stringify(program),
    );
  }
}
