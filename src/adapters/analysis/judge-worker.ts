/**
 * A judge worker thread (started by judge-workers.ts): classifies the metrics each message hands
 * it and answers with their verdicts, in the order given. It keeps nothing between messages but
 * classifyMetric's scratch arrays, which a thread of its own lets it reuse.
 */
import { parentPort } from "node:worker_threads";
import { classifyMetric } from "../../core/analysis/classify-metric.js";
import type { JudgeTask, JudgeTaskResult } from "./judge-task.js";

parentPort?.on("message", (task: JudgeTask) => {
  let result: JudgeTaskResult;
  try {
    result = {
      id: task.id,
      verdicts: task.metrics.map((m) => classifyMetric(m.config, m.baseline, m.canary)),
    };
  } catch (error) {
    result = { id: task.id, error: (error as Error).message };
  }
  parentPort?.postMessage(result);
});
