/**
 * The metric provider a document names, one adapter per kind: the one place the engine and the
 * CLI turn `provider: { kind: prometheus, ... }` into something that measures.
 */
import { durationMs, type MetricProviderDocument } from "../../core/analysis/analysis-document-schema.js";
import type { MetricProvider } from "../../core/analysis/metric-provider-port.js";
import { commandProvider } from "./command/command-provider.js";
import { httpProvider } from "./http/http-provider.js";
import { prometheusProvider } from "./prometheus/prometheus-provider.js";
import { sqlProvider } from "./sql/sql-provider.js";

/** The adapter for a validated provider document. */
export function createMetricProvider(document: MetricProviderDocument): MetricProvider {
  const timeoutMs = durationMs(document.timeout);
  switch (document.kind) {
    case "prometheus":
      return prometheusProvider({ address: document.address, query: document.query, timeoutMs });
    case "http":
      return httpProvider({ ...document, timeoutMs });
    case "sql":
      return sqlProvider({ url: document.url, query: document.query, timeoutMs });
    case "command":
      return commandProvider({ command: document.command, args: document.args, timeoutMs });
    default:
      return assertNever(document);
  }
}

function assertNever(value: never): never {
  throw new Error(`unknown metric provider ${JSON.stringify(value)}`);
}
