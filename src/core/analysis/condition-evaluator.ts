/**
 * Evaluates a parsed condition over a measurement's `result`. Types are strict as in expr-lang:
 * `<` compares two numbers or two strings, `&&` takes booleans, an index past the end of an array
 * is an error rather than a silent nil, so a broken condition shows up as a measurement Error
 * instead of quietly passing.
 */
import type { ConditionNode, ParsedCondition } from "./condition-ast.js";
import { ConditionEvaluationError } from "./condition-evaluation-error.js";
import { callConditionFunction } from "./condition-functions.js";
import { describeMetricValue, isMetricObject, type MetricValue } from "./metric-value.js";

export type ConditionOutcome =
  | { readonly kind: "value"; readonly value: boolean }
  | { readonly kind: "error"; readonly message: string };

/** Evaluates a condition to true or false, or to an error naming what went wrong and where. */
export function evaluateCondition(condition: ParsedCondition, result: MetricValue): ConditionOutcome {
  try {
    const value = evaluateNode(condition.root, result);
    if (typeof value !== "boolean") {
      return {
        kind: "error",
        message: `condition "${condition.source}" gave ${describeMetricValue(value)}, expected true or false`,
      };
    }
    return { kind: "value", value };
  } catch (error) {
    if (error instanceof ConditionEvaluationError)
      return { kind: "error", message: `condition "${condition.source}": ${error.message}` };
    throw error;
  }
}

/** The value of one node; throws ConditionEvaluationError when the types do not fit. */
export function evaluateNode(node: ConditionNode, result: MetricValue): MetricValue {
  switch (node.kind) {
    case "literal":
      return node.value;
    case "result":
      return result;
    case "array":
      return node.items.map((item) => evaluateNode(item, result));
    case "member":
      return member(evaluateNode(node.target, result), node.name, node.column);
    case "index":
      return index(evaluateNode(node.target, result), evaluateNode(node.index, result), node.column);
    case "call":
      return callConditionFunction(
        node.name,
        node.args.map((arg) => evaluateNode(arg, result)),
        node.column,
      );
    case "unary": {
      const operand = evaluateNode(node.operand, result);
      if (node.operator === "!") return !asBoolean(operand, "!", node.column);
      const n = asNumber(operand, node.operator, node.column);
      return node.operator === "-" ? -n : n;
    }
    case "logical": {
      const left = asBoolean(evaluateNode(node.left, result), node.operator, node.column);
      // Short-circuit, so `len(result) > 0 && result[0] > 1` never indexes an empty array.
      if (node.operator === "&&" ? !left : left) return left;
      return asBoolean(evaluateNode(node.right, result), node.operator, node.column);
    }
    case "binary":
      return binary(
        node.operator,
        evaluateNode(node.left, result),
        evaluateNode(node.right, result),
        node.column,
      );
    default:
      return assertNever(node);
  }
}

function binary(operator: string, left: MetricValue, right: MetricValue, column: number): MetricValue {
  switch (operator) {
    case "==":
      return equal(left, right);
    case "!=":
      return !equal(left, right);
    case "<":
    case "<=":
    case ">":
    case ">=": {
      if (
        !(
          (typeof left === "number" && typeof right === "number") ||
          (typeof left === "string" && typeof right === "string")
        )
      )
        throw mismatch(operator, left, right, column);
      if (operator === "<") return left < right;
      if (operator === "<=") return left <= right;
      if (operator === ">") return left > right;
      return left >= right;
    }
    case "+":
      if (typeof left === "string" && typeof right === "string") return left + right;
      return arithmetic(operator, left, right, column);
    case "-":
    case "*":
    case "/":
    case "%":
      return arithmetic(operator, left, right, column);
    case "in":
      if (Array.isArray(right)) return right.some((item: MetricValue) => equal(item, left));
      if (typeof right === "string" && typeof left === "string") return right.includes(left);
      if (right !== null && isMetricObject(right) && typeof left === "string")
        return Object.hasOwn(right, left);
      throw mismatch(operator, left, right, column);
    default:
      throw new ConditionEvaluationError(`unknown operator ${operator}`, column);
  }
}

function member(target: MetricValue, name: string, column: number): MetricValue {
  if (target !== null && isMetricObject(target))
    return Object.hasOwn(target, name) ? (target[name] ?? null) : null;
  throw new ConditionEvaluationError(`cannot read field "${name}" of ${describeMetricValue(target)}`, column);
}

function index(target: MetricValue, key: MetricValue, column: number): MetricValue {
  if (Array.isArray(target)) {
    if (typeof key !== "number" || !Number.isInteger(key))
      throw new ConditionEvaluationError(
        `an array index must be a whole number, got ${describeMetricValue(key)}`,
        column,
      );
    // Negative indexes count from the end, as in expr-lang.
    const at = key < 0 ? target.length + key : key;
    if (at < 0 || at >= target.length)
      throw new ConditionEvaluationError(
        `index ${key} is out of range for an array of ${target.length}`,
        column,
      );
    return target[at] as MetricValue;
  }
  if (target !== null && isMetricObject(target) && typeof key === "string")
    return member(target, key, column);
  throw new ConditionEvaluationError(
    `cannot index ${describeMetricValue(target)} with ${describeMetricValue(key)}`,
    column,
  );
}

function equal(a: MetricValue, b: MetricValue): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((x, i) => equal(x, b[i] as MetricValue))
    );
  }
  if (a !== null && b !== null && isMetricObject(a) && isMetricObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((k) => Object.hasOwn(b, k) && equal(a[k] ?? null, b[k] ?? null))
    );
  }
  return a === b;
}

function asBoolean(value: MetricValue, operator: string, column: number): boolean {
  if (typeof value === "boolean") return value;
  throw new ConditionEvaluationError(
    `"${operator}" needs true or false, got ${describeMetricValue(value)}`,
    column,
  );
}

function asNumber(value: MetricValue, operator: string, column: number): number {
  if (typeof value === "number") return value;
  throw new ConditionEvaluationError(
    `"${operator}" needs a number, got ${describeMetricValue(value)}`,
    column,
  );
}

function arithmetic(operator: string, left: MetricValue, right: MetricValue, column: number): number {
  if (typeof left !== "number" || typeof right !== "number") throw mismatch(operator, left, right, column);
  if (operator === "+") return left + right;
  if (operator === "-") return left - right;
  if (operator === "*") return left * right;
  if (operator === "/") return left / right;
  return left % right;
}

function mismatch(
  operator: string,
  left: MetricValue,
  right: MetricValue,
  column: number,
): ConditionEvaluationError {
  return new ConditionEvaluationError(
    `cannot apply "${operator}" to ${describeMetricValue(left)} and ${describeMetricValue(right)}`,
    column,
  );
}

function assertNever(value: never): never {
  throw new Error(`unexpected condition node ${JSON.stringify(value)}`);
}
