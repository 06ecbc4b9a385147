/**
 * Business errors know nothing of HTTP or exit codes (STYLE.md principle 5); one place in the
 * server and one in the CLI map `kind` to a status and an exit code.
 */
export type DomainErrorKind =
  | "input" // the caller sent something invalid
  | "not-found"
  | "conflict" // the request clashes with the current state
  | "not-allowed" // authenticated but not permitted
  | "unauthenticated"
  | "infeasible"; // valid, but cannot be done as asked (e.g. no valid plan)

export interface DomainErrorOptions {
  readonly cause?: unknown;
  /** Structured detail for clients (e.g. the list of document problems). */
  readonly details?: unknown;
  readonly retryable?: boolean;
}

/** Base of every error the domain raises on purpose, with a stable machine-readable code. */
export class DomainError extends Error {
  readonly kind: DomainErrorKind;
  readonly code: string;
  readonly details: unknown;
  readonly retryable: boolean;

  constructor(kind: DomainErrorKind, code: string, message: string, options: DomainErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.kind = kind;
    this.code = code;
    this.details = options.details;
    this.retryable = options.retryable ?? false;
  }
}

/** Input that is malformed or invalid; `details` usually holds document problems. */
export class InputError extends DomainError {
  constructor(code: string, message: string, options?: DomainErrorOptions) {
    super("input", code, message, options);
  }
}

/** A named thing that does not exist. */
export class NotFoundError extends DomainError {
  constructor(code: string, message: string, options?: DomainErrorOptions) {
    super("not-found", code, message, options);
  }
}

/** The request conflicts with current state (e.g. deleting a referenced document). */
export class ConflictError extends DomainError {
  constructor(code: string, message: string, options?: DomainErrorOptions) {
    super("conflict", code, message, options);
  }
}

/** The caller is known but lacks the role or right. */
export class NotAllowedError extends DomainError {
  constructor(code: string, message: string, options?: DomainErrorOptions) {
    super("not-allowed", code, message, options);
  }
}

/** No or unknown credentials. */
export class UnauthenticatedError extends DomainError {
  constructor(code: string, message: string, options?: DomainErrorOptions) {
    super("unauthenticated", code, message, options);
  }
}

/** Valid input that cannot be carried out as asked (an infeasible plan, a failed gate). */
export class InfeasibleError extends DomainError {
  constructor(code: string, message: string, options?: DomainErrorOptions) {
    super("infeasible", code, message, options);
  }
}
