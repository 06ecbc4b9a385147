/**
 * What a Release (and a Policy) says about verifying a rollout: the `checks` a verify step or a
 * canary's `runChecks` runs, the `analysis` a canary's `runAnalysis` measures (Argo metrics, one of
 * which may be the statistical judge), and the `rollbackTriggers` that turn a verdict into a
 * rollback. The documents layer embeds these schemas; the plan snapshots them into step inputs.
 */
import { z } from "zod";
import { duration } from "../documents/common-schemas.js";
import { analysisMetricSchema, checkSchema, metricProviderSchema } from "./analysis-document-schema.js";

const services = z
  .array(z.string().min(1))
  .optional()
  .meta({ description: "services the entry applies to; all of the release's when absent" });

/** A series the builtin router keeps per version (success, errors, latency). */
export const builtinSeries = z.enum(["error-rate", "latency-mean", "latency-p95", "latency-p99", "requests"]);
export type BuiltinSeries = z.infer<typeof builtinSeries>;

/** Where the judge's samples of one metric come from, per version. */
export const judgedSampleSource = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("builtin"), series: builtinSeries }),
  z.strictObject({
    kind: z.literal("prometheus"),
    address: z.url(),
    query: z.string().min(1).meta({ description: "range query; {{args.version}} names the side" }),
    step: duration.optional(),
  }),
]);
export type JudgedSampleSource = z.infer<typeof judgedSampleSource>;

/** One metric of the statistical judge (docs/analysis.md §1), with Kayenta's defaults. */
export const judgedMetricSchema = z.strictObject({
  name: z.string().min(1),
  source: judgedSampleSource,
  group: z.string().min(1).optional(),
  direction: z.enum(["increase", "decrease", "either"]).optional(),
  tolerance: z.number().min(0).optional(),
  confidence: z.number().gt(0).lt(1).optional(),
  critical: z.boolean().optional(),
  mustHaveData: z.boolean().optional(),
  nanStrategy: z.enum(["remove", "replace"]).optional(),
  outlierFactor: z.number().gt(0).optional(),
  effectSize: z
    .strictObject({
      allowedIncrease: z.number().gt(0).optional(),
      allowedDecrease: z.number().gt(0).optional(),
    })
    .optional()
    .meta({
      description:
        "Kayenta's effect size on mean(canary)/mean(baseline): High also needs the ratio >= allowedIncrease, Low <= allowedDecrease",
    }),
});
export type JudgedMetricDocument = z.infer<typeof judgedMetricSchema>;

/** The judge as an Argo metric's provider: each measurement judges the samples gathered so far. */
export const judgeProviderSchema = z.strictObject({
  kind: z.literal("judge"),
  metrics: z.array(judgedMetricSchema).min(1),
  pass: z.number().min(0).max(100).optional(),
  marginal: z.number().min(0).max(100).optional(),
  groupWeights: z.record(z.string(), z.number().min(0)).optional(),
  /** How often a sample is taken from the builtin router between measurements (default 1s). */
  sampleEvery: duration.optional(),
});
export type JudgeProviderDocument = z.infer<typeof judgeProviderSchema>;

/** A threshold on one builtin router series of the canary (or baseline) over the last interval. */
export const builtinProviderSchema = z.strictObject({
  kind: z.literal("builtin"),
  series: builtinSeries,
  side: z.enum(["canary", "baseline"]).optional(),
});

/** An analysis metric whose provider may also be the builtin router or the judge. */
export const rolloutAnalysisMetricSchema = analysisMetricSchema.extend({
  provider: z.union([metricProviderSchema, builtinProviderSchema, judgeProviderSchema]),
});
export type RolloutAnalysisMetricDocument = z.infer<typeof rolloutAnalysisMetricSchema>;

export const releaseAnalysisSchema = z.strictObject({
  services,
  metrics: z.array(rolloutAnalysisMetricSchema).min(1),
});
export type ReleaseAnalysisDocument = z.infer<typeof releaseAnalysisSchema>;

const bound = z.strictObject({ min: z.number().optional(), max: z.number().optional() });

/** Extra kinds of check that need the engine (instances, people, history), beside checkSchema's. */
export const infrastructureCheckSchema = z.strictObject({
  kind: z.literal("infrastructure"),
  name: z.string().min(1),
  /** How long the instances are sampled, and how often. */
  window: duration.optional(),
  interval: duration.optional(),
  cpuPercent: bound.optional(),
  memoryBytes: bound.optional(),
  openFiles: bound.optional(),
  restarts: bound.optional(),
  leak: z
    .strictObject({
      maxBytesPerSecond: z.number().min(0),
      minPoints: z.int().min(3).optional(),
    })
    .optional(),
  /** For drivers without local pids: PromQL per quantity, {{args.service}} and {{args.version}} filled in. */
  prometheus: z
    .strictObject({
      address: z.url(),
      cpuPercent: z.string().optional(),
      memoryBytes: z.string().optional(),
      openFiles: z.string().optional(),
      restarts: z.string().optional(),
    })
    .optional(),
});
export type InfrastructureCheckDocument = z.infer<typeof infrastructureCheckSchema>;

