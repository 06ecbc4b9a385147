import type { Node, ParseResult } from "@pgsql/parser";
import { loadModule, parseSync, scanSync } from "@pgsql/parser";
import { createSourceMap, type SourceMap, type SourcePosition } from "./source-position.js";
import { readCommentsAndSpace, type SqlComment } from "./sql-comment.js";

/** A comment with its place in the file. */
export interface LocatedComment extends SqlComment {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
}

/** One top-level statement as PostgreSQL's own grammar (libpg_query) split it. */
export interface SqlStatement {
  /** 0-based position of the statement in its file. */
  readonly ordinal: number;
  readonly node: Node;
  /** Where the statement's first keyword is (leading comments skipped). */
  readonly position: SourcePosition;
  /** The statement's source text, without leading comments or the closing `;`. */
  readonly text: string;
  /** Comments between the previous statement and this one, in order. */
  readonly leadingComments: readonly LocatedComment[];
}

/** The outcome of reading one SQL file. */
export type ParsedSql =
  | {
      readonly kind: "parsed";
      readonly statements: readonly SqlStatement[];
      /** Comments after the last statement (or all comments of a file without statements). */
      readonly trailingComments: readonly LocatedComment[];
    }
  | { readonly kind: "syntax-error"; readonly message: string; readonly position: SourcePosition };

/** Loads the parser's WebAssembly module; await it once before `parseSql`. */
export async function loadSqlParser(): Promise<void> {
  await loadModule();
}

/** Splits and parses a SQL file with the real PostgreSQL parser (needs `loadSqlParser` first). */
export function parseSql(text: string): ParsedSql {
  const map = createSourceMap(text);
  const lead = readCommentsAndSpace(text, 0);
  if (lead.codeIndex === text.length) {
    // The binding rejects empty input; a file of comments only has no statements.
    return { kind: "parsed", statements: [], trailingComments: lead.comments.map((c) => locate(c, map)) };
  }
  let tree: ParseResult;
  try {
    tree = callParser(parseSync, text);
  } catch (error) {
    return { kind: "syntax-error", message: parserMessage(error), position: locateSyntaxError(text, map) };
  }
  const statements: SqlStatement[] = [];
  let gapEnd = 0;
  for (const raw of tree.stmts ?? []) {
    if (raw.stmt === undefined) continue;
    const startByte = raw.stmt_location ?? 0;
    const from = map.indexOfByte(startByte);
    const to = raw.stmt_len === undefined ? text.length : map.indexOfByte(startByte + raw.stmt_len);
    const { comments, codeIndex } = readCommentsAndSpace(text, from, to);
    statements.push({
      ordinal: statements.length,
      node: raw.stmt,
      position: map.positionOfIndex(codeIndex),
      text: text.slice(codeIndex, to).trimEnd(),
      leadingComments: comments.map((c) => locate(c, map)),
    });
    gapEnd = to;
  }
  // Past the last statement: its `;` (if any), then comments only.
  const tail = text.charCodeAt(gapEnd) === 59 ? gapEnd + 1 : gapEnd;
  const trailing = readCommentsAndSpace(text, tail).comments.map((c) => locate(c, map));
  return { kind: "parsed", statements, trailingComments: trailing };
}

function locate(comment: SqlComment, map: SourceMap): LocatedComment {
  const start = map.positionOfIndex(comment.index);
  return {
    ...comment,
    line: start.line,
    column: start.column,
    endLine: map.positionOfIndex(comment.end).line,
  };
}

/**
 * @pgsql/parser 17.5 (wasm/index.cjs) throws whenever its JSON output merely contains the text
 * "ERROR" (e.g. a literal 'ERROR' or a comment in a scan), carrying the valid result as the
 * message; recover it so such files are not reported as unparsable.
 */
function callParser<T>(fn: (sql: string) => T, sql: string): T {
  try {
    return fn(sql);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('{"version"'))
      return JSON.parse(error.message) as T;
    throw error;
  }
}

function parserMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (message.startsWith("syntax error")) return message;
  // Lexical failures (unterminated literal or comment) surface as a JSON error of the binding.
  return "could not parse SQL: unterminated string, identifier or comment, or invalid input";
}

/**
 * libpg_query's error position is dropped by the binding, so find the failing statement again:
 * split at the scanner's `;` tokens (which respects quoting and dollar quoting) and parse each
 * piece; the first piece that fails holds the error.
 */
function locateSyntaxError(text: string, map: SourceMap): SourcePosition {
  let tokens: readonly { readonly start: number; readonly end: number; readonly text: string }[];
  try {
    tokens = callParser(scanSync, text).tokens;
  } catch {
    return map.positionOfIndex(readCommentsAndSpace(text, 0).codeIndex);
  }
  let pieceStart = 0;
  const cuts = [...tokens.filter((t) => t.text === ";").map((t) => t.start), Number.MAX_SAFE_INTEGER];
  for (const cut of cuts) {
    const from = map.indexOfByte(pieceStart);
    const to = cut === Number.MAX_SAFE_INTEGER ? text.length : map.indexOfByte(cut);
    const codeIndex = readCommentsAndSpace(text, from, to).codeIndex;
    if (codeIndex < to) {
      try {
        callParser(parseSync, text.slice(from, to));
      } catch {
        return map.positionOfIndex(codeIndex);
      }
    }
    pieceStart = cut + 1;
  }
  return map.positionOfIndex(0);
}
