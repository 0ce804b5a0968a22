import type { z } from "zod";
import { type Program, type ProgramCreate, type ProgramPatch, ProgramSettings } from "../../schemas/program.ts";

export type FieldErrors = { path: string; message: string }[];
export type PatchResult = { ok: true; program: Program } | { ok: false; errors: FieldErrors };

/** A new program with every setting defaulted; `id` and `now` come from the caller. */
export function newProgram(id: string, input: ProgramCreate, now: string): PatchResult {
  const settings = ProgramSettings.safeParse(input.settings ?? {});
  if (!settings.success) return { ok: false, errors: fieldErrors(settings.error, "settings") };
  return {
    ok: true,
    program: {
      id,
      name: input.name,
      timezone: input.timezone,
      settings: settings.data,
      createdAt: now,
      updatedAt: now,
    },
  };
}

/** Merge a patch into a program and re-check the settings as a whole (e.g. default cap ≤ maximum). */
export function applyProgramPatch(program: Program, patch: ProgramPatch, now: string): PatchResult {
  // The attendance policy merges field by field too: changing one tolerance keeps the others.
  const attendance = { ...program.settings.attendance, ...patch.settings?.attendance };
  const settings = ProgramSettings.safeParse({ ...program.settings, ...patch.settings, attendance });
  if (!settings.success) return { ok: false, errors: fieldErrors(settings.error, "settings") };
  return {
    ok: true,
    program: {
      ...program,
      name: patch.name ?? program.name,
      timezone: patch.timezone ?? program.timezone,
      settings: settings.data,
      updatedAt: now,
    },
  };
}

function fieldErrors(error: z.ZodError, prefix: string): FieldErrors {
  return error.issues.map((i) => ({ path: [prefix, ...i.path.map(String)].join("."), message: i.message }));
}
