import { formatPath } from "../documents/problem.js";
import { InputError } from "../errors/domain-error.js";

/** A JSON value as I-JSON (RFC 7493) allows it: what the audit log stores and hashes. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/** A lone UTF-16 surrogate; in `u` mode a proper pair is one code point and does not match. */
const LONE_SURROGATE = /\p{Cs}/u;
/** Strings JSON.stringify would return unchanged between quotes: no quote, backslash, control or surrogate. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what JSON must escape.
const PLAIN_STRING = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;
/**
 * Quoted object keys, memoized: audit data repeats a few key names millions of times. Bounded so
 * data keyed by user values cannot grow it without limit; the memo is not observable.
 */
const quotedKeys = new Map<string, string>();
const QUOTED_KEYS_MAX = 4096;

/**
 * Canonical JSON per RFC 8785 (JCS): no whitespace, object keys sorted by UTF-16 code units,
 * strings escaped as ECMAScript JSON.stringify does, numbers as ECMAScript Number.prototype.toString
 * (RFC 8785 §3.2.2.3 adopts exactly that serialization, so JSON.stringify of a finite number is it).
 * Rejects what I-JSON forbids or JSON cannot say: non-finite numbers, lone surrogates, undefined in
 * arrays, functions, symbols, bigints and objects that are not plain (a Date would serialize through
 * toJSON and hide its type). Undefined object members are left out, as JSON.stringify does, so a value
 * round-tripped through storage hashes the same.
 */
export function canonicalJson(value: unknown): string {
  const text = tryCanonicalJson(value);
  if (text === undefined) {
    const [path, problem] = locateProblem(value, []) ?? [[], "not JSON"];
    const where = path.length === 0 ? "the value" : `at ${formatPath(path)}`;
    throw new InputError("audit.not-canonical", `cannot canonicalize ${where}: ${problem}`);
  }
  return text;
}

/**
 * canonicalJson, or undefined when the value has no canonical form. The writer returns undefined
 * instead of throwing so the hot path (a million entries per verification) carries no try/catch or
 * path bookkeeping; canonicalJson explains the problem afterwards.
 */
export function tryCanonicalJson(value: unknown): string | undefined {
  if (typeof value === "object" && value !== null) {
    if (!Array.isArray(value)) {
      const flat = flatObject(value);
      if (flat !== NOT_CANONICAL) return flat;
    }
    const sorted = sortedCopy(value, 0);
    if (sorted !== NOT_CANONICAL) return JSON.stringify(sorted);
  }
  return write(value);
}

/** Marks a value `sortedCopy` leaves to the writer (and one `flatObject` leaves to sortedCopy). */
const NOT_CANONICAL: unique symbol = Symbol("not canonical");

/**
 * The key order of the last flat object written, as `flatObject` uses it: `keys` as Object.keys
 * lists them, `order[j]` the position in `keys` of the j-th key in RFC 8785 order, `prefixes[j]`
 * its quoted key after `{` or `,`. Audit entries of one kind share their data's keys, so on the
 * append path the sort and the quoting are done once per kind rather than once per entry.
 */
let shape: { keys: readonly string[]; order: readonly number[]; prefixes: readonly string[] } = {
  keys: [],
  order: [],
  prefixes: [],
};

function shapeOf(keys: readonly string[]): typeof shape | undefined {
  const known = shape.keys;
  if (known.length === keys.length) {
    let same = true;
    for (let i = 0; i < keys.length && same; i++) same = known[i] === keys[i];
    if (same) return shape;
  }
  // Array.prototype.sort without a comparator compares UTF-16 code units, as RFC 8785 §3.2.3 requires.
  const order = keys
    .map((_, i) => i)
    .sort((a, b) => {
      const [x, y] = [keys[a] as string, keys[b] as string];
      return x < y ? -1 : x > y ? 1 : 0;
    });
  const prefixes: string[] = [];
  for (const i of order) {
    const quoted = quoteKey(keys[i] as string);
    if (quoted === undefined) return undefined;
    prefixes.push(`${prefixes.length === 0 ? "{" : ","}${quoted}:`);
  }
  shape = { keys, order, prefixes };
  return shape;
}

/**
 * A plain object whose members are all strings, finite numbers, booleans or null, written
 * directly: its keys' order comes from `shapeOf`, its values in one Object.values. The common audit
 * entry's data; anything nested (or not plain) is NOT_CANONICAL here and goes the general way,
 * undefined when a member has no canonical form. Undefined members are left out as JSON.stringify does.
 */
function flatObject(object: object): string | undefined | typeof NOT_CANONICAL {
  const proto: unknown = Object.getPrototypeOf(object);
  if (proto !== Object.prototype && proto !== null) return NOT_CANONICAL;
  const values = Object.values(object);
  for (let i = 0; i < values.length; i++) {
    const v: unknown = values[i];
    if (
      typeof v === "object"
        ? v !== null
        : typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean" && v !== undefined
    )
      return NOT_CANONICAL;
  }
  const found = shapeOf(Object.keys(object));
  // A key without a canonical form (a lone surrogate) matters only if its member is written: the
  // general path decides.
  if (found === undefined) return NOT_CANONICAL;
  let out = "";
  let written = 0;
  for (let j = 0; j < found.order.length; j++) {
    const v: unknown = values[found.order[j] as number];
    if (v === undefined) continue;
    const text = write(v);
    if (text === undefined) return undefined;
    const prefix = found.prefixes[j] as string;
    // The first member written opens the object, whichever key it is.
    out += written === 0 && j > 0 ? `{${prefix.slice(1)}${text}` : `${prefix}${text}`;
    written++;
  }
  return written === 0 ? "{}" : `${out}}`;
}
/** Keys V8 orders numerically ahead of the rest, whatever order they were set in. */
const INDEX_KEY = /^(?:0|[1-9]\d{0,9})$/;
/** Deeper values go to the writer, which has no depth limit. */
const SORTED_COPY_DEPTH = 64;

