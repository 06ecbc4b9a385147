/**
 * The `http` metric provider: any JSON endpoint, the value picked by a JSONPath (Argo Rollouts'
 * `web` provider). `{{args.name}}` in the URL is filled URL-encoded, in headers and body as is.
 */
import { type JsonPath, parseJsonPath, selectJsonPath } from "../../../core/analysis/json-path.js";
import {
  type MeasurementContext,
  type MetricProvider,
  MetricProviderError,
} from "../../../core/analysis/metric-provider-port.js";
import { renderMetricTemplate } from "../../../core/analysis/metric-template.js";
import { type MetricValue, toMetricValue } from "../../../core/analysis/metric-value.js";
import { DEFAULT_PROVIDER_TIMEOUT_MS, fetchWithTimeout, readJson } from "./fetch-with-timeout.js";

export interface HttpProviderOptions {
  readonly url: string;
  readonly method?: string | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly body?: string | undefined;
  /** Where the value is in the JSON answer; default `$` (the whole answer). */
  readonly jsonPath?: string | undefined;
  readonly timeoutMs?: number | undefined;
}

/** A provider measuring the value at `jsonPath` of the endpoint's JSON answer. */
export function httpProvider(options: HttpProviderOptions): MetricProvider {
  const path: JsonPath = parseJsonPath(options.jsonPath ?? "$");
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROVIDER_TIMEOUT_MS;
  return {
    kind: "http",
    async measure(context: MeasurementContext): Promise<MetricValue> {
      const url = renderMetricTemplate(options.url, context.args, encodeURIComponent);
      const headers = Object.fromEntries(
        Object.entries(options.headers ?? {}).map(([k, v]) => [k, renderMetricTemplate(v, context.args)]),
      );
      const body = options.body === undefined ? undefined : renderMetricTemplate(options.body, context.args);
      const response = await fetchWithTimeout(
        "http",
        url,
        { method: options.method ?? "GET", headers, ...(body === undefined ? {} : { body }) },
        timeoutMs,
        context.signal,
      );
      const json = await readJson("http", url, response);
      if (!response.ok)
        throw new MetricProviderError(
          "http",
          `${url} answered ${response.status}: ${JSON.stringify(json).slice(0, 200)}`,
        );
      const document = toMetricValue(json) ?? null;
      const value = selectJsonPath(path, document);
      if (value === undefined)
        throw new MetricProviderError("http", `${path.source} is not in the answer of ${url}`);
      return value;
    },
  };
}
