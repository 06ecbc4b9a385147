import { fileURLToPath } from "node:url";
import { z } from "zod";
import type { ArtifactSpec } from "../../../core/rollout/artifact-spec.js";
import { DriverError } from "../../../core/rollout/driver-error.js";

/**
 * `driver.settings` of a Service or Environment whose driver type is `process`. A directory
 * artifact needs `start`; a single-file artifact is run as `[file, ...args]`.
 */
export const processDriverSettings = z.strictObject({
  stateDir: z.string().min(1).optional(),
  start: z.array(z.string().min(1)).min(1).optional(),
  args: z.array(z.string()).optional(),
  graceMs: z.int().min(0).optional(),
  replicas: z.int().min(0).optional(),
});

export type ProcessDriverSettings = z.infer<typeof processDriverSettings>;

/** Reads settings from a document, naming the bad field when they are wrong. */
export function parseProcessDriverSettings(settings: unknown): ProcessDriverSettings {
  const parsed = processDriverSettings.safeParse(settings ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${["settings", ...i.path].join(".")}: ${i.message}`);
  throw new DriverError("invalid-request", `process driver ${problems.join("; ")}`);
}

/** A Release artifact `uri` (`file:///…` or an absolute path) as a local path. */
function localPath(uri: string): string {
  if (uri.startsWith("file://")) return fileURLToPath(uri);
  if (uri.startsWith("/")) return uri;
  throw new DriverError(
    "invalid-request",
    `the process driver runs local artifacts only: "${uri}" is not file:// or an absolute path`,
  );
}

/**
 * The ArtifactSpec of a Release change for the process driver: `kind: "directory"` with the
 * settings' `start` command, or else `kind: "command"` running the file itself.
 */
export function processArtifact(
  artifact: { readonly uri?: string; readonly digest: string },
  settings: ProcessDriverSettings,
): ArtifactSpec {
  if (artifact.uri === undefined)
    throw new DriverError(
      "invalid-request",
      `artifact ${artifact.digest} has no uri: the process driver needs a local path`,
    );
  const path = localPath(artifact.uri);
  if (settings.start !== undefined)
    return { kind: "directory", path, start: settings.start, digest: artifact.digest };
  return { kind: "command", command: [path, ...(settings.args ?? [])], digest: artifact.digest };
}
