import type { UpshiftDocument } from "./document-kinds.js";
import { compareProblems, type DocumentProblem } from "./problem.js";
import { checkReferences } from "./references.js";
import { type CheckedDocument, type DocumentIdentity, validateDocument } from "./validate-document.js";
import { DEFAULT_PARSE_LIMITS, type ParseLimits, readYamlSource, type SourceFile } from "./yaml-source.js";

export interface ValidationResult {
  readonly documents: readonly CheckedDocument[];
  /** Every problem of the whole set, sorted by file and position. Empty means valid. */
  readonly problems: readonly DocumentProblem[];
}

/**
 * Parses and checks a set of files in one pass: YAML, envelope, schema, then cross-document
 * references against the set itself plus `context` (documents already stored).
 */
export function validateSources(
  files: readonly SourceFile[],
  context: readonly UpshiftDocument[] = [],
  limits: ParseLimits = DEFAULT_PARSE_LIMITS,
): ValidationResult {
  const problems: DocumentProblem[] = [];
  const documents: CheckedDocument[] = [];
  const invalid: DocumentIdentity[] = [];
  for (const file of files) {
    const read = readYamlSource(file, limits);
    problems.push(...read.problems);
    for (const source of read.documents) {
      const result = validateDocument(source);
      problems.push(...result.problems);
      if (result.doc !== undefined) documents.push({ doc: result.doc, source });
      else if (result.identity !== undefined) invalid.push(result.identity);
    }
  }
  problems.push(...checkReferences(documents, context, invalid));
  problems.sort(compareProblems);
  return { documents, problems };
}
