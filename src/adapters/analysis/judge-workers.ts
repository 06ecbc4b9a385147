/**
 * The canary judge over the machine's cores: metrics are independent, so a judgement's metrics
 * are split into lanes of about equal sample counts (balanceLanes), one lane classified on the
 * caller's thread and the others in worker threads at the same time, and the verdicts scored in
 * the config's order exactly as judgeCanary scores them. Judging 20 metrics of 2 x 100,000 samples
 * takes about 200 ms on one core of the benchmark machine (bench:judge); on two, a little over half.
 *
 * A judgement with few samples runs on the caller's thread alone: copying samples to a worker and
 * back costs more than it saves. A worker that fails (crashes, or cannot start) costs no verdict:
 * its lane is classified on the caller's thread, and the next judgement starts a new worker.
 * Idle workers do not keep the process alive.
 */
import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import {
  assertValidJudgeConfig,
  balanceLanes,
  type CanaryJudgeConfig,
  type CanaryJudgement,
  judgeCanary,
  judgementOf,
  type MetricSamples,
  samplesOf,
} from "../../core/analysis/canary-judge.js";
import { classifyMetric } from "../../core/analysis/classify-metric.js";
import type { MetricVerdict } from "../../core/analysis/metric-verdict.js";
import { ownModuleWorker } from "../../runtime/own-module.js";
import type { JudgeTask, JudgeTaskResult } from "./judge-task.js";

export interface JudgeWorkersOptions {
  /** Worker threads beside the caller's own (default: one per core but one; 0 judges inline). */
  readonly workers?: number;
  /** A judgement with fewer samples than this in all runs on the caller's thread alone. */
  readonly inlineBelow?: number;
  /** Starts a worker thread running judge-worker (tests give one that fails). */
  readonly startWorker?: () => Worker;
}

/**
 * Below this many samples (both sides, all metrics) a judgement stays on the caller's thread:
 * about 5 ms of work, while sending samples to a worker and its answer back takes about 1 ms.
 */
const INLINE_BELOW = 100_000;

type Reply = (result: JudgeTaskResult | undefined) => void;

/** A worker thread and the replies it owes. */
interface Lane {
  readonly worker: Worker;
  readonly waiting: Map<number, Reply>;
}

export class JudgeWorkers {
  readonly #size: number;
  readonly #inlineBelow: number;
  readonly #lanes: (Lane | undefined)[];
  readonly #startWorker: () => Worker;
  #nextId = 0;
  #closed = false;
  #classifiedInWorkers = 0;

  constructor(options: JudgeWorkersOptions = {}) {
    this.#size = Math.max(0, options.workers ?? availableParallelism() - 1);
    this.#inlineBelow = options.inlineBelow ?? INLINE_BELOW;
    this.#startWorker = options.startWorker ?? (() => ownModuleWorker(import.meta.url, "./judge-worker"));
    this.#lanes = new Array<Lane | undefined>(this.#size).fill(undefined);
  }

  /** The same judgement as judgeCanary(config, baseline, canary), its metrics classified in parallel. */
  async judge(
    config: CanaryJudgeConfig,
    baseline: MetricSamples,
    canary: MetricSamples,
  ): Promise<CanaryJudgement> {
    assertValidJudgeConfig(config);
    const metrics = config.metrics;
    const sides = metrics.map((m) => [samplesOf(baseline, m.name), samplesOf(canary, m.name)] as const);
    const sizes = sides.map(([b, c]) => b.length + c.length);
    const total = sizes.reduce((a, b) => a + b, 0);
    if (this.#closed || this.#size === 0 || metrics.length < 2 || total < this.#inlineBelow)
      return judgeCanary(config, baseline, canary);

    const laneOf = balanceLanes(sizes, this.#size + 1);
    const verdicts = new Array<MetricVerdict | undefined>(metrics.length).fill(undefined);
    const classifyHere = (i: number) => {
      const [b, c] = sides[i]!;
      verdicts[i] = classifyMetric(metrics[i]!, b, c);
    };
    // Workers first, so that they work while this thread classifies its own lane.
    const pending: Promise<void>[] = [];
    for (let lane = 1; lane <= this.#size; lane++) {
      const items = laneOf.flatMap((l, i) => (l === lane ? [i] : []));
      if (items.length === 0) continue;
      const task: JudgeTask = {
        id: this.#nextId++,
        metrics: items.map((i) => ({
          config: metrics[i]!,
          baseline: float64(sides[i]![0]),
          canary: float64(sides[i]![1]),
        })),
      };
      pending.push(
        this.#run(lane - 1, task).then((result) => {
          if (result !== undefined && "verdicts" in result && result.verdicts.length === items.length) {
            items.forEach((i, k) => {
              verdicts[i] = result.verdicts[k];
            });
            this.#classifiedInWorkers += items.length;
          } else items.forEach(classifyHere);
        }),
      );
    }
    try {
      laneOf.forEach((lane, i) => {
        if (lane === 0) classifyHere(i);
      });
    } finally {
      // Settle the workers' lanes even when this one threw, so no rejection goes unhandled.
      await Promise.allSettled(pending);
    }
    await Promise.all(pending);
    return judgementOf(config, verdicts as MetricVerdict[]);
  }

  /** Metrics a worker thread classified, since this pool was made. */
  get classifiedInWorkers(): number {
    return this.#classifiedInWorkers;
  }

  /** Stops the workers; later judgements run on the caller's thread. */
  async close(): Promise<void> {
    this.#closed = true;
    const lanes = this.#lanes.splice(0);
    await Promise.all(lanes.map((lane) => lane?.worker.terminate()));
  }

  /** Posts a task to a lane's worker (started if need be); undefined when the worker failed. */
  #run(index: number, task: JudgeTask): Promise<JudgeTaskResult | undefined> {
    const lane = this.#lanes[index] ?? this.#start(index);
    if (lane === undefined) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      lane.waiting.set(task.id, resolve);
      lane.worker.ref();
      lane.worker.postMessage(task);
    });
  }

  #start(index: number): Lane | undefined {
    let worker: Worker;
    try {
      worker = this.#startWorker();
    } catch {
      return undefined;
    }
    const lane: Lane = { worker, waiting: new Map() };
    worker.unref();
    const fail = () => {
      if (this.#lanes[index] === lane) this.#lanes[index] = undefined;
      for (const reply of lane.waiting.values()) reply(undefined);
      lane.waiting.clear();
      worker.terminate().catch(() => {});
    };
    worker.on("message", (result: JudgeTaskResult) => {
      lane.waiting.get(result.id)?.(result);
      lane.waiting.delete(result.id);
      if (lane.waiting.size === 0) worker.unref();
    });
    worker.once("error", fail);
    worker.once("exit", fail);
    this.#lanes[index] = lane;
    return lane;
  }
}

/**
 * Samples as a Float64Array a worker can be sent: a missing value (null) becomes NaN, which the
 * judge treats the same. A view into a larger buffer is copied, since posting a view sends its
 * whole buffer.
 */
function float64(values: ArrayLike<number | null>): Float64Array {
  if (values instanceof Float64Array)
    return values.byteOffset === 0 && values.byteLength === values.buffer.byteLength
      ? values
      : values.slice();
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i] ?? Number.NaN;
  return out;
}
