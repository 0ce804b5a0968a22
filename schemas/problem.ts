import { z } from "zod";

/** One invalid field in a 400 answer. */
export const FieldError = z.object({
  path: z.string().meta({ description: "Dotted path of the field, e.g. `settings.groupCap`" }),
  message: z.string(),
});

/** RFC 9457 problem details, the body of every error. */
export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z.array(FieldError).optional(),
  })
  .catchall(z.unknown())
  .meta({ id: "Problem" });
export type Problem = z.infer<typeof Problem>;
