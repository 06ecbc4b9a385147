import { readFileSync } from "node:fs";
import type { SecretReader } from "../../../core/rollout/resolve-secrets.js";

/**
 * Reads `env:` references from the control plane's environment and `file:` references from disk
 * (one trailing newline dropped, as files written by `echo` or secret mounts end with one).
 */
export const readSecret: SecretReader = (source) => {
  switch (source.kind) {
    case "env":
      return process.env[source.name];
    case "file":
      try {
        return readFileSync(source.path, "utf8").replace(/\r?\n$/, "");
      } catch {
        return undefined;
      }
    default: {
      const never: never = source;
      return never;
    }
  }
};
