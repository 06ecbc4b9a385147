/**
 * A synthetic transaction: a scenario of HTTP steps run from the control plane against an
 * environment (log in, add to cart, pay), each with its expected status, JSONPath assertions
 * judged by conditions, and values captured for later steps as `{{captures.name}}`.
 */
import { InputError } from "../errors/domain-error.js";
import type { ParsedCondition } from "./condition-ast.js";
import { parseCondition } from "./condition-parser.js";
import { type JsonPath, parseJsonPath } from "./json-path.js";
import type { MetricValue } from "./metric-value.js";

export interface SyntheticAssertion {
  /** The value under test; `$` is the whole JSON body. */
  readonly path: JsonPath;
  /** Condition over the selected value as `result`; without one the value must merely exist. */
  readonly condition: ParsedCondition | undefined;
}

export interface SyntheticStep {
  readonly name: string;
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** A string is sent as is; any other JSON value is sent as JSON. */
  readonly body: MetricValue | undefined;
  readonly expectStatus: readonly number[];
  readonly assertions: readonly SyntheticAssertion[];
  readonly capture: Readonly<Record<string, JsonPath>>;
  readonly timeoutMs: number;
}

export interface SyntheticTransaction {
  readonly name: string;
  readonly steps: readonly SyntheticStep[];
}

export interface SyntheticStepInput {
  readonly name?: string | undefined;
  readonly method?: string | undefined;
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly body?: MetricValue | undefined;
  /** One status or several; default 200. */
  readonly expectStatus?: number | readonly number[] | undefined;
  readonly assertions?:
    | readonly { readonly path: string; readonly condition?: string | undefined }[]
    | undefined;
  readonly capture?: Readonly<Record<string, string>> | undefined;
  readonly timeoutMs?: number | undefined;
}

export const DEFAULT_SYNTHETIC_STEP_TIMEOUT_MS = 10_000;
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/** Checks and parses a scenario, or throws an InputError naming every problem with its step. */
export function syntheticTransaction(
  name: string,
  steps: readonly SyntheticStepInput[],
): SyntheticTransaction {
  const problems: string[] = [];
  if (steps.length === 0) problems.push(`transaction "${name}" has no steps`);
  const captured = new Set<string>();
  const parsed = steps.map((input, i): SyntheticStep => {
    const stepName = input.name ?? `step ${i + 1}`;
    const where = `step "${stepName}"`;
    const guard = <T>(label: string, parse: () => T): T | undefined => {
      try {
        return parse();
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        problems.push(`${where}: ${label}: ${error.message}`);
        return undefined;
      }
    };
    const method = (input.method ?? "GET").toUpperCase();
    if (!METHODS.includes(method)) problems.push(`${where}: unknown method ${JSON.stringify(input.method)}`);
    for (const used of usedCaptures([
      input.url,
      JSON.stringify(input.headers ?? {}),
      JSON.stringify(input.body ?? null),
    ])) {
      if (!captured.has(used))
        problems.push(`${where} uses {{captures.${used}}} before any earlier step captures it`);
    }
    const expectStatus = input.expectStatus === undefined ? [200] : [input.expectStatus].flat();
    if (expectStatus.some((s) => !(Number.isInteger(s) && s >= 100 && s <= 599)))
      problems.push(
        `${where}: expectStatus must hold HTTP statuses (100-599), got ${JSON.stringify(input.expectStatus)}`,
      );
    const timeoutMs = input.timeoutMs ?? DEFAULT_SYNTHETIC_STEP_TIMEOUT_MS;
    if (!(timeoutMs > 0 && Number.isFinite(timeoutMs)))
      problems.push(`${where}: timeout must be positive, got ${timeoutMs} ms`);
    const capture: Record<string, JsonPath> = {};
    for (const [key, path] of Object.entries(input.capture ?? {})) {
      const p = guard(`capture "${key}"`, () => parseJsonPath(path));
      if (p !== undefined) capture[key] = p;
      captured.add(key);
    }
    const assertions = (input.assertions ?? []).flatMap((a, k) => {
      const path = guard(`assertion ${k + 1}`, () => parseJsonPath(a.path));
      const condition =
        a.condition === undefined
          ? undefined
          : guard(`assertion ${k + 1}`, () => parseCondition(a.condition!));
      return path === undefined ? [] : [{ path, condition }];
    });
    return {
      name: stepName,
      method,
      url: input.url,
      headers: input.headers ?? {},
      body: input.body,
      expectStatus,
      assertions,
      capture,
      timeoutMs,
    };
  });
  if (problems.length > 0)
    throw new InputError("synthetic-transaction-invalid", `transaction "${name}": ${problems.join("; ")}`, {
      details: problems,
    });
  return { name, steps: parsed };
}

const CAPTURE = /\{\{\s*captures\.([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}/g;

function usedCaptures(texts: readonly string[]): readonly string[] {
  return [...new Set(texts.flatMap((t) => [...t.matchAll(CAPTURE)].map((m) => m[1]!)))];
}

/** Replaces `{{captures.name}}` in a text; `encode` escapes each value for its place (URL, header). */
export function fillCaptures(
  text: string,
  captures: Readonly<Record<string, MetricValue>>,
  encode: (value: string) => string = (v) => v,
): string {
  return text.replace(CAPTURE, (_, name: string) => {
    const value = captures[name] ?? null;
    return encode(typeof value === "string" ? value : JSON.stringify(value));
  });
}

/**
 * A JSON body with captures filled in: a string that is exactly one placeholder takes the captured
 * value with its type (a number stays a number); placeholders inside longer strings become text.
 */
export function fillBodyCaptures(
  body: MetricValue,
  captures: Readonly<Record<string, MetricValue>>,
): MetricValue {
  if (typeof body === "string") {
    const whole = /^\{\{\s*captures\.([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}$/.exec(body);
    return whole !== null ? (captures[whole[1]!] ?? null) : fillCaptures(body, captures);
  }
  if (Array.isArray(body)) return body.map((item: MetricValue) => fillBodyCaptures(item, captures));
  if (body !== null && typeof body === "object")
    return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, fillBodyCaptures(v, captures)]));
  return body;
}
