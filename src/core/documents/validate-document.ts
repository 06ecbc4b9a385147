import type { z } from "zod";
import { dnsLabel } from "./common-schemas.js";
import {
  API_VERSION,
  DOCUMENT_KINDS,
  DOCUMENT_SCHEMAS,
  type DocumentKind,
  isDocumentKind,
  type UpshiftDocument,
} from "./document-kinds.js";
import { didYouMean } from "./nearest-name.js";
import { type DocumentProblem, formatPath, type ProblemCode } from "./problem.js";
import { knownFieldsAt } from "./schema-walk.js";
import type { SourceDocument } from "./yaml-source.js";

type Issue = z.core.$ZodIssue;

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string")
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const p of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

const EXPECTED_WORDS: Record<string, string> = {
  object: "a mapping",
  array: "a list",
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
};

/** Picks the union branch whose complaints are fewest (then deepest): the one the author most likely meant. */
function bestUnionBranch(errors: readonly (readonly Issue[])[]): readonly Issue[] {
  let best: readonly Issue[] = errors[0] ?? [];
  const score = (issues: readonly Issue[]) =>
    issues.length * 100 -
    Math.max(0, ...issues.map((i) => i.path.length)) +
    issues.filter((i) => i.code === "unrecognized_keys" || i.code === "invalid_type").length * 10;
  for (const branch of errors) if (score(branch) < score(best)) best = branch;
  return best;
}

type Emit = (
  code: ProblemCode,
  path: readonly PropertyKey[],
  message: string,
  target?: "key" | "value",
) => void;

function reportIssue(
  issue: Issue,
  base: readonly PropertyKey[],
  root: unknown,
  schema: z.core.$ZodType,
  emit: Emit,
) {
  const path = [...base, ...issue.path];
  switch (issue.code) {
    case "unrecognized_keys": {
      const known = knownFieldsAt(schema, path);
      for (const key of issue.keys) {
        emit(
          "schema.unknown-field",
          [...path, key],
          `unknown field "${key}".${didYouMean(key, known)} Known fields here: ${known.join(", ")}`,
          "key",
        );
      }
      return;
    }
    case "invalid_type": {
      const actual = valueAt(root, path);
      const expected = EXPECTED_WORDS[issue.expected] ?? issue.expected;
      if (actual === undefined) {
        const field = String(path[path.length - 1] ?? "");
        emit("schema.required", path.slice(0, -1), `missing required field "${field}" (${expected})`);
      } else emit("schema.invalid-type", path, `expected ${expected}, got ${describe(actual)}`);
      return;
    }
    case "invalid_union": {
      for (const sub of bestUnionBranch(issue.errors)) reportIssue(sub, path, root, schema, emit);
      return;
    }
    case "invalid_value": {
      const actual = valueAt(root, path);
      const options = issue.values.map((v) => String(v));
      const hint = typeof actual === "string" ? didYouMean(actual, options) : "";
      emit(
        "schema.invalid-value",
        path,
        `${describe(actual)} is not allowed; must be one of: ${options.join(", ")}.${hint}`.replace(
          /\.$/,
          "",
        ),
      );
      return;
    }
    case "too_small":
    case "too_big": {
      const actual = valueAt(root, path);
      const bound = issue.code === "too_small" ? "at least" : "at most";
      const what = Array.isArray(actual)
        ? `${issue.code === "too_small" ? issue.minimum : issue.maximum} items`
        : String(issue.code === "too_small" ? issue.minimum : issue.maximum);
      emit("schema.invalid-value", path, `${describe(actual)} is out of range; must be ${bound} ${what}`);
      return;
    }
    default: {
      const actual = valueAt(root, path);
      emit("schema.invalid-value", path, `${describe(actual)} ${issue.message}`);
    }
  }
}

/** Kind and name of a document. */
export interface DocumentIdentity {
  readonly kind: DocumentKind;
  readonly name: string;
  /** APIs the document appears to provide, read leniently, so that consumers are not flagged twice. */
  readonly provides: readonly string[];
  readonly source: SourceDocument;
}

function lenientProvides(spec: unknown): string[] {
  const apis: string[] = [];
  const collect = (list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const p of list)
      if (p && typeof p === "object" && typeof (p as { api?: unknown }).api === "string")
        apis.push((p as { api: string }).api);
  };
  if (spec && typeof spec === "object") {
    collect((spec as { provides?: unknown }).provides);
    const changes = (spec as { changes?: unknown }).changes;
    if (Array.isArray(changes))
      for (const c of changes)
        if (c && typeof c === "object") collect((c as { provides?: unknown }).provides);
  }
  return apis;
}

/** A document that passed schema validation, with the source it came from (when it has one). */
export interface CheckedDocument {
  readonly doc: UpshiftDocument;
  readonly source?: SourceDocument;
}

/** Checks one source document's envelope and spec; returns the typed document or its problems. */
export function validateDocument(source: SourceDocument): {
  doc?: UpshiftDocument;
  /** Kind and name when they are valid even though the rest is not, so references to it still resolve. */
  identity?: DocumentIdentity;
  problems: DocumentProblem[];
} {
  const problems: DocumentProblem[] = [];
  const emit: Emit = (code, path, message, target = "value") => {
    const at = source.locate(path, target);
    problems.push({
      code,
      file: source.file,
      line: at.line,
      column: at.column,
      path: formatPath(path as (string | number)[]),
      message,
    });
  };
  const value = source.value;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    emit(
      "document.not-mapping",
      [],
      `a document must be a mapping with apiVersion, kind, metadata and spec; got ${describe(value)}`,
    );
    return { problems };
  }
  const record = value as Record<string, unknown>;
  if (record.apiVersion !== API_VERSION) {
    emit(
      record.apiVersion === undefined ? "schema.required" : "document.api-version",
      record.apiVersion === undefined ? [] : ["apiVersion"],
      record.apiVersion === undefined
        ? `missing required field "apiVersion" (must be "${API_VERSION}")`
        : `apiVersion ${describe(record.apiVersion)} is not supported; must be "${API_VERSION}"`,
    );
  }
  const kind = record.kind;
  if (typeof kind !== "string" || !isDocumentKind(kind)) {
    emit(
      kind === undefined ? "schema.required" : "document.unknown-kind",
      kind === undefined ? [] : ["kind"],
      kind === undefined
        ? `missing required field "kind" (one of ${DOCUMENT_KINDS.join(", ")})`
        : `unknown kind ${describe(kind)}; must be one of ${DOCUMENT_KINDS.join(", ")}.${typeof kind === "string" ? didYouMean(kind, DOCUMENT_KINDS) : ""}`,
    );
    return { problems };
  }
  const schema = DOCUMENT_SCHEMAS[kind as DocumentKind];
  const result = schema.safeParse(value);
  if (!result.success) {
    for (const issue of result.error.issues) {
      // apiVersion was reported above in friendlier words.
      if (issue.path.length === 1 && issue.path[0] === "apiVersion") continue;
      reportIssue(issue, [], value, schema, emit);
    }
  }
  if (problems.length > 0) {
    const name = (record.metadata as Record<string, unknown> | undefined)?.name;
    const identity =
      typeof name === "string" && dnsLabel.safeParse(name).success
        ? { kind, name, provides: lenientProvides(record.spec), source }
        : undefined;
    return identity === undefined ? { problems } : { identity, problems };
  }
  return { doc: result.data as UpshiftDocument, problems };
}
