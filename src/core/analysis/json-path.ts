/**
 * A JSONPath subset (RFC 9535 syntax) to pick a value out of a JSON answer: `$`, `.name`,
 * `['name']`, `[0]`, `[-1]`, `[*]`, `.*`, `[start:end]`, `[0,2]` and descendants `..name`.
 * Kubernetes-style braces and a leading dot (`{.data.ratio}`, as Argo Rollouts' web provider
 * takes them) are accepted too. Filters are not supported; a condition over the selected value
 * does that job.
 */
import { InputError } from "../errors/domain-error.js";
import { isMetricObject, type MetricValue } from "./metric-value.js";

type Selector =
  | { readonly kind: "name"; readonly name: string }
  | { readonly kind: "index"; readonly index: number }
  | { readonly kind: "wildcard" }
  | { readonly kind: "slice"; readonly start: number | undefined; readonly end: number | undefined };

interface Segment {
  readonly descendant: boolean;
  readonly selectors: readonly Selector[];
}

export interface JsonPath {
  readonly source: string;
  readonly segments: readonly Segment[];
  /** True when the path names one place (no wildcard, slice, union or descendant). */
  readonly singular: boolean;
}

const NAME = /^[A-Za-z_$][A-Za-z0-9_$-]*/;
const INTEGER = /^-?\d+/;

/** Parses a JSONPath, or throws an InputError naming the column of the mistake. */
export function parseJsonPath(source: string): JsonPath {
  let text = source.trim();
  let offset = source.indexOf(text);
  if (text.startsWith("{") && text.endsWith("}")) {
    text = text.slice(1, -1);
    offset++;
  }
  const fail = (i: number, problem: string) =>
    new InputError(
      "json-path-syntax",
      `${problem} at column ${offset + i + 1} of JSONPath ${JSON.stringify(source)}`,
      {
        details: { column: offset + i + 1, problem },
      },
    );
  let i = text.startsWith("$") ? 1 : text.startsWith(".") ? 0 : -1;
  if (i < 0) throw fail(0, 'a JSONPath starts with "$"');
  const segments: Segment[] = [];
  let bracketIsDescendant = false;
  while (i < text.length) {
    if (text[i] === ".") {
      const descendant = text.startsWith("..", i);
      i += descendant ? 2 : 1;
      if (text[i] === "*") {
        segments.push({ descendant, selectors: [{ kind: "wildcard" }] });
        i++;
        continue;
      }
      if (text[i] === "[" && descendant) {
        bracketIsDescendant = true;
        continue;
      }
      const name = NAME.exec(text.slice(i));
      if (name === null) throw fail(i, "expected a member name");
      segments.push({ descendant, selectors: [{ kind: "name", name: name[0] }] });
      i += name[0].length;
      continue;
    }
    if (text[i] !== "[") throw fail(i, `unexpected ${JSON.stringify(text[i])}`);
    const close = findClose(text, i + 1);
    if (close < 0) throw fail(i, 'the "[" is not closed');
    const at = i + 1;
    segments.push({
      descendant: bracketIsDescendant,
      selectors: bracket(text.slice(at, close), (p) => fail(at, p)),
    });
    bracketIsDescendant = false;
    i = close + 1;
  }
  const singular = segments.every(
    (s) =>
      !s.descendant &&
      s.selectors.length === 1 &&
      (s.selectors[0]?.kind === "name" || s.selectors[0]?.kind === "index"),
  );
  return { source, segments, singular };
}

function findClose(text: string, from: number): number {
  let quote: string | undefined;
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (quote !== undefined) {
      if (ch === "\\") i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === "]") return i;
  }
  return -1;
}

function bracket(body: string, fail: (problem: string) => InputError): readonly Selector[] {
  return splitUnion(body).map((part) => {
    const p = part.trim();
    if (p === "*") return { kind: "wildcard" } as const;
    if ((p.startsWith("'") && p.endsWith("'")) || (p.startsWith('"') && p.endsWith('"'))) {
      if (p.length < 2) throw fail("the name is not closed");
      return { kind: "name", name: p.slice(1, -1).replace(/\\(.)/g, "$1") } as const;
    }
    if (p.includes(":")) {
      const [start, end, step] = p.split(":").map((s) => s.trim());
      const bound = (s: string | undefined) => {
        if (s === undefined || s === "") return undefined;
        if (!INTEGER.test(s) || INTEGER.exec(s)?.[0] !== s)
          throw fail(`a slice bound must be a whole number, got ${JSON.stringify(s)}`);
        return Number(s);
      };
      if (step !== undefined && step !== "" && step !== "1")
        throw fail("slices with a step are not supported");
      return { kind: "slice", start: bound(start), end: bound(end) } as const;
    }
    if (INTEGER.exec(p)?.[0] === p) return { kind: "index", index: Number(p) } as const;
    if (p.startsWith("?"))
      throw fail("filters are not supported: select the array and test it with a condition");
    throw fail(`expected an index, a quoted name, "*" or a slice, got ${JSON.stringify(p)}`);
  });
}

function splitUnion(body: string): readonly string[] {
  const parts: string[] = [];
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (quote !== undefined) {
      if (ch === "\\") i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === ",") {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts;
}

/** Every value the path selects in `document`, in document order. */
export function queryJsonPath(path: JsonPath, document: MetricValue): readonly MetricValue[] {
  let nodes: readonly MetricValue[] = [document];
  for (const segment of path.segments) {
    const inputs = segment.descendant ? nodes.flatMap(descendantsAndSelf) : nodes;
    nodes = inputs.flatMap((node) => segment.selectors.flatMap((selector) => select(selector, node)));
  }
  return nodes;
}

/**
 * The value a path picks: the value itself for a singular path, the array of matches otherwise;
 * undefined when a singular path matches nothing.
 */
export function selectJsonPath(path: JsonPath, document: MetricValue): MetricValue | undefined {
  const matches = queryJsonPath(path, document);
  return path.singular ? matches[0] : matches;
}

function select(selector: Selector, node: MetricValue): readonly MetricValue[] {
  switch (selector.kind) {
    case "name":
      return node !== null && isMetricObject(node) && Object.hasOwn(node, selector.name)
        ? [node[selector.name]!]
        : [];
    case "index": {
      if (!Array.isArray(node)) return [];
      const at = selector.index < 0 ? node.length + selector.index : selector.index;
      return at >= 0 && at < node.length ? [node[at] as MetricValue] : [];
    }
    case "wildcard":
      return children(node);
    case "slice": {
      if (!Array.isArray(node)) return [];
      const clamp = (v: number) => Math.min(node.length, Math.max(0, v < 0 ? node.length + v : v));
      return node.slice(clamp(selector.start ?? 0), clamp(selector.end ?? node.length));
    }
    default:
      return assertNever(selector);
  }
}

function children(node: MetricValue): readonly MetricValue[] {
  if (Array.isArray(node)) return node;
  if (node !== null && isMetricObject(node)) return Object.values(node);
  return [];
}

function descendantsAndSelf(node: MetricValue): readonly MetricValue[] {
  return [node, ...children(node).flatMap(descendantsAndSelf)];
}

function assertNever(value: never): never {
  throw new Error(`unexpected selector ${JSON.stringify(value)}`);
}
