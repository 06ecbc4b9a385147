/**
 * The port metric providers implement (src/adapters/metrics/*): Prometheus, HTTP JSON, SQL and
 * commands. Declared here, types only, so the analysis core and the engine depend on the shape,
 * never on a client library (STYLE.md principle 2).
 */
import type { MetricValue } from "./metric-value.js";

export interface MeasurementContext {
  /** Template arguments such as `version` or `service`, filled into queries as `{{args.version}}`. */
  readonly args: Readonly<Record<string, string>>;
  /** Cancels the measurement (the analysis was terminated or the step timed out). */
  readonly signal?: AbortSignal | undefined;
}

/** A provider takes one measurement; a rejection is recorded as a measurement Error. */
export interface MetricProvider {
  /** The provider's name as documents spell it: prometheus, http, sql, command. */
  readonly kind: string;
  /** One measurement: the value conditions see as `result`. */
  measure(context: MeasurementContext): Promise<MetricValue>;
}

/** A time window of samples: from `start` to `end` (epoch milliseconds), one sample per `stepMs`. */
export interface SampleWindow {
  readonly start: number;
  readonly end: number;
  readonly stepMs: number;
}

/** A provider that can also return every sample of a window, for the statistical judge. */
export interface MetricSampleSource {
  readonly kind: string;
  /** The samples of the window, oldest first; null marks a missing or non-finite sample. */
  samples(window: SampleWindow, context: MeasurementContext): Promise<readonly (number | null)[]>;
}

/** Why a provider could not measure: what it asked, and what went wrong, for the measurement's message. */
export class MetricProviderError extends Error {
  constructor(
    readonly provider: string,
    message: string,
    options?: { readonly cause?: unknown },
  ) {
    super(`${provider}: ${message}`, options);
    this.name = "MetricProviderError";
  }
}
