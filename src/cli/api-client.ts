import { type DocumentProblem, formatProblem } from "../core/documents/problem.js";
import { CliError, EXIT } from "./exit-codes.js";

export interface Connection {
  readonly server: string;
  readonly token?: string;
}

interface Problem {
  readonly status?: number;
  readonly detail?: string;
  readonly code?: string;
  readonly errors?: unknown;
}

function exitForStatus(status: number): number {
  return status === 409 || status === 422 ? EXIT.notPossible : EXIT.invalid;
}

/** A thin client of the /v1 API that turns problems and network failures into exit codes. */
export class ApiClient {
  constructor(private readonly connection: Connection) {}

  async request<T>(
    method: string,
    path: string,
    body?: { contentType: string; payload: string },
  ): Promise<T> {
    const url = new URL(
      path,
      this.connection.server.endsWith("/") ? this.connection.server : `${this.connection.server}/`,
    );
    const headers: Record<string, string> = { accept: "application/json, application/problem+json" };
    if (this.connection.token) headers.authorization = `Bearer ${this.connection.token}`;
    if (body) headers["content-type"] = body.contentType;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        ...(body ? { body: body.payload } : {}),
        signal: AbortSignal.timeout(60_000),
      });
    } catch (error) {
      const reason =
        error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      throw new CliError(
        `cannot reach the Upshift server at ${url.origin} (${reason}); start it with \`upshift server\` or set --server / UPSHIFT_URL`,
        EXIT.unreachable,
      );
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === "" ? undefined : JSON.parse(text);
    } catch {
      parsed = text;
    }
    if (!response.ok) {
      const problem = (typeof parsed === "object" && parsed !== null ? parsed : { detail: text }) as Problem;
      const lines =
        Array.isArray(problem.errors) &&
        problem.errors.every((e) => typeof e === "object" && e !== null && "line" in e)
          ? (problem.errors as DocumentProblem[]).map(formatProblem)
          : [];
      const hint = response.status === 401 ? " (pass --token or set UPSHIFT_TOKEN)" : "";
      const detail = lines.length > 0 ? (problem.detail ?? "").split("\n")[0] : problem.detail;
      throw new CliError(
        `${detail ?? `HTTP ${response.status}`}${hint}`,
        exitForStatus(response.status),
        lines,
      );
    }
    return parsed as T;
  }
}
