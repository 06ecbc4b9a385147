import { z } from "zod";
import { DriverError } from "../../../core/rollout/driver-error.js";
import { maskSecrets } from "../../../core/rollout/resolve-secrets.js";

const instance = z.object({
  version: z.string().min(1),
  slot: z.string().min(1),
  index: z.int().min(0).optional(),
  health: z.enum(["healthy", "unhealthy", "starting", "gone"]),
  pid: z.int().optional(),
  endpoint: z.string().optional(),
  startedAt: z.string().optional(),
});

/** What a deploy, scale, retire or switch command answers on stdout. */
export const actionAnswer = z.object({
  changed: z.boolean(),
  instances: z.array(instance).optional(),
  message: z.string().optional(),
});

/** What an observe command answers on stdout. */
export const observeAnswer = z.object({ instances: z.array(instance) });

export type ActionAnswer = z.infer<typeof actionAnswer>;
export type ObserveAnswer = z.infer<typeof observeAnswer>;

/** The JSON on stdout: the whole output, or else its last non-empty line (tools often print banners first). */
function findJson(stdout: string): unknown {
  try {
    return JSON.parse(stdout);
  } catch {
    const last = stdout
      .trim()
      .split("\n")
      .filter((l) => l.trim().length > 0)
      .at(-1);
    if (last === undefined) throw new Error("stdout was empty");
    return JSON.parse(last);
  }
}

/** Reads a command's answer, or says precisely why it is not one. */
export function parseAnswer<T>(
  schema: z.ZodType<T>,
  stdout: string,
  what: string,
  example: string,
  context: { readonly log: readonly string[]; readonly secretValues: readonly string[] },
): T {
  let json: unknown;
  try {
    json = findJson(stdout);
  } catch {
    const start = maskSecrets(stdout.trim().slice(0, 120), context.secretValues);
    throw new DriverError(
      "bad-answer",
      `${what} did not answer JSON on stdout (${start.length === 0 ? "it printed nothing" : `it printed ${JSON.stringify(start)}`}); expected one JSON object such as ${example}`,
      { log: context.log },
    );
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (i) => `${i.path.length > 0 ? i.path.join(".") : "(answer)"}: ${i.message}`,
  );
  throw new DriverError(
    "bad-answer",
    `${what} answered JSON that is not a valid answer: ${problems.join("; ")}; expected e.g. ${example}`,
    {
      log: context.log,
    },
  );
}
