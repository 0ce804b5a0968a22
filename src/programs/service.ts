import type { AuditCall } from "../../schemas/audit.ts";
import type { Program, ProgramCreate, ProgramPatch } from "../../schemas/program.ts";
import { DirectoryClient } from "../directory/client.ts";
import { registerProgram } from "../directory/cron.ts";
import { type Clock, isoInstant } from "../lib/clock.ts";
import { newId } from "../lib/ids.ts";
import type { PatchResult } from "./settings.ts";

/** Programs, each in its own `ProgramDirectory` Durable Object addressed by the program id. */
export class ProgramService {
  private readonly ns: Env["PROGRAMS"];
  private readonly clock: Clock;
  private readonly kv: KVNamespace;

  constructor(ns: Env["PROGRAMS"], kv: KVNamespace, clock: Clock) {
    this.ns = ns;
    this.kv = kv;
    this.clock = clock;
  }

  /** Create a program under a fresh opaque id. */
  async create(input: ProgramCreate, who: AuditCall): Promise<PatchResult> {
    const id = newId("prg");
    const result = await this.ns.getByName(id).createProgram(id, input, isoInstant(this.clock.now()), who);
    if (!result.ok && "exists" in result) throw new Error("program id collision");
    if (result.ok) await registerProgram(this.kv, id);
    return result as PatchResult;
  }

  /** The program, or null for an unknown or malformed id (no Durable Object is created for those). */
  async get(programId: string): Promise<Program | null> {
    return (await new DirectoryClient(this.ns).program(programId)?.getProgram()) ?? null;
  }

  /** Patch settings; null when the program does not exist. */
  async update(programId: string, patch: ProgramPatch, who: AuditCall): Promise<PatchResult | null> {
    const dir = new DirectoryClient(this.ns).program(programId);
    return dir ? dir.updateProgram(patch, isoInstant(this.clock.now()), who) : null;
  }
}
