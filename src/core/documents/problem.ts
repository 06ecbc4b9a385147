/** Stable codes of document problems; clients may match on them. */
export const PROBLEM_CODES = [
  "input.too-large",
  "input.too-deep",
  "input.alias-limit",
  "yaml.syntax",
  "yaml.duplicate-key",
  "yaml.tab-indent",
  "document.empty-file",
  "document.not-mapping",
  "document.api-version",
  "document.unknown-kind",
  "document.duplicate",
  "schema.unknown-field",
  "schema.required",
  "schema.invalid-type",
  "schema.invalid-value",
  "ref.unknown-service",
  "ref.unknown-environment",
  "ref.unknown-calendar",
  "ref.unknown-api",
  "ref.unknown-resource",
] as const;

export type ProblemCode = (typeof PROBLEM_CODES)[number];

/** One thing wrong in a set of documents, located precisely enough for an editor to jump to it. */
export interface DocumentProblem {
  readonly code: ProblemCode;
  readonly file: string;
  /** 1-based line and column. */
  readonly line: number;
  readonly column: number;
  /** Field path inside the document, e.g. `spec.changes[0].service`; empty for the whole document. */
  readonly path: string;
  /** What is wrong and what would be valid. */
  readonly message: string;
}

/** Formats a problem the way compilers do: `file:line:col code path: message`. */
export function formatProblem(p: DocumentProblem): string {
  const where = p.path === "" ? "" : ` ${p.path}:`;
  return `${p.file}:${p.line}:${p.column} ${p.code}${where} ${p.message}`;
}

/** Orders problems by file, then position, so output is stable. */
export function compareProblems(a: DocumentProblem, b: DocumentProblem): number {
  return (
    a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.code.localeCompare(b.code)
  );
}

/** Renders a field path (`["spec", "changes", 0]`) as `spec.changes[0]`. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? part : `.${part}`;
  }
  return out;
}
