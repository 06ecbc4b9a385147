import type { Command } from "commander";
import { ApiClient } from "../api-client.js";
import { CliError, EXIT } from "../exit-codes.js";
import { connectionOf, type GlobalOptions } from "../global-options.js";
import { bold, parseOutputFormat, printResult, renderTable } from "../output.js";

interface ChangeView {
  readonly number: string;
  readonly type: string;
  readonly state: string;
  readonly release: string;
  readonly environment: string;
  readonly requestedBy: string;
  readonly window: { start: string; end: string } | null;
  readonly services: readonly { name: string; tier?: number }[];
  readonly dependents: readonly string[];
  readonly risk: { score: number; band: string };
  readonly backoutSeconds: number;
  readonly rollbackPlan: {
    waves: readonly {
      undoes: number;
      steps: readonly { kind: string; service: string; from?: string; to?: string }[];
    }[];
    dataNotes: readonly string[];
    deferredContracts: readonly { service: string; migrations: readonly string[] }[];
  };
  readonly approval: { authorized: boolean; explanation: readonly string[]; mayApprove: readonly string[] };
  readonly approvals: readonly {
    by: string;
    decision: string;
    at: string;
    groups: readonly string[];
    comment?: string;
    current: boolean;
  }[];
  readonly runs: readonly { runId: string; startedBy: string }[];
  readonly outcome: string | null;
  readonly retrospective: { kind: string; findings?: readonly string[] };
  readonly history: readonly { at: string; by: string; from: string; to: string; note: string }[];
}

const NUMBER = /^CHG-[1-9]\d*$/;
const BAND_LABEL: Record<string, string> = {
  low: "Low",
  moderate: "Moderate",
  high: "High",
  "very-high": "Very high",
};

function client(command: Command): ApiClient {
  return new ApiClient(connectionOf(command.optsWithGlobals<GlobalOptions>()));
}

function checkNumber(number: string): string {
  if (!NUMBER.test(number))
    throw new CliError(`a change number is CHG-<n>, such as CHG-42; got "${number}"`, EXIT.usage);
  return number;
}

/** An RFC 3339 instant with its offset, or a usage error saying so. */
function instant(text: string, flag: string): string {
  if (!/[zZ]|[+-]\d{2}:?\d{2}$/.test(text) || Number.isNaN(Date.parse(text)))
    throw new CliError(
      `${flag} must be an RFC 3339 instant with its offset, such as 2027-01-06T22:00:00Z; got "${text}"`,
      EXIT.usage,
    );
  return text;
}

function windowOptions(options: { start?: string; end?: string }): Record<string, string> {
  if ((options.start === undefined) !== (options.end === undefined))
    throw new CliError("give both --start and --end, or neither", EXIT.usage);
  return options.start !== undefined && options.end !== undefined
    ? { start: instant(options.start, "--start"), end: instant(options.end, "--end") }
    : {};
}

function hours(seconds: number): string {
  const m = Math.round(seconds / 60);
  return m >= 60 ? `${Math.floor(m / 60)}h ${m % 60}m` : `${m}m`;
}

/** The readable view of `upshift change show`. */
export function describeChange(c: ChangeView): string {
  const lines = [
    `${bold(c.number)}  ${c.type}${c.type === "emergency" ? " (EMERGENCY)" : ""}  ${c.state}`,
    `release ${c.release} → ${c.environment}, requested by ${c.requestedBy}`,
    `window: ${c.window === null ? "not set" : `${c.window.start} – ${c.window.end}`}`,
    `services: ${c.services.map((s) => `${s.name}${s.tier === undefined ? "" : ` (tier ${s.tier})`}`).join(", ")}; dependents: ${c.dependents.join(", ") || "none"}`,
    `risk: ${BAND_LABEL[c.risk.band] ?? c.risk.band} (${c.risk.score} points) — \`upshift change risk ${c.number}\` for the factors`,
    "",
    `rollback plan (backout estimate ${hours(c.backoutSeconds)}):`,
    ...c.rollbackPlan.waves.map(
      (w) =>
        `  undo wave ${w.undoes}: ${w.steps
          .map((s) =>
            s.kind === "rollout-back" ? `${s.service} ${s.from} → ${s.to}` : `verify ${s.service}`,
          )
          .join(", ")}`,
    ),
    ...c.rollbackPlan.dataNotes.map((n) => `  data: ${n}`),
    ...c.rollbackPlan.deferredContracts.map(
      (d) => `  deferred contract: ${d.service} ${d.migrations.join(", ")}`,
    ),
    "",
    `approvals: ${c.type === "standard" ? "pre-approved (standard change)" : c.approval.authorized ? "authorized" : "not authorized"}`,
    ...c.approval.explanation.map((e) => `  ${e}`),
    ...c.approvals.map(
      (a) =>
        `  ${a.at} ${a.by} ${a.decision} for ${a.groups.join(", ")}${a.comment ? `: ${a.comment}` : ""}${a.current ? "" : " (earlier round, no longer counts)"}`,
    ),
  ];
  if (c.runs.length > 0)
    lines.push("", `runs: ${c.runs.map((r) => `${r.runId} (by ${r.startedBy})`).join(", ")}`);
  if (c.outcome !== null) lines.push(`outcome: ${c.outcome}`);
  if (c.retrospective.kind !== "not-required") lines.push(`retrospective: ${c.retrospective.kind}`);
  lines.push("", "history:", ...c.history.map((h) => `  ${h.at} ${h.from} → ${h.to} by ${h.by}: ${h.note}`));
  return lines.join("\n");
}

