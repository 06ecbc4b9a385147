/**
 * The check a document names, one adapter per kind: the one place the engine turns a Release's
 * `checks` entry or a rollback trigger into something that runs.
 */

import { type CheckDocument, durationMs } from "../../core/analysis/analysis-document-schema.js";
import { analysisMetricSpec } from "../../core/analysis/analysis-metric-spec.js";
import type { Check } from "../../core/analysis/check-outcome.js";
import type { MetricValue } from "../../core/analysis/metric-value.js";
import { syntheticTransaction } from "../../core/analysis/synthetic-transaction.js";
import { createMetricProvider } from "../metrics/create-metric-provider.js";
import { metricCheck } from "./metric-check.js";
import { natsConsumerCheck } from "./nats-consumer-check.js";
import { rabbitmqQueueCheck } from "./rabbitmq-queue-check.js";
import { redisLengthCheck } from "./redis-length-check.js";
import { sqlIntegrityCheck } from "./sql-integrity-check.js";
import { stoppable } from "./stoppable-check.js";
import { syntheticHttpCheck } from "./synthetic-http-check.js";

/**
 * The adapter for a validated check document, answering at once when its step is stopped; throws
 * an InputError for a bad condition or path.
 */
export function createCheck(document: CheckDocument): Check {
  return stoppable(adapterFor(document));
}

function adapterFor(document: CheckDocument): Check {
  switch (document.kind) {
    case "synthetic-http": {
      const steps = document.steps.map(({ timeout, body, ...step }) => ({
        ...step,
        body: body as MetricValue | undefined,
        timeoutMs: durationMs(timeout),
      }));
      return syntheticHttpCheck(syntheticTransaction(document.name, steps), { baseUrl: document.baseUrl });
    }
    case "rabbitmq-queue":
      return rabbitmqQueueCheck(document);
    case "nats-consumer":
      return natsConsumerCheck(document);
    case "redis-length":
      return redisLengthCheck(document);
    case "sql-integrity":
      return sqlIntegrityCheck(document);
    case "metric":
      return metricCheck({
        name: document.name,
        provider: createMetricProvider(document.provider),
        metric: analysisMetricSpec({
          name: document.name,
          successCondition: document.successCondition,
          failureCondition: document.failureCondition,
        }),
      });
    default:
      return assertNever(document);
  }
}

function assertNever(value: never): never {
  throw new Error(`unknown check ${JSON.stringify(value)}`);
}
