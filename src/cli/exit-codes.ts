import type { DomainErrorKind } from "../core/errors/domain-error.js";

/** Documented exit codes (README "Exit codes"). */
export const EXIT = {
  ok: 0,
  /** invalid input or a failed check */
  invalid: 1,
  /** usage error: unknown command or option, missing argument */
  usage: 2,
  /** valid, but not possible as asked: infeasible plan, failed gate, conflict */
  notPossible: 3,
  /** the server cannot be reached */
  unreachable: 4,
} as const;

const BY_KIND: Record<DomainErrorKind, number> = {
  input: EXIT.invalid,
  "not-found": EXIT.invalid,
  unauthenticated: EXIT.invalid,
  "not-allowed": EXIT.invalid,
  conflict: EXIT.notPossible,
  infeasible: EXIT.notPossible,
};

export function exitCodeFor(kind: DomainErrorKind): number {
  return BY_KIND[kind];
}

/** An error that already carries the exit code and the message to print. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    /** Extra lines (e.g. one per document problem) printed after the message. */
    readonly lines: readonly string[] = [],
  ) {
    super(message);
  }
}
