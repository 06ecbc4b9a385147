/**
 * How analyses, metric providers and checks are written in documents (Release canary steps,
 * background analysis, `checks`, rollback triggers), with Argo Rollouts' field names and duration
 * strings ("30s", "5m"). The documents layer embeds these schemas; analysisMetricFromDocument
 * turns a validated metric into the analysis core's spec.
 */
import { z } from "zod";
import { duration } from "../documents/common-schemas.js";
import { durationSeconds } from "../documents/duration.js";
import { type AnalysisMetricSpec, analysisMetricSpec } from "./analysis-metric-spec.js";

const bound = z.strictObject({ min: z.number().optional(), max: z.number().optional() });
const headers = z.record(z.string(), z.string());

export const metricProviderSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("prometheus"),
    address: z.url(),
    query: z.string().min(1),
    timeout: duration.optional(),
  }),
  z.strictObject({
    kind: z.literal("http"),
    url: z.string().min(1),
    method: z.string().optional(),
    headers: headers.optional(),
    body: z.string().optional(),
    jsonPath: z.string().optional(),
    timeout: duration.optional(),
  }),
  z.strictObject({
    kind: z.literal("sql"),
    url: z.string().min(1),
    query: z.string().min(1),
    timeout: duration.optional(),
  }),
  z.strictObject({
    kind: z.literal("command"),
    command: z.string().min(1),
    args: z.array(z.string()).optional(),
    timeout: duration.optional(),
  }),
]);
export type MetricProviderDocument = z.infer<typeof metricProviderSchema>;

export const analysisMetricSchema = z.strictObject({
  name: z.string().min(1),
  provider: metricProviderSchema,
  interval: duration.optional(),
  count: z.int().min(0).optional(),
  initialDelay: duration.optional(),
  successCondition: z.string().optional(),
  failureCondition: z.string().optional(),
  failureLimit: z.int().min(0).optional(),
  inconclusiveLimit: z.int().min(0).optional(),
  consecutiveErrorLimit: z.int().min(0).optional(),
  dryRun: z.boolean().optional(),
});
export type AnalysisMetricDocument = z.infer<typeof analysisMetricSchema>;

const syntheticStep = z.strictObject({
  name: z.string().optional(),
  method: z.string().optional(),
  url: z.string().min(1),
  headers: headers.optional(),
  body: z.json().optional(),
  expectStatus: z.union([z.int(), z.array(z.int())]).optional(),
  assertions: z.array(z.strictObject({ path: z.string(), condition: z.string().optional() })).optional(),
  capture: z.record(z.string(), z.string()).optional(),
  timeout: duration.optional(),
});

export const checkSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("synthetic-http"),
    name: z.string().min(1),
    baseUrl: z.string().optional(),
    steps: z.array(syntheticStep).min(1),
  }),
  z.strictObject({
    kind: z.literal("rabbitmq-queue"),
    url: z.string(),
    queue: z.string().min(1),
    messages: bound.optional(),
    consumers: bound.optional(),
  }),
  z.strictObject({
    kind: z.literal("nats-consumer"),
    servers: z.string(),
    stream: z.string().min(1),
    consumer: z.string().min(1),
    pending: bound.optional(),
    ackPending: bound.optional(),
    redelivered: bound.optional(),
  }),
  z.strictObject({
    kind: z.literal("redis-length"),
    url: z.string(),
    key: z.string().min(1),
    length: bound.optional(),
    group: z.string().optional(),
    pending: bound.optional(),
  }),
  z.strictObject({
    kind: z.literal("sql-integrity"),
    name: z.string().min(1),
    url: z.string(),
    query: z.string().min(1),
  }),
  z.strictObject({
    kind: z.literal("metric"),
    name: z.string().min(1),
    provider: metricProviderSchema,
    successCondition: z.string().optional(),
    failureCondition: z.string().optional(),
  }),
]);
export type CheckDocument = z.infer<typeof checkSchema>;

/** Milliseconds of an optional duration string already validated by the schema. */
export function durationMs(text: string | undefined): number | undefined {
  return text === undefined ? undefined : durationSeconds(text) * 1000;
}

/** The analysis core's spec of a validated document metric; throws an InputError for a bad condition. */
export function analysisMetricFromDocument(metric: AnalysisMetricDocument): AnalysisMetricSpec {
  return analysisMetricSpec({
    name: metric.name,
    intervalMs: durationMs(metric.interval),
    count: metric.count,
    initialDelayMs: durationMs(metric.initialDelay),
    successCondition: metric.successCondition,
    failureCondition: metric.failureCondition,
    failureLimit: metric.failureLimit,
    inconclusiveLimit: metric.inconclusiveLimit,
    consecutiveErrorLimit: metric.consecutiveErrorLimit,
    dryRun: metric.dryRun,
  });
}
