/**
 * The functions a condition may call. Names follow expr-lang and Argo Rollouts' additions
 * (`isNaN`, `isInf`, `asInt`, `asFloat` from argo-rollouts `utils/evaluate/evaluate.go`), so
 * conditions written for Argo work unchanged.
 */
import { ConditionEvaluationError } from "./condition-evaluation-error.js";
import { describeMetricValue, isMetricObject, type MetricValue } from "./metric-value.js";

type ConditionFunction = (args: readonly MetricValue[], column: number) => MetricValue;

const numbersOf = (name: string, args: readonly MetricValue[], column: number): readonly number[] => {
  const list = args.length === 1 && Array.isArray(args[0]) ? (args[0] as readonly MetricValue[]) : args;
  return list.map((v) => {
    if (typeof v !== "number")
      throw new ConditionEvaluationError(`${name}() takes numbers, got ${describeMetricValue(v)}`, column);
    return v;
  });
};

const oneNumber = (name: string, args: readonly MetricValue[], column: number): number => {
  const v = args.length === 1 ? args[0] : undefined;
  // Argo's isNaN(result) is written for a scalar; a one-element vector is what Prometheus returns.
  const value = Array.isArray(v) && v.length === 1 ? (v[0] as MetricValue) : v;
  if (typeof value !== "number")
    throw new ConditionEvaluationError(
      `${name}() takes one number, got ${args.length === 1 ? describeMetricValue(value) : `${args.length} arguments`}`,
      column,
    );
  return value;
};

const nonEmpty = (name: string, values: readonly number[], column: number): readonly number[] => {
  if (values.length === 0) throw new ConditionEvaluationError(`${name}() of no numbers`, column);
  return values;
};

const FUNCTIONS: Readonly<Record<string, ConditionFunction>> = {
  len: (args, column) => {
    const v = args.length === 1 ? args[0] : undefined;
    if (typeof v === "string" || Array.isArray(v)) return v.length;
    if (v !== undefined && v !== null && isMetricObject(v)) return Object.keys(v).length;
    throw new ConditionEvaluationError(
      `len() takes an array, a string or an object, got ${describeMetricValue(v)}`,
      column,
    );
  },
  isNaN: (args, column) => Number.isNaN(oneNumber("isNaN", args, column)),
  isInf: (args, column) => {
    const v = oneNumber("isInf", args, column);
    return v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY;
  },
  abs: (args, column) => Math.abs(oneNumber("abs", args, column)),
  asInt: (args, column) => Math.trunc(asNumber("asInt", args, column)),
  asFloat: (args, column) => asNumber("asFloat", args, column),
  min: (args, column) => Math.min(...nonEmpty("min", numbersOf("min", args, column), column)),
  max: (args, column) => Math.max(...nonEmpty("max", numbersOf("max", args, column), column)),
  sum: (args, column) => numbersOf("sum", args, column).reduce((a, b) => a + b, 0),
  avg: (args, column) => {
    const values = nonEmpty("avg", numbersOf("avg", args, column), column);
    return values.reduce((a, b) => a + b, 0) / values.length;
  },
};

function asNumber(name: string, args: readonly MetricValue[], column: number): number {
  const v = args.length === 1 ? args[0] : undefined;
  if (typeof v === "number") return v;
  if (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))) return Number(v);
  throw new ConditionEvaluationError(`${name}() cannot turn ${describeMetricValue(v)} into a number`, column);
}

export const CONDITION_FUNCTION_NAMES: readonly string[] = Object.keys(FUNCTIONS);

/** Calls a condition function by name; the parser has already refused unknown names. */
export function callConditionFunction(
  name: string,
  args: readonly MetricValue[],
  column: number,
): MetricValue {
  const fn = FUNCTIONS[name];
  if (fn === undefined) throw new ConditionEvaluationError(`unknown function "${name}"`, column);
  return fn(args, column);
}
