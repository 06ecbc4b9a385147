import type { MigrationPhase } from "./migration-phase.js";

/** What the executor reports while it applies a migration set (progress callbacks, run events). */
export type MigrationEvent =
  | { readonly kind: "file-started"; readonly file: string; readonly index: number; readonly total: number }
  | {
      readonly kind: "statement-done";
      readonly file: string;
      readonly line: number;
      readonly attempts: number;
      readonly ms: number;
    }
  | {
      readonly kind: "lock-retry";
      readonly file: string;
      readonly line: number;
      /** The attempt that failed (1-based). */
      readonly attempt: number;
      readonly delayMs: number;
      readonly message: string;
    }
  | {
      readonly kind: "invalid-index-dropped";
      readonly file: string;
      readonly line: number;
      readonly index: string;
    }
  | {
      readonly kind: "file-applied";
      readonly file: string;
      readonly phase: MigrationPhase;
      readonly ms: number;
    };

/** One line per event for the CLI's stderr. */
export function formatMigrationEvent(event: MigrationEvent): string {
  switch (event.kind) {
    case "file-started":
      return `[${event.index + 1}/${event.total}] ${event.file}`;
    case "statement-done":
      return `  line ${event.line}: done in ${event.ms} ms${event.attempts > 1 ? ` after ${event.attempts} attempts` : ""}`;
    case "lock-retry":
      return `  line ${event.line}: ${event.message} (attempt ${event.attempt}); retrying in ${event.delayMs} ms`;
    case "invalid-index-dropped":
      return `  line ${event.line}: dropped INVALID index ${event.index} left by a failed concurrent build`;
    case "file-applied":
      return `  applied ${event.file} (${event.phase}) in ${event.ms} ms`;
    default:
      return event satisfies never;
  }
}
