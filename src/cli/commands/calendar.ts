import type { Command } from "commander";
import {
  checkSlot,
  findSlots,
  renderAgenda,
  toICalendar,
  worldFromDocuments,
} from "../../core/calendar/index.js";
import { planInputFromDocuments } from "../../core/planner/plan-input-from-documents.js";
import { planRelease } from "../../core/planner/plan-release.js";
import { CliError, EXIT } from "../exit-codes.js";
import { connectionOf, type GlobalOptions } from "../global-options.js";
import { loadDocuments, parseInstant } from "../load-documents.js";
import { parseOutputFormat } from "../output.js";

const DAY = 86_400_000;

/** `upshift calendar`, `upshift calendar check` and `upshift schedule`. */
export function registerCalendar(program: Command): void {
  const calendar = program
    .command("calendar")
    .description(
      "freeze, audit and maintenance windows: an agenda, an iCalendar feed, or the conflicts of a slot",
    );
  calendar
    .command("show", { isDefault: true })
    .description("an agenda of windows (the default), or an iCalendar feed with --output ics")
    .option("--env <name>", "only windows that apply to this environment")
    .option("--service <names...>", "only windows that apply to these services")
    .option("--from <instant>", "start of the range (default now)")
    .option("--to <instant>", "end of the range (default 14 days after --from)")
    .option("--tz <zone>", "show times in this IANA zone (default UTC)")
    .option("-f, --file <paths...>", "read documents from files instead of the server")
    .option("-o, --output <format>", "text or ics", "text")
    .action(
      async (
        options: {
          env?: string;
          service?: string[];
          from?: string;
          to?: string;
          tz?: string;
          file?: string[];
          output: string;
        },
        command: Command,
      ) => {
        const format = parseOutputFormat(options.output, ["text", "ics"]);
        const docs = await loadDocuments(
          options.file,
          connectionOf(command.optsWithGlobals<GlobalOptions>()),
        );
        const world = worldFromDocuments(docs);
        const start = options.from ? parseInstant("--from", options.from) : Date.now();
        const end = options.to ? parseInstant("--to", options.to) : start + 14 * DAY;
        if (!(end > start)) throw new CliError("--to must be after --from", EXIT.usage);
        const filter = {
          ...(options.env ? { environment: options.env } : {}),
          ...(options.service ? { services: options.service } : {}),
        };
        if (format === "ics")
          process.stdout.write(toICalendar(world, { now: Date.now(), range: { start, end }, ...filter }));
        else
          process.stdout.write(
            renderAgenda(
              world,
              { start, end },
              { ...filter, ...(options.tz ? { timeZone: options.tz } : {}) },
            ),
          );
      },
    );
  calendar
    .command("check")
    .description("list the conflicts of one slot (exit 0 when none, 3 when some)")
    .requiredOption("--env <name>", "environment")
    .option("--service <names...>", "services the change touches", [])
    .requiredOption("--start <instant>", "slot start, ISO 8601 with offset")
    .requiredOption("--end <instant>", "slot end, ISO 8601 with offset")
    .option("-f, --file <paths...>", "read documents from files instead of the server")
    .option("-o, --output <format>", "text or json", "text")
    .action(
      async (
        options: {
          env: string;
          service: string[];
          start: string;
          end: string;
          file?: string[];
          output: string;
        },
        command: Command,
      ) => {
        const format = parseOutputFormat(options.output, ["text", "json"]);
        const docs = await loadDocuments(
          options.file,
          connectionOf(command.optsWithGlobals<GlobalOptions>()),
        );
        const report = checkSlot(worldFromDocuments(docs), {
          environment: options.env,
          services: options.service,
          start: parseInstant("--start", options.start),
          end: parseInstant("--end", options.end),
        });
        if (format === "json") process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        else if (report.conflicts.length === 0) process.stdout.write("no conflicts: the slot is free\n");
        else for (const c of report.conflicts) process.stdout.write(`${c.kind}: ${c.message}\n`);
        if (report.conflicts.length > 0) process.exitCode = EXIT.notPossible;
      },
    );
  program
    .command("schedule")
    .description(
      "the earliest slots for a release in an environment, with every window, booking and team's hours respected",
    )
    .requiredOption("--release <name>", "Release document")
    .requiredOption("--env <name>", "environment")
    .option("--after <instant>", "earliest start (default now)")
    .option("--count <n>", "how many slots", "3")
    .option("--horizon-days <n>", "how far ahead to search", "90")
    .option("-f, --file <paths...>", "read documents from files instead of the server")
    .option("-o, --output <format>", "text or json", "text")
    .action(
      async (
        options: {
          release: string;
          env: string;
          after?: string;
          count: string;
          horizonDays: string;
          file?: string[];
          output: string;
        },
        command: Command,
      ) => {
        const format = parseOutputFormat(options.output, ["text", "json"]);
        const count = Number(options.count);
        const horizonDays = Number(options.horizonDays);
        if (!Number.isInteger(count) || count < 1)
          throw new CliError(`--count must be a positive integer; got "${options.count}"`, EXIT.usage);
        if (!(horizonDays > 0))
          throw new CliError(`--horizon-days must be positive; got "${options.horizonDays}"`, EXIT.usage);
        const docs = await loadDocuments(
          options.file,
          connectionOf(command.optsWithGlobals<GlobalOptions>()),
        );
        const input = planInputFromDocuments(docs, options.release);
        const plan = planRelease(input, { environment: options.env });
        const env = plan.environments.find((e) => e.name === options.env);
        if (!plan.feasible || env === undefined)
          throw new CliError(
            `release ${options.release} has no valid plan in ${options.env}; run upshift plan to see why`,
            EXIT.notPossible,
          );
        const durationMs = Math.max(60_000, env.waves.reduce((s, w) => s + w.estimateSeconds, 0) * 1000);
        const services = [...new Set(env.waves.flatMap((w) => w.steps.map((s) => s.service)))];
        const suggestion = findSlots(worldFromDocuments(docs), {
          id: options.release,
          environment: options.env,
          services,
          durationMs,
          after: options.after ? parseInstant("--after", options.after) : Date.now(),
          count,
          horizonMs: horizonDays * DAY,
        });
        if (format === "json")
          process.stdout.write(
            `${JSON.stringify({ durationSeconds: durationMs / 1000, services, ...suggestion }, null, 2)}\n`,
          );
        else if (suggestion.kind === "found") {
          process.stdout.write(
            `release ${options.release} in ${options.env} needs about ${Math.round(durationMs / 60_000)} min (from its plan); earliest slots:\n`,
          );
          for (const s of suggestion.slots)
            process.stdout.write(`  ${s.start} → ${s.end}  (${s.teamCoverage})\n`);
        } else {
          process.stdout.write(
            `no slot of ${Math.round(durationMs / 60_000)} min within ${horizonDays} days; what blocks each day:\n`,
          );
          for (const d of suggestion.days.slice(0, 30)) process.stdout.write(`  ${JSON.stringify(d)}\n`);
        }
        if (suggestion.kind === "none") process.exitCode = EXIT.notPossible;
      },
    );
}