/**
 * A copy of `value` whose objects hold their keys in RFC 8785 order, so that JSON.stringify — one
 * native pass writing one flat string — serializes it canonically; NOT_CANONICAL when
 * JSON.stringify would not (a non-finite number, a lone surrogate, undefined in an array, an object
 * that is not plain, a function) or could not keep the order (an integer-like key, `__proto__`).
 * The writer then decides. On the append path this halves the cost of the string building the
 * writer does piece by piece (audit data is mostly small objects of strings and numbers).
 */
function sortedCopy(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case "string":
      return PLAIN_STRING.test(value) || !LONE_SURROGATE.test(value) ? value : NOT_CANONICAL;
    case "number":
      return Number.isFinite(value) ? value : NOT_CANONICAL;
    case "boolean":
      return value;
    case "object": {
      if (value === null) return null;
      if (depth > SORTED_COPY_DEPTH) return NOT_CANONICAL;
      if (Array.isArray(value)) {
        const out: unknown[] = new Array(value.length);
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          if (item === undefined) return NOT_CANONICAL;
          const copy = sortedCopy(item, depth + 1);
          if (copy === NOT_CANONICAL) return NOT_CANONICAL;
          out[i] = copy;
        }
        return out;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return NOT_CANONICAL;
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record);
      if (keys.length > 1) keys.sort();
      const out: Record<string, unknown> = {};
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i] as string;
        if (INDEX_KEY.test(key) || key === "__proto__") return NOT_CANONICAL;
        if (!PLAIN_STRING.test(key) && LONE_SURROGATE.test(key)) return NOT_CANONICAL;
        const member = record[key];
        if (member === undefined) continue;
        const copy = sortedCopy(member, depth + 1);
        if (copy === NOT_CANONICAL) return NOT_CANONICAL;
        out[key] = copy;
      }
      return out;
    }
    default:
      return NOT_CANONICAL;
  }
}

function write(value: unknown): string | undefined {
  switch (typeof value) {
    case "string":
      if (PLAIN_STRING.test(value)) return `"${value}"`;
      return LONE_SURROGATE.test(value) ? undefined : JSON.stringify(value);
    case "number":
      // String(n) is Number.prototype.toString, the serialization RFC 8785 §3.2.2.3 prescribes.
      return Number.isFinite(value) ? String(value) : undefined;
    case "boolean":
      return value ? "true" : "false";
    case "object":
      if (value === null) return "null";
      return Array.isArray(value) ? writeArray(value) : writeObject(value);
    default:
      return undefined;
  }
}

function quoteKey(key: string): string | undefined {
  const known = quotedKeys.get(key);
  if (known !== undefined) return known;
  const quoted = write(key);
  if (quoted !== undefined && quotedKeys.size < QUOTED_KEYS_MAX) quotedKeys.set(key, quoted);
  return quoted;
}

function writeArray(items: readonly unknown[]): string | undefined {
  let out = "[";
  for (let i = 0; i < items.length; i++) {
    const text = write(items[i]);
    if (text === undefined) return undefined;
    out += i === 0 ? text : `,${text}`;
  }
  return `${out}]`;
}

function writeObject(object: object): string | undefined {
  const proto: unknown = Object.getPrototypeOf(object);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const record = object as Record<string, unknown>;
  // Array.prototype.sort without a comparator compares UTF-16 code units, as RFC 8785 §3.2.3 requires.
  const keys = Object.keys(record);
  if (keys.length > 1) keys.sort();
  let out = "{";
  let first = true;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const member = record[key];
    if (member === undefined) continue;
    const text = write(member);
    const quoted = quoteKey(key);
    if (text === undefined || quoted === undefined) return undefined;
    out += first ? `${quoted}:${text}` : `,${quoted}:${text}`;
    first = false;
  }
  return `${out}}`;
}

type Located = [path: (string | number)[], problem: string];

function locateProblem(value: unknown, path: (string | number)[]): Located | undefined {
  switch (typeof value) {
    case "string":
      return LONE_SURROGATE.test(value) ? [path, "a string holds a lone UTF-16 surrogate"] : undefined;
    case "number":
      return Number.isFinite(value) ? undefined : [path, `${value} is not a finite number`];
    case "boolean":
      return undefined;
    case "undefined":
      return [path, "undefined has no JSON form"];
    case "object": {
      if (value === null) return undefined;
      if (Array.isArray(value))
        return firstProblem(
          value.map((v, i) => [i, v] as const),
          path,
          false,
        );
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        return [path, `a ${value.constructor?.name ?? "non-plain"} object is not plain JSON`];
      }
      const bad = Object.keys(value).find((k) => LONE_SURROGATE.test(k));
      if (bad !== undefined) return [[...path, bad], "a key holds a lone UTF-16 surrogate"];
      return firstProblem(Object.entries(value), path, true);
    }
    default:
      return [path, `a ${typeof value} has no JSON form`];
  }
}

function firstProblem(
  members: readonly (readonly [string | number, unknown])[],
  path: (string | number)[],
  skipUndefined: boolean,
): Located | undefined {
  for (const [key, member] of members) {
    if (skipUndefined && member === undefined) continue;
    const found = locateProblem(member, [...path, key]);
    if (found !== undefined) return found;
  }
  return undefined;
}
