import type { ArtifactSpec } from "./artifact-spec.js";

/**
 * What to verify before a wave: the adapter turns this into facts. Built by the rollout handler
 * from the driver settings, the Service (required parameters, dependencies) and the Release.
 */
export interface PreCheckRequest {
  /** Directories the driver writes to (state, logs), each needing `minFreeBytes`. */
  readonly workDirs: readonly string[];
  readonly minFreeBytes: number;
  readonly ports: readonly { readonly host: string; readonly port: number }[];
  readonly artifacts: readonly ArtifactSpec[];
  /** Merged parameter values by name (secret references unresolved). */
  readonly parameters: Readonly<Record<string, string>>;
  readonly requiredParameters: readonly string[];
  readonly dependencies: readonly { readonly name: string; readonly host: string; readonly port: number }[];
  /** The account a command driver runs as, when it names one. */
  readonly users: readonly string[];
}
