/**
 * A condition that parsed but cannot be evaluated on this `result` (a comparison of a string
 * with a number, an index past the end). Argo Rollouts records such a measurement as Error, and
 * so do we; the message names the column of the part that failed.
 */
export class ConditionEvaluationError extends Error {
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(`${message} (at column ${column})`);
    this.name = "ConditionEvaluationError";
  }
}