export const manualChecklistSchema = z.strictObject({
  kind: z.literal("manual-checklist"),
  name: z.string().min(1),
  items: z.array(z.string().min(1)).min(1),
});
export type ManualChecklistDocument = z.infer<typeof manualChecklistSchema>;

export const beforeAfterCheckSchema = z.strictObject({
  kind: z.literal("before-after"),
  name: z.string().min(1),
  /** Length of each window: `window` after the deploy is compared with as long before it. */
  window: duration,
  metrics: z.array(judgedMetricSchema).min(1),
  pass: z.number().min(0).max(100).optional(),
  marginal: z.number().min(0).max(100).optional(),
});
export type BeforeAfterCheckDocument = z.infer<typeof beforeAfterCheckSchema>;

/** A check as a Release lists it: a kind of checkSchema or an engine check, scoped to services. */
export const releaseCheckSchema = z
  .strictObject({
    name: z.string().min(1),
    services,
    /** Run the check `count` times, `interval` apart (health probes); once by default. */
    interval: duration.optional(),
    count: z.int().min(1).optional(),
    /** The check fails when more than this many of its runs failed (default 0). */
    failureLimit: z.int().min(0).optional(),
    check: z.union([checkSchema, infrastructureCheckSchema, manualChecklistSchema, beforeAfterCheckSchema]),
  })
  .meta({ description: "a named check run by verify steps and canary runChecks" });
export type ReleaseCheckDocument = z.infer<typeof releaseCheckSchema>;

/** What fires a rollback trigger. */
export const rollbackTriggerSchema = z
  .strictObject({
    name: z.string().min(1),
    /** rollback (default) starts the run's rollback at once; pause waits for promote or abort. */
    action: z.enum(["rollback", "pause"]).optional(),
    /** A named check (health probe, KPI, data integrity) failing `failures` times in a row. */
    check: z.string().min(1).optional(),
    failures: z.int().min(1).optional(),
    /** A condition over the check's evidence that fires instead of the check's own verdict, e.g. "result.kpi < 0.95". */
    when: z.string().min(1).optional(),
    /** An analysis ending in one of these phases. */
    analysis: z
      .array(z.enum(["Failed", "Error", "Inconclusive"]))
      .min(1)
      .optional(),
    /** Error budget burn rate: error ratio / (1 - objective) above `threshold` (e.g. 14.4 for 2% of a 30-day budget in 1 h). */
    burnRate: z
      .strictObject({
        errorRatio: z.union([metricProviderSchema, builtinProviderSchema]),
        objective: z.number().gt(0).lt(1),
        threshold: z.number().gt(0),
      })
      .optional(),
  })
  .superRefine((trigger, ctx) => {
    const sources = (["check", "analysis", "burnRate"] as const).filter((k) => trigger[k] !== undefined);
    if (sources.length !== 1)
      ctx.addIssue({
        code: "custom",
        message: `a rollback trigger needs exactly one of check, analysis or burnRate; "${trigger.name}" has ${sources.length === 0 ? "none" : sources.join(" and ")}`,
      });
    if (trigger.check === undefined && (trigger.when !== undefined || trigger.failures !== undefined))
      ctx.addIssue({
        code: "custom",
        message: `rollback trigger "${trigger.name}": when and failures need a check`,
      });
  });
export type RollbackTriggerDocument = z.infer<typeof rollbackTriggerSchema>;

/**
 * Problems with the names inside a Release's verification: checks named twice, and triggers
 * naming a check the Release does not have (such a trigger could never fire).
 */
export function verificationNameProblems(spec: {
  readonly checks?: readonly { readonly name: string }[] | undefined;
  readonly rollbackTriggers?:
    | readonly { readonly name: string; readonly check?: string | undefined }[]
    | undefined;
}): { readonly path: (string | number)[]; readonly message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  const names = (spec.checks ?? []).map((c) => c.name);
  names.forEach((name, i) => {
    if (names.indexOf(name) !== i)
      problems.push({
        path: ["checks", i, "name"],
        message: `check "${name}" is defined twice; names must be unique`,
      });
  });
  (spec.rollbackTriggers ?? []).forEach((t, i) => {
    if (t.check !== undefined && !names.includes(t.check))
      problems.push({
        path: ["rollbackTriggers", i, "check"],
        message: `trigger "${t.name}" names check "${t.check}", which this Release does not define (its checks: ${names.join(", ") || "none"})`,
      });
  });
  return problems;
}