async function post(command: Command, path: string, body: Record<string, unknown>): Promise<ChangeView> {
  return client(command).request<ChangeView>("POST", path, {
    contentType: "application/json",
    payload: JSON.stringify(body),
  });
}

function printChange(format: string, c: ChangeView, summary: string): void {
  if (format === "json") process.stdout.write(`${JSON.stringify(c, null, 2)}\n`);
  else process.stdout.write(`${summary}\n`);
}

/** `upshift change …`, `upshift approve CHG-n`, `upshift reject CHG-n --comment`. */
export function registerChange(program: Command): void {
  const change = program
    .command("change")
    .description("change requests: create, review, move through their states");
  change
    .command("create")
    .description("create a change request for a release in an environment (planned now; prints its number)")
    .requiredOption("--release <name>", "Release document")
    .requiredOption("--env <name>", "Environment")
    .option("--type <type>", "normal, standard or emergency", "normal")
    .option("--start <instant>", "implementation window start, RFC 3339 (default: the release's window)")
    .option("--end <instant>", "implementation window end, RFC 3339")
    .option("-o, --output <format>", "text or json", "text")
    .action(
      async (
        options: { release: string; env: string; type: string; start?: string; end?: string; output: string },
        command: Command,
      ) => {
        const format = parseOutputFormat(options.output, ["text", "json"]);
        if (!["normal", "standard", "emergency"].includes(options.type))
          throw new CliError(
            `--type must be normal, standard or emergency; got "${options.type}"`,
            EXIT.usage,
          );
        const created = await post(command, "v1/changes", {
          release: options.release,
          environment: options.env,
          type: options.type,
          ...windowOptions(options),
        });
        printChange(format, created, created.number);
        if (format === "text")
          process.stderr.write(
            `${created.number}: ${created.type} change, risk ${created.risk.band} (${created.risk.score} points)\n`,
          );
      },
    );
  change
    .command("show")
    .description("a change: scope, window, rollback plan, risk, approvals, runs and history")
    .argument("<number>")
    .option("-o, --output <format>", "table, json or yaml", "table")
    .action(async (number: string, options: { output: string }, command: Command) => {
      const format = parseOutputFormat(options.output);
      const c = await client(command).request<ChangeView>("GET", `v1/changes/${checkNumber(number)}`);
      printResult(format, c, () => describeChange(c));
    });
  change
    .command("list")
    .description("change requests, newest first")
    .option("--awaiting-me", "only changes waiting for my approval (my token's identity and groups)")
    .option("--state <state>", "only changes in this state")
    .option("--release <name>")
    .option("--env <name>")
    .option("-o, --output <format>", "table, json or yaml", "table")
    .action(
      async (
        options: { awaitingMe?: boolean; state?: string; release?: string; env?: string; output: string },
        command: Command,
      ) => {
        const format = parseOutputFormat(options.output);
        const query = new URLSearchParams();
        if (options.awaitingMe) query.set("awaitingMe", "true");
        if (options.state) query.set("state", options.state);
        if (options.release) query.set("release", options.release);
        if (options.env) query.set("environment", options.env);
        const list = await client(command).request<{ items: ChangeView[] }>("GET", `v1/changes?${query}`);
        printResult(format, list.items, () =>
          renderTable(
            ["number", "type", "state", "release", "env", "risk", "window", "awaiting"],
            list.items.map((c) => [
              c.number,
              c.type,
              c.state,
              c.release,
              c.environment,
              c.risk.band,
              c.window === null ? "" : `${c.window.start}–${c.window.end}`,
              c.state === "Authorize" ? c.approval.mayApprove.join(",") : "",
            ]),
          ),
        );
      },
    );
  change
    .command("risk")
    .description("the risk table: each factor with its points and the fact behind it")
    .argument("<number>")
    .option("-o, --output <format>", "table or json", "table")
    .action(async (number: string, options: { output: string }, command: Command) => {
      const format = parseOutputFormat(options.output, ["table", "json"]);
      const risk = await client(command).request<{ table: string }>(
        "GET",
        `v1/changes/${checkNumber(number)}/risk`,
      );
      if (format === "json") process.stdout.write(`${JSON.stringify(risk, null, 2)}\n`);
      else process.stdout.write(`${risk.table}\n`);
    });
  change
    .command("edit")
    .description(
      "move the window or re-plan; approvals given so far are invalidated and the change says what changed",
    )
    .argument("<number>")
    .option("--start <instant>", "new window start, RFC 3339")
    .option("--end <instant>", "new window end, RFC 3339")
    .option("--replan", "plan again from the current documents")
    .option("-o, --output <format>", "text or json", "text")
    .action(
      async (
        number: string,
        options: { start?: string; end?: string; replan?: boolean; output: string },
        command: Command,
      ) => {
        const format = parseOutputFormat(options.output, ["text", "json"]);
        const window = windowOptions(options);
        if (Object.keys(window).length === 0 && !options.replan)
          throw new CliError("change edit needs --start and --end, or --replan", EXIT.usage);
        const edited = await client(command).request<ChangeView>(
          "PATCH",
          `v1/changes/${checkNumber(number)}`,
          {
            contentType: "application/json",
            payload: JSON.stringify({ ...window, ...(options.replan ? { replan: true } : {}) }),
          },
        );
        printChange(
          format,
          edited,
          `${edited.number}: ${edited.state}${edited.approval.authorized ? "" : " (needs approval)"}`,
        );
      },
    );
  const transitions: [string, string, string][] = [
    ["submit", "submit", "submit a new change: normal → Assess, emergency → Authorize, standard → Scheduled"],
    ["assess", "assess", "re-assess the risk (before any approval)"],
    ["authorize", "authorize", "ask for authorization (Assess → Authorize); approvers are notified"],
    ["schedule", "schedule", "schedule (standard changes; others are scheduled by their last approval)"],
    ["implement", "implement", "start implementing (inside the window; runs do this on their own)"],
    ["review", "review", "finish implementing and enter Review (runs do this on their own when they end)"],
    ["close", "close", "close a reviewed change (an emergency change needs its retrospective first)"],
    ["cancel", "cancel", "cancel the change (any state but Closed)"],
    ["revert", "revert-to-new", "revert to New: pending approvals are canceled"],
  ];
  for (const [name, action, description] of transitions) {
    const sub = change.command(name).description(description).argument("<number>");
    if (name === "cancel" || name === "revert") sub.requiredOption("--reason <text>", "why (recorded)");
    if (name === "review")
      sub.option("--outcome <outcome>", "successful, successful-with-issues or unsuccessful", "successful");
    sub
      .option("-o, --output <format>", "text or json", "text")
      .action(
        async (
          number: string,
          options: { reason?: string; outcome?: string; output: string },
          command: Command,
        ) => {
          const format = parseOutputFormat(options.output, ["text", "json"]);
          const moved = await post(command, `v1/changes/${checkNumber(number)}/transitions/${action}`, {
            ...(options.reason ? { reason: options.reason } : {}),
            ...(options.outcome ? { outcome: options.outcome } : {}),
          });
          printChange(format, moved, `${moved.number}: ${moved.state}`);
        },
      );
  }
  change
    .command("retrospective")
    .description("complete an emergency change's retrospective (required before it can close)")
    .argument("<number>")
    .requiredOption(
      "--findings <text...>",
      "what happened, why the emergency path, what follows (one or more)",
    )
    .option("-o, --output <format>", "text or json", "text")
    .action(async (number: string, options: { findings: string[]; output: string }, command: Command) => {
      const format = parseOutputFormat(options.output, ["text", "json"]);
      const done = await post(command, `v1/changes/${checkNumber(number)}/retrospective`, {
        findings: options.findings,
      });
      printChange(format, done, `${done.number}: retrospective ${done.retrospective.kind}`);
    });

  program
    .command("approve")
    .description("approve a change as your token's identity, for your groups still needed")
    .argument("<number>")
    .option("--comment <text>", "recorded with the approval")
    .option("-o, --output <format>", "text or json", "text")
    .action(async (number: string, options: { comment?: string; output: string }, command: Command) => {
      const format = parseOutputFormat(options.output, ["text", "json"]);
      const c = await post(command, `v1/changes/${checkNumber(number)}/approve`, {
        ...(options.comment ? { comment: options.comment } : {}),
      });
      const still = c.approval.authorized
        ? "authorized"
        : `still waiting: ${c.approval.explanation.filter((e) => !e.includes(": approved by")).join("; ")}`;
      printChange(format, c, `${c.number}: approved; ${c.state}, ${still}`);
    });
  program
    .command("reject")
    .description("reject a change with a comment: it returns to New")
    .argument("<number>")
    .requiredOption("--comment <text>", "what must change (required)")
    .option("-o, --output <format>", "text or json", "text")
    .action(async (number: string, options: { comment: string; output: string }, command: Command) => {
      const format = parseOutputFormat(options.output, ["text", "json"]);
      const c = await post(command, `v1/changes/${checkNumber(number)}/reject`, { comment: options.comment });
      printChange(format, c, `${c.number}: rejected; back to ${c.state}`);
    });
}
