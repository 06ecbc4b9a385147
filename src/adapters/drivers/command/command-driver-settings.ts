import { z } from "zod";
import { DriverError } from "../../../core/rollout/driver-error.js";
import type { CommandDriverOptions } from "./command-driver.js";

const argv = z.array(z.string()).min(1);

/** `driver.settings` of a Service or Environment whose driver type is `command`. */
export const commandDriverSettings = z.strictObject({
  commands: z.strictObject({
    deploy: argv,
    observe: argv,
    retire: argv,
    scale: argv.optional(),
    switch: argv.optional(),
  }),
  cwd: z.string().min(1).optional(),
  timeoutMs: z.int().min(1).optional(),
  env: z.record(z.string(), z.string()).optional(),
  user: z.string().min(1).optional(),
});

/** Options for createCommandDriver from a document's settings, naming the bad field when wrong. */
export function parseCommandDriverSettings(settings: unknown): CommandDriverOptions {
  const parsed = commandDriverSettings.safeParse(settings ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${["settings", ...i.path].join(".")}: ${i.message}`);
  throw new DriverError("invalid-request", `command driver ${problems.join("; ")}`);
}
