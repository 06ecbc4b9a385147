import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { DomainError, type DomainErrorKind } from "../core/errors/domain-error.js";

const STATUS: Record<DomainErrorKind, number> = {
  input: 400,
  "not-found": 404,
  conflict: 409,
  "not-allowed": 403,
  unauthenticated: 401,
  infeasible: 422,
};

const TITLE: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  500: "Internal Server Error",
};

/** RFC 9457 problem details, with our stable `code` and, for documents, the full `errors` list. */
export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly instance?: string;
  readonly errors?: unknown;
}

/** The one place where errors become HTTP responses. */
export function problemFor(error: unknown, instance?: string): ProblemDetails {
  if (error instanceof DomainError) {
    const status = STATUS[error.kind];
    return {
      type: `https://upshift.dev/problems/${error.code}`,
      title: TITLE[status] ?? "Error",
      status,
      detail: error.message,
      code: error.code,
      ...(instance ? { instance } : {}),
      ...(error.details !== undefined ? { errors: error.details } : {}),
    };
  }
  const fe = error as Partial<FastifyError>;
  const status =
    typeof fe.statusCode === "number" && fe.statusCode >= 400 && fe.statusCode < 500 ? fe.statusCode : 500;
  return {
    type: "about:blank",
    title: TITLE[status] ?? "Error",
    status,
    detail:
      status === 500
        ? "internal error; the server log has the details"
        : String(fe.message ?? "request refused"),
    code: status === 500 ? "internal" : `http.${fe.code ?? status}`.toLowerCase(),
    ...(instance ? { instance } : {}),
  };
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, error: unknown): FastifyReply {
  const problem = problemFor(error, request.url);
  if (problem.status === 500) request.log.error({ err: error }, "request failed");
  return reply.code(problem.status).type("application/problem+json").send(problem);
}
