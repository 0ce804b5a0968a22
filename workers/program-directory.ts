import { DurableObject } from "cloudflare:workers";
import { Program, type ProgramCreate, type ProgramPatch } from "../schemas/program.ts";
import { applyProgramPatch, newProgram, type PatchResult } from "../src/programs/settings.ts";
import { type Migration, migrate } from "../src/storage/migrations.ts";

const MIGRATIONS: Migration[] = [{ id: 1, sql: "CREATE TABLE program (id TEXT PRIMARY KEY, body TEXT NOT NULL)" }];

/** One per program, addressed by the program's opaque id: its settings and, later, tracks and enrollments. */
export class ProgramDirectory extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    ctx.blockConcurrencyWhile(async () => migrate(this.sql, "program", MIGRATIONS));
  }

  /** Create the program this object holds; a second call returns `exists` and changes nothing. */
  createProgram(id: string, input: ProgramCreate, now: string): PatchResult | { ok: false; exists: true } {
    if (this.read()) return { ok: false, exists: true };
    const result = newProgram(id, input, now);
    if (result.ok) this.write(result.program);
    return result;
  }

  /** The program, or null when this id was never created. */
  getProgram(): Program | null {
    return this.read();
  }

  /** Apply a patch; null when the program does not exist. */
  updateProgram(patch: ProgramPatch, now: string): PatchResult | null {
    const current = this.read();
    if (!current) return null;
    const result = applyProgramPatch(current, patch, now);
    if (result.ok) this.write(result.program);
    return result;
  }

  private read(): Program | null {
    const row = this.sql.exec<{ body: string }>("SELECT body FROM program LIMIT 1").toArray()[0];
    return row ? Program.parse(JSON.parse(row.body)) : null;
  }

  private write(program: Program): void {
    this.sql.exec(
      "INSERT INTO program (id, body) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body",
      program.id,
      JSON.stringify(program),
    );
  }
}
