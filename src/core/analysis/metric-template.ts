/**
 * Fills `{{args.name}}` placeholders into a provider's query (Argo Rollouts' argument syntax),
 * so one AnalysisTemplate-like metric serves every version: `rate(http_requests_total{version=
 * "{{args.version}}"}[1m])`. Each target escapes values its own way, so an argument can never
 * change the query's structure; SQL takes arguments as bound parameters instead.
 */
import { InputError } from "../errors/domain-error.js";

const PLACEHOLDER = /\{\{\s*args\.([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}/g;

/** Names of the arguments a template uses, in order of first use. */
export function templateArgumentNames(template: string): readonly string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/** The template with every placeholder replaced by `escapeValue(value)`; throws when an argument is missing. */
export function renderMetricTemplate(
  template: string,
  args: Readonly<Record<string, string>>,
  escapeValue: (value: string) => string = (v) => v,
): string {
  const missing = templateArgumentNames(template).filter((name) => !Object.hasOwn(args, name));
  if (missing.length > 0) {
    throw new InputError(
      "metric-argument-missing",
      `the query uses ${missing.map((n) => `{{args.${n}}}`).join(", ")} but no value was given for ${missing.join(", ")}`,
    );
  }
  return template.replace(PLACEHOLDER, (_, name: string) => escapeValue(args[name]!));
}

/** Escapes a PromQL label value for a double-quoted string (Prometheus "String literals"). */
export function escapePromqlString(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}
