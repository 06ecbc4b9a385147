import type { Command } from "commander";
import { ApiClient } from "../api-client.js";
import { CliError, EXIT } from "../exit-codes.js";
import { connectionOf, type GlobalOptions } from "../global-options.js";
import { bold, parseOutputFormat, printResult, renderTable, useColor } from "../output.js";

interface RunStep {
  readonly id: string;
  readonly kind: string;
  readonly service: string | null;
  readonly state: string;
  readonly attempt: number;
  readonly direction: string;
  readonly message: string | null;
}
interface RunStatus {
  readonly id: string;
  readonly release: string;
  readonly environment: string;
  readonly phase: string;
  readonly message: string;
  readonly createdAt: string;
  readonly steps?: readonly RunStep[];
}

const TERMINAL = new Set(["Succeeded", "RolledBack", "Aborted"]);

function client(command: Command): ApiClient {
  return new ApiClient(connectionOf(command.optsWithGlobals<GlobalOptions>()));
}

function stepsTable(run: RunStatus): string {
  return renderTable(
    ["step", "kind", "service", "state", "attempt", "message"],
    (run.steps ?? []).map((s) => [
      s.id,
      s.kind,
      s.service ?? "",
      s.state,
      String(s.attempt),
      s.message ?? "",
    ]),
  );
}

function describeRun(run: RunStatus): string {
  return `${bold(`run ${run.id}`)}  ${run.release} → ${run.environment}\nphase: ${run.phase} — ${run.message}\n\n${stepsTable(run)}`;
}

/** Polls the run and shows progress until it ends (redrawn in place on a terminal). */
async function follow(api: ApiClient, id: string): Promise<RunStatus> {
  let lastShown = "";
  let lines = 0;
  for (;;) {
    const run = await api.request<RunStatus>("GET", `v1/runs/${id}`);
    const text = describeRun(run);
    if (text !== lastShown) {
      if (useColor(process.stderr) && lines > 0) process.stderr.write(`\u001b[${lines}A\u001b[J`);
      else if (lines > 0) process.stderr.write("\n");
      process.stderr.write(`${text}\n`);
      lines = text.split("\n").length;
      lastShown = text;
    }
    if (TERMINAL.has(run.phase) || run.phase === "Failed") return run;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** `upshift run start|status|list|pause|resume|abort|signal|promote`. */
export function registerRun(program: Command): void {
  const run = program.command("run").description("execute plans and control runs");
  run
    .command("start")
    .description("start a run of a release in an environment; prints the run id")
    .requiredOption("--release <name>", "Release document")
    .requiredOption("--env <name>", "Environment")
    .option("--wait", "show live progress and exit 0 only when the run succeeded")
    .option("-o, --output <format>", "text or json", "text")
    .action(
      async (options: { release: string; env: string; wait?: boolean; output: string }, command: Command) => {
        const format = parseOutputFormat(options.output, ["text", "json"]);
        const api = client(command);
        const started = await api.request<RunStatus>("POST", "v1/runs", {
          contentType: "application/json",
          payload: JSON.stringify({ release: options.release, environment: options.env }),
        });
        let final = started;
        if (options.wait) final = await follow(api, started.id);
        if (format === "json") process.stdout.write(`${JSON.stringify(final, null, 2)}\n`);
        else process.stdout.write(`${started.id}\n`);
        if (options.wait && final.phase !== "Succeeded")
          throw new CliError(`run ${final.id} ended ${final.phase}: ${final.message}`, EXIT.invalid);
      },
    );
  run
    .command("status")
    .description("a run's phase, message and steps")
    .argument("<id>")
    .option("-o, --output <format>", "table, json or yaml", "table")
    .option("--wait", "follow until the run ends")
    .action(async (id: string, options: { output: string; wait?: boolean }, command: Command) => {
      const format = parseOutputFormat(options.output);
      const api = client(command);
      const status = options.wait
        ? await follow(api, id)
        : await api.request<RunStatus>("GET", `v1/runs/${encodeURIComponent(id)}`);
      printResult(format, status, () => describeRun(status));
    });
  run
    .command("list")
    .description("recent runs")
    .option("--phase <phase>", "only runs in this phase")
    .option("-o, --output <format>", "table, json or yaml", "table")
    .action(async (options: { phase?: string; output: string }, command: Command) => {
      const format = parseOutputFormat(options.output);
      const list = await client(command).request<{ items: RunStatus[] }>(
        "GET",
        `v1/runs${options.phase ? `?phase=${encodeURIComponent(options.phase)}` : ""}`,
      );
      printResult(format, list.items, () =>
        renderTable(
          ["id", "release", "env", "phase", "created", "message"],
          list.items.map((r) => [r.id, r.release, r.environment, r.phase, r.createdAt, r.message]),
        ),
      );
    });
  const send = async (command: Command, id: string, body: Record<string, string>) => {
    const status = await client(command).request<RunStatus>(
      "POST",
      `v1/runs/${encodeURIComponent(id)}/signals`,
      { contentType: "application/json", payload: JSON.stringify(body) },
    );
    process.stdout.write(`run ${status.id}: ${status.phase} — ${status.message}\n`);
  };
  for (const kind of ["pause", "resume", "abort"] as const) {
    run
      .command(kind)
      .description(
        kind === "abort" ? "abort the run: completed waves are reverted in reverse order" : `${kind} the run`,
      )
      .argument("<id>")
      .option("--reason <text>", "why (recorded)")
      .action(async (id: string, options: { reason?: string }, command: Command) =>
        send(command, id, { kind, ...(options.reason ? { reason: options.reason } : {}) }),
      );
  }
  run
    .command("signal")
    .description("send a signal to a run or one of its steps (recorded with who and when)")
    .argument("<id>")
    .requiredOption("--kind <kind>", "approve, judge, promote, pause, resume, abort, retry-step, skip-step")
    .option("--step <key>", "the step the signal addresses")
    .option("--reason <text>", "why (required for skip-step)")
    .option("--value <value>", "for judge: pass or fail")
    .action(
      async (
        id: string,
        options: { kind: string; step?: string; reason?: string; value?: string },
        command: Command,
      ) =>
        send(command, id, {
          kind: options.kind,
          ...(options.step ? { step: options.step } : {}),
          ...(options.reason ? { reason: options.reason } : {}),
          ...(options.value ? { value: options.value } : {}),
        }),
    );
}
