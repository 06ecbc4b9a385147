/**
 * The `prometheus` metric provider over Prometheus' HTTP API (https://prometheus.io/docs/
 * prometheus/latest/querying/api/): instant queries for analysis measurements and range queries
 * for the judge's samples. Queries are templates: `{{args.version}}` is filled in, escaped as a
 * PromQL string, so one metric serves both the baseline and the canary version.
 *
 * `result` follows Argo Rollouts' prometheus provider: an instant vector is an array of the
 * series' values (`result[0]`), a scalar a number. Prometheus writes "NaN" and "+Inf" as strings;
 * they become numbers, so `isNaN(result[0])` works.
 */
import {
  type MeasurementContext,
  type MetricProvider,
  MetricProviderError,
  type MetricSampleSource,
  type SampleWindow,
} from "../../../core/analysis/metric-provider-port.js";
import { escapePromqlString, renderMetricTemplate } from "../../../core/analysis/metric-template.js";
import { DEFAULT_PROVIDER_TIMEOUT_MS, fetchWithTimeout, readJson } from "../http/fetch-with-timeout.js";

export interface PrometheusProviderOptions {
  /** Prometheus' base URL, e.g. http://127.0.0.1:9090 */
  readonly address: string;
  readonly query: string;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly timeoutMs?: number | undefined;
}

type SamplePair = readonly [number, string];
interface PrometheusAnswer {
  readonly status: "success" | "error";
  readonly errorType?: string;
  readonly error?: string;
  readonly data?: {
    readonly resultType: "vector" | "matrix" | "scalar" | "string";
    readonly result: unknown;
  };
}

/** A Prometheus provider for one query template; measures instant values and range samples. */
export function prometheusProvider(options: PrometheusProviderOptions): MetricProvider & MetricSampleSource {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROVIDER_TIMEOUT_MS;
  const call = async (endpoint: string, params: Record<string, string>, context: MeasurementContext) => {
    const query = renderMetricTemplate(options.query, context.args, escapePromqlString);
    const url = `${options.address.replace(/\/$/, "")}/api/v1/${endpoint}`;
    const response = await fetchWithTimeout(
      "prometheus",
      url,
      {
        method: "POST",
        headers: { ...options.headers, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ query, ...params }).toString(),
      },
      timeoutMs,
      context.signal,
    );
    const answer = (await readJson("prometheus", url, response)) as PrometheusAnswer;
    if (answer.status !== "success" || answer.data === undefined) {
      throw new MetricProviderError(
        "prometheus",
        `query ${JSON.stringify(query)} failed (${response.status}${answer.errorType ? ` ${answer.errorType}` : ""}): ${answer.error ?? "no data"}`,
      );
    }
    return answer.data;
  };
  return {
    kind: "prometheus",
    async measure(context) {
      const data = await call("query", {}, context);
      switch (data.resultType) {
        case "vector":
          return (data.result as readonly { readonly value: SamplePair }[]).map((s) =>
            sampleNumber(s.value[1]),
          );
        case "scalar":
          return sampleNumber((data.result as SamplePair)[1]);
        case "string":
          return (data.result as SamplePair)[1];
        case "matrix":
          return (data.result as readonly { readonly values: readonly SamplePair[] }[]).map((s) =>
            s.values.map((v) => sampleNumber(v[1])),
          );
        default:
          throw new MetricProviderError("prometheus", `unknown result type ${String(data.resultType)}`);
      }
    },
    async samples(window: SampleWindow, context) {
      const data = await call(
        "query_range",
        {
          start: String(window.start / 1000),
          end: String(window.end / 1000),
          step: String(window.stepMs / 1000),
        },
        context,
      );
      if (data.resultType !== "matrix")
        throw new MetricProviderError(
          "prometheus",
          `a range query gave a ${data.resultType}, expected a matrix`,
        );
      // Every series' samples, concatenated: a query for the judge should aggregate to one series.
      return (data.result as readonly { readonly values: readonly SamplePair[] }[]).flatMap((s) =>
        s.values.map((v) => {
          const n = sampleNumber(v[1]);
          return Number.isFinite(n) ? n : null;
        }),
      );
    },
  };
}

function sampleNumber(text: string): number {
  // Prometheus spells special values NaN, +Inf and -Inf; Number() reads "Infinity" only.
  if (text === "+Inf") return Number.POSITIVE_INFINITY;
  if (text === "-Inf") return Number.NEGATIVE_INFINITY;
  return Number(text);
}
