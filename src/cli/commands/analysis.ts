import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { JudgeWorkers } from "../../adapters/analysis/judge-workers.js";
import {
  type OfflineJudgeReport,
  offlineJudgeReport,
  offlineJudgeRequest,
} from "../../core/analysis/offline-judge.js";
import type { SampleFile } from "../../core/analysis/sample-file.js";
import { CliError, EXIT } from "../exit-codes.js";
import { bold, parseOutputFormat, printResult, renderTable } from "../output.js";

interface JudgeOptions {
  readonly baseline: string;
  readonly canary: string;
  readonly confidence?: string;
  readonly direction?: string;
  readonly output: string;
}

/**
 * `upshift analysis judge --baseline FILE --canary FILE [--confidence 0.98] [--direction D]`:
 * judges exported samples offline with the statistical judge (docs/analysis.md), without a
 * server. Invalid files or options exit 1 with every problem named; any verdict exits 0.
 */
export function registerAnalysis(program: Command): void {
  const analysis = program.command("analysis").description("verify releases: judge metric samples");
  analysis
    .command("judge")
    .description("compare canary samples with baseline samples (Mann-Whitney U, Hodges-Lehmann interval)")
    .requiredOption("--baseline <file>", "JSON array of numbers, or object of metric name -> array")
    .requiredOption("--canary <file>", "the same shape as the baseline file")
    .option("--confidence <level>", "confidence of the interval, between 0 and 1", "0.98")
    .option("--direction <direction>", "which change fails a metric: either, increase or decrease", "either")
    .option("-o, --output <format>", "text, json or yaml", "text")
    .action(async (options: JudgeOptions) => {
      const format = parseOutputFormat(options.output, ["text", "json", "yaml"]);
      const request = offlineJudgeRequest(readSampleFile(options.baseline), readSampleFile(options.canary), {
        confidence: options.confidence,
        direction: options.direction,
      });
      // Large exports are judged on every core, as the server judges (small ones on this thread).
      const workers = new JudgeWorkers();
      try {
        const report = offlineJudgeReport(
          request,
          await workers.judge(request.config, request.baseline, request.canary),
        );
        printResult(format, report, () => renderReport(report));
      } finally {
        await workers.close();
      }
    });
}

function readSampleFile(path: string): SampleFile {
  try {
    return { name: path, text: readFileSync(path, "utf8") };
  } catch (error) {
    throw new CliError(
      `${path}: cannot read the sample file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      EXIT.invalid,
    );
  }
}

function renderReport(report: OfflineJudgeReport): string {
  const number = (v: number | null) => (v === null ? "-" : Number(v.toPrecision(6)).toString());
  const rows = report.metrics.map((m) => [
    m.name,
    m.classification,
    number(m.estimate),
    m.ci === null ? "-" : `[${number(m.ci[0])}, ${number(m.ci[1])}]`,
    number(m.u),
    m.pValue === null ? "-" : m.pValue.toPrecision(3),
    `${m.baselineSize}/${m.canarySize}`,
  ]);
  const table = renderTable(
    [
      "metric",
      "class",
      "estimate",
      `ci ${Number((report.confidence * 100).toPrecision(10))}%`,
      "u",
      "p",
      "n base/canary",
    ],
    rows,
  );
  const reasons = report.metrics.map((m) => `  ${m.name}: ${m.reason}`);
  return [
    `${bold(`${report.verdict}`)} score ${report.score} (direction ${report.direction})`,
    "",
    table,
    "",
    ...reasons,
    "",
    report.reason,
  ].join("\n");
}
