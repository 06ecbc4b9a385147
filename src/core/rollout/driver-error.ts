import { DomainError, type DomainErrorKind } from "../errors/domain-error.js";

/** Why a driver action failed, as a stable code the step log and the API can show. */
export type DriverErrorCode =
  | "artifact-digest-mismatch"
  | "artifact-missing"
  | "stale-fence"
  | "start-failed"
  | "unhealthy"
  | "timeout"
  | "command-failed"
  | "bad-answer"
  | "secret-unresolved"
  | "invalid-request";

const KIND: Record<DriverErrorCode, DomainErrorKind> = {
  "artifact-digest-mismatch": "infeasible",
  "artifact-missing": "infeasible",
  "stale-fence": "conflict",
  "start-failed": "infeasible",
  unhealthy: "infeasible",
  timeout: "infeasible",
  "command-failed": "infeasible",
  "bad-answer": "infeasible",
  "secret-unresolved": "input",
  "invalid-request": "input",
};

/** A driver action that did not reach its end state; `log` holds the lines for the step log. */
export class DriverError extends DomainError {
  readonly log: readonly string[];
  readonly driverCode: DriverErrorCode;
  constructor(
    code: DriverErrorCode,
    message: string,
    options: {
      readonly log?: readonly string[];
      readonly cause?: unknown;
      readonly retryable?: boolean;
    } = {},
  ) {
    super(KIND[code], `driver-${code}`, message, {
      cause: options.cause,
      retryable: options.retryable ?? (code === "timeout" || code === "unhealthy"),
      details: { log: options.log ?? [] },
    });
    this.log = options.log ?? [];
    this.driverCode = code;
  }

  /** The same error with the action's earlier log lines in front of its own. */
  withLog(earlier: readonly string[]): DriverError {
    return new DriverError(this.driverCode, this.message, {
      log: [...earlier, ...this.log],
      cause: this.cause,
      retryable: this.retryable,
    });
  }
}
