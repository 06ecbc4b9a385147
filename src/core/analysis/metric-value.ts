/**
 * What a metric provider measured, as conditions see it under the name `result`: a JSON value
 * (Argo Rollouts' providers hand `result` to their expressions the same way), where numbers may
 * also be NaN or infinite because Prometheus reports them.
 */
export type MetricValue =
  | number
  | string
  | boolean
  | null
  | readonly MetricValue[]
  | { readonly [key: string]: MetricValue };

/** A short description of a value for messages: its type and, when small, its text. */
export function describeMetricValue(value: MetricValue | undefined): string {
  if (value === undefined || value === null) return "nil";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "object") return "an object";
  if (typeof value === "string")
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  return `${typeof value === "boolean" ? "the boolean" : "the number"} ${String(value)}`;
}

/** Whether a value is a plain object (not an array, not null). */
export function isMetricObject(value: MetricValue): value is { readonly [key: string]: MetricValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Turns parsed JSON (or any unknown value) into a MetricValue, or undefined when it holds something else. */
export function toMetricValue(input: unknown): MetricValue | undefined {
  if (input === null || typeof input === "number" || typeof input === "string" || typeof input === "boolean")
    return input;
  if (Array.isArray(input)) {
    const out: MetricValue[] = [];
    for (const item of input) {
      const v = toMetricValue(item);
      if (v === undefined) return undefined;
      out.push(v);
    }
    return out;
  }
  if (typeof input === "object") {
    const out: Record<string, MetricValue> = {};
    for (const [k, item] of Object.entries(input)) {
      const v = toMetricValue(item);
      if (v === undefined) return undefined;
      out[k] = v;
    }
    return out;
  }
  return undefined;
}
