import { z } from "zod";

/**
 * How a program turns presence into a status and billable minutes: a program setting
 * (`settings.attendance`), copied into each room's binding so a session is judged by the policy
 * in force when it ran. Defaults are what a clinic would pick; the daily minimum is H0015's 3 hours.
 */
export const AttendancePolicy = z
  .strictObject({
    lateToleranceMinutes: z.number().int().min(0).max(120).default(10).meta({
      description: "Arriving up to this long after the start is on time",
    }),
    earlyLeaveToleranceMinutes: z.number().int().min(0).max(120).default(10).meta({
      description: "Leaving up to this long before the end is not leaving early",
    }),
    presentThresholdPercent: z.number().int().min(0).max(100).default(75).meta({
      description: "Share of the scheduled minutes that counts as present; below it is partial",
    }),
    allowanceMinutes: z
      .number()
      .int()
      .min(0)
      .max(60)
      .default(0)
      .meta({ description: "Presence this long before the start or after the end still counts" }),
    dailyMinimumHours: z.number().min(0).max(12).default(3).meta({
      description: "A day counts toward IOP billing (H0015) from this many attended hours",
    }),
    rounding: z
      .enum(["nearest", "down"])
      .default("nearest")
      .meta({
        description:
          "How a total of attended time becomes whole minutes: to the nearest minute (2:59:30 → 180), or down (→ 179). " +
          "Records also carry attendedSeconds, exact to the second.",
      }),
  })
  .meta({ id: "AttendancePolicy" });
export type AttendancePolicy = z.infer<typeof AttendancePolicy>;

/** A change to the policy: any subset, merged over the program's current one. */
export const AttendancePolicyInput = z
  .strictObject({
    lateToleranceMinutes: z.number().int().min(0).max(120).optional(),
    earlyLeaveToleranceMinutes: z.number().int().min(0).max(120).optional(),
    presentThresholdPercent: z.number().int().min(0).max(100).optional(),
    allowanceMinutes: z.number().int().min(0).max(60).optional(),
    dailyMinimumHours: z.number().min(0).max(12).optional(),
    rounding: z.enum(["nearest", "down"]).optional(),
  })
  .meta({ id: "AttendancePolicyInput" });
export type AttendancePolicyInput = z.infer<typeof AttendancePolicyInput>;
