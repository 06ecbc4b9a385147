import type { Command } from "commander";
import { ApiClient } from "../api-client.js";
import { CliError, EXIT } from "../exit-codes.js";
import { connectionOf, type GlobalOptions } from "../global-options.js";
import { bold, parseOutputFormat, printResult, renderTable } from "../output.js";

interface Tick {
  readonly item: string;
  readonly result: "pass" | "fail";
  readonly note: string | null;
  readonly by: string;
  readonly at: string;
}
interface ChecklistView {
  readonly runId: string;
  readonly stepKey: string;
  readonly stepState: string;
  readonly items: readonly string[];
  readonly status: { readonly kind: "waiting" | "failed" | "passed"; readonly ticks: readonly Tick[] };
  readonly history: readonly Tick[];
}

function client(command: Command): ApiClient {
  return new ApiClient(connectionOf(command.optsWithGlobals<GlobalOptions>()));
}

function render(view: ChecklistView): string {
  const latest = new Map(view.status.ticks.map((t) => [t.item, t]));
  const rows = view.items.map((item, i) => {
    const t = latest.get(item);
    return [String(i + 1), item, t ? t.result : "-", t ? t.by : "", t?.note ?? ""];
  });
  return [
    `${bold(`checklist of ${view.stepKey}`)} (run ${view.runId}, step ${view.stepState}): ${view.status.kind}`,
    "",
    renderTable(["#", "item", "result", "by", "note"], rows),
  ].join("\n");
}

/**
 * `upshift checklist show RUN --step S` and `upshift checklist tick RUN --step S --item I
 * --pass|--fail --note TEXT`: the manual smoke checklist of a verify step, ticked by a person.
 */
export function registerChecklist(program: Command): void {
  const checklist = program.command("checklist").description("manual smoke checklists of a run's steps");
  checklist
    .command("show")
    .description("items, who ticked them and the checklist's status")
    .argument("<run>")
    .requiredOption("--step <key>", "the step whose checklist to show")
    .option("-o, --output <format>", "table, json or yaml", "table")
    .action(async (run: string, options: { step: string; output: string }, command: Command) => {
      const format = parseOutputFormat(options.output);
      const view = await client(command).request<ChecklistView>(
        "GET",
        `v1/runs/${encodeURIComponent(run)}/checklist?step=${encodeURIComponent(options.step)}`,
      );
      printResult(format, view, () => render(view));
    });
  checklist
    .command("tick")
    .description("tick one item pass or fail (a failed item needs --note); the step continues or fails")
    .argument("<run>")
    .requiredOption("--step <key>", "the step whose checklist holds the item")
    .requiredOption("--item <item>", "the item's text or its number in `checklist show`")
    .option("--pass", "the item works")
    .option("--fail", "the item does not work")
    .option("--note <text>", "what was seen (required with --fail)")
    .option("-o, --output <format>", "table, json or yaml", "table")
    .action(
      async (
        run: string,
        options: {
          step: string;
          item: string;
          pass?: boolean;
          fail?: boolean;
          note?: string;
          output: string;
        },
        command: Command,
      ) => {
        const format = parseOutputFormat(options.output);
        if (options.pass === options.fail)
          throw new CliError("give exactly one of --pass or --fail", EXIT.invalid);
        if (options.fail && !options.note?.trim())
          throw new CliError("--fail needs --note saying what went wrong", EXIT.invalid);
        const view = await client(command).request<ChecklistView>(
          "POST",
          `v1/runs/${encodeURIComponent(run)}/checklist`,
          {
            contentType: "application/json",
            payload: JSON.stringify({
              step: options.step,
              item: options.item,
              result: options.pass ? "pass" : "fail",
              ...(options.note ? { note: options.note } : {}),
            }),
          },
        );
        printResult(format, view, () => render(view));
      },
    );
}
