import { Id } from "../../schemas/common.ts";
import { programIdOf } from "../lib/ids.ts";

/** Reach a program's directory from a program id or from any id that lives inside a program. */
export class DirectoryClient {
  private readonly ns: Env["PROGRAMS"];

  constructor(ns: Env["PROGRAMS"]) {
    this.ns = ns;
  }

  /** The directory of a program id; null for a malformed id (no Durable Object is created for those). */
  program(programId: string) {
    return Id.safeParse(programId).success && programId.startsWith("prg_") ? this.ns.getByName(programId) : null;
  }

  /** The directory holding a session, enrollment or track id, and the program id. */
  ofChild(childId: string) {
    const programId = programIdOf(childId);
    return programId ? { programId, stub: this.ns.getByName(programId) } : null;
  }
}
