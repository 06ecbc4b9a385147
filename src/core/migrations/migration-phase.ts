/**
 * The three phases of an expand/contract change (Fowler, "ParallelChange"; pgroll's
 * start/complete): expand only adds what old and new code can both live with, migrate moves
 * data, contract removes what only old code needed, after every consumer is on the new version.
 */
export const MIGRATION_PHASES = ["expand", "migrate", "contract"] as const;

export type MigrationPhase = (typeof MIGRATION_PHASES)[number];

/** Where a file's phase came from: its header comment or the linter's reading of its statements. */
export type PhaseSource = "header" | "inferred";

/** The header is `-- upshift: phase=<phase>` among the comment lines that open the file. */
const HEADER = /^--\s*upshift:\s*phase\s*=\s*(\S+)\s*$/;

/** Result of looking for a phase header: none, a valid phase, or a value that is not a phase. */
export type PhaseHeader =
  | { readonly kind: "absent" }
  | { readonly kind: "declared"; readonly phase: MigrationPhase; readonly line: number }
  | { readonly kind: "invalid"; readonly value: string; readonly line: number };

/** Reads the phase header from the comment lines at the top of a migration file. */
export function readPhaseHeader(text: string): PhaseHeader {
  const body = text.replace(/^\uFEFF/, "");
  // Walk line by line and stop at the first statement: files can be megabytes long.
  let start = 0;
  for (let lineNumber = 1; start <= body.length; lineNumber++) {
    const newline = body.indexOf("\n", start);
    const end = newline === -1 ? body.length : newline;
    const line = body.slice(start, end).trim();
    start = end + 1;
    if (line === "") continue;
    if (!line.startsWith("--")) break; // the header must come before the first statement
    const match = HEADER.exec(line);
    if (match === null) continue;
    const value = (match[1] ?? "").toLowerCase();
    return isMigrationPhase(value)
      ? { kind: "declared", phase: value, line: lineNumber }
      : { kind: "invalid", value, line: lineNumber };
  }
  return { kind: "absent" };
}

/** Narrows a string to a phase name. */
export function isMigrationPhase(value: string): value is MigrationPhase {
  return (MIGRATION_PHASES as readonly string[]).includes(value);
}
