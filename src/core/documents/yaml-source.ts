import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseAllDocuments } from "yaml";
import type { DocumentProblem, ProblemCode } from "./problem.js";

/** A file (or request body) of YAML/JSON text, named for error messages. */
export interface SourceFile {
  readonly name: string;
  readonly text: string;
  /** Size in bytes when the reader refused to load an oversized file (then `text` is empty). */
  readonly sizeBytes?: number;
}

/** Guards against hostile input; defaults suit fleets of tens of thousands of documents. */
export interface ParseLimits {
  readonly maxBytes: number;
  readonly maxDepth: number;
  readonly maxAliasCount: number;
  readonly maxDocuments: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = {
  maxBytes: 16 * 1024 * 1024,
  maxDepth: 64,
  maxAliasCount: 100,
  maxDocuments: 100_000,
};

export type Position = { readonly line: number; readonly column: number };

/** One YAML document of a file, as a plain value plus a way back to source positions. */
export interface SourceDocument {
  readonly file: string;
  /** 0-based position of the document in its file. */
  readonly index: number;
  readonly value: unknown;
  /** Position of the value (or, with `key`, of the key) at `path`, or of its nearest existing ancestor. */
  locate(path: readonly PropertyKey[], target?: "key" | "value"): Position;
}

const YAML_CODE: Record<string, ProblemCode> = {
  DUPLICATE_KEY: "yaml.duplicate-key",
  TAB_AS_INDENT: "yaml.tab-indent",
  RESOURCE_EXHAUSTION: "input.too-deep",
};

function firstLine(message: string): string {
  return (message.split("\n")[0] ?? message).replace(/ at line \d+, column \d+:?$/, "");
}

/** UTF-8 length of `text`, stopping early once it exceeds `limit`. */
function utf8Length(text: string, limit: number): number {
  if (text.length > limit) return text.length;
  let bytes = 0;
  for (let i = 0; i < text.length && bytes <= limit; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c < 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** Depth of nested collections, iteratively so that hostile input cannot overflow the stack. */
function collectionDepth(root: unknown, limit: number): { depth: number; node?: Node } {
  const stack: Array<[unknown, number]> = [[root, 1]];
  let max = 0;
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (isMap(node) || isSeq(node)) {
      if (depth > limit) return { depth, node };
      max = Math.max(max, depth);
      for (const item of node.items) {
        if (isPair(item)) stack.push([item.value, depth + 1]);
        else stack.push([item, depth + 1]);
      }
    }
  }
  return { depth: max };
}

function childNode(node: unknown, part: PropertyKey): { key?: Node; value?: unknown } | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = pair.key;
      const keyValue = isScalar(key) ? key.value : key;
      if (String(keyValue) === String(part)) return { key: key as Node, value: pair.value };
    }
    return undefined;
  }
  if (isSeq(node) && typeof part === "number") {
    const item = node.items[part];
    return item === undefined ? undefined : { value: item };
  }
  return undefined;
}

/**
 * Splits a file into documents, reporting every YAML-level problem with its position.
 * Documents with YAML errors are reported and left out, so later checks never see half-parsed data.
 */
export function readYamlSource(
  file: SourceFile,
  limits: ParseLimits = DEFAULT_PARSE_LIMITS,
): { documents: SourceDocument[]; problems: DocumentProblem[] } {
  const problems: DocumentProblem[] = [];
  const documents: SourceDocument[] = [];
  const problem = (code: ProblemCode, line: number, column: number, message: string) =>
    problems.push({ code, file: file.name, line, column, path: "", message });

  const bytes = file.sizeBytes ?? utf8Length(file.text, limits.maxBytes);
  if (bytes > limits.maxBytes) {
    problem(
      "input.too-large",
      1,
      1,
      `file is ${bytes} bytes; at most ${limits.maxBytes} bytes are accepted — split it into several files`,
    );
    return { documents, problems };
  }
  const lineCounter = new LineCounter();
  const pos = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const docs = Array.from(
    parseAllDocuments(file.text, { lineCounter, uniqueKeys: true, prettyErrors: false }),
  );
  if (docs.length > limits.maxDocuments) {
    problem(
      "input.too-large",
      1,
      1,
      `file holds ${docs.length} documents; at most ${limits.maxDocuments} are accepted`,
    );
    return { documents, problems };
  }
  let nonEmpty = 0;
  docs.forEach((doc, index) => {
    const start = pos(doc.range[0]);
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        const at = pos(e.pos[0]);
        problem(YAML_CODE[e.code] ?? "yaml.syntax", at.line, at.column, firstLine(e.message));
      }
      nonEmpty++;
      return;
    }
    if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) return;
    nonEmpty++;
    const depth = collectionDepth(doc.contents, limits.maxDepth);
    if (depth.node !== undefined) {
      const at = pos(depth.node.range?.[0] ?? doc.range[0]);
      problem(
        "input.too-deep",
        at.line,
        at.column,
        `nesting deeper than ${limits.maxDepth} levels is refused`,
      );
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: limits.maxAliasCount });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      problem(
        "input.alias-limit",
        start.line,
        start.column,
        `${message}; at most ${limits.maxAliasCount} alias expansions are accepted`,
      );
      return;
    }
    const contents = doc.contents;
    documents.push({
      file: file.name,
      index,
      value,
      locate(path, target = "value") {
        let node: unknown = contents;
        let at = pos((contents as Node).range?.[0] ?? 0);
        for (let i = 0; i < path.length; i++) {
          const child = childNode(node, path[i] as PropertyKey);
          if (child === undefined) return at;
          const isLast = i === path.length - 1;
          const keyNode = child.key;
          if (isLast && target === "key" && keyNode?.range) return pos(keyNode.range[0]);
          const range = (child.value as Node | undefined)?.range ?? keyNode?.range;
          if (range) at = pos(range[0]);
          node = child.value;
        }
        return at;
      },
    });
  });
  if (nonEmpty === 0)
    problem("document.empty-file", 1, 1, "file holds no document; expected at least one YAML document");
  return { documents, problems };
}
