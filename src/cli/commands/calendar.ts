import type { Command } from "commander";
import {
  type BlockedDay,
  type CutoverSuggestion,
  type CutoverWave,
  checkSlot,
  findSlots,
  releaseNeeds,
  renderAgenda,
  scheduleCutover,
  toICalendar,
  worldFromDocuments,
} from "../../core/calendar/index.js";
import type { DocumentOf, UpshiftDocument } from "../../core/documents/document-kinds.js";
import { CliError, EXIT } from "../exit-codes.js";
import { connectionOf, type GlobalOptions } from "../global-options.js";
import { loadDocuments, parseInstant } from "../load-documents.js";
import { parseOutputFormat } from "../output.js";
import { releaseWave } from "./release-slot.js";

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
    .option(
      "--release <name>",
      "check the slot for this Release: its changed services (unless --service), its bookings and teams",
    )
    .requiredOption("--start <instant>", "slot start, ISO 8601 with offset")
    .requiredOption("--end <instant>", "slot end, ISO 8601 with offset")
    .option("-f, --file <paths...>", "read documents from files instead of the server")
    .option("-o, --output <format>", "text or json", "text")
    .action(
      async (
        options: {
          env: string;
          service: string[];
          release?: string;
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
        const release = options.release === undefined ? undefined : findRelease(docs, options.release);
        const report = checkSlot(worldFromDocuments(docs), {
          environment: options.env,
          services:
            options.service.length > 0 || release === undefined
              ? options.service
              : release.spec.changes.map((c) => c.service),
          start: parseInstant("--start", options.start),
          end: parseInstant("--end", options.end),
          ...(release === undefined
            ? {}
            : {
                id: release.metadata.name,
                needs: releaseNeeds(release.spec, options.env),
                teams: release.spec.teams ?? [],
              }),
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
    .requiredOption(
      "--env <names...>",
      "environment; several (one per region, in order) schedule a cutover wave by wave",
    )
    .option("--after <instant>", "earliest start (default now)")
    .option("--count <n>", "how many slots", "3")
    .option("--horizon-days <n>", "how far ahead to search", "90")
    .option("-f, --file <paths...>", "read documents from files instead of the server")
    .option("-o, --output <format>", "text or json", "text")
    .action(
      async (
        options: {
          release: string;
          env: string[];
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
        const world = worldFromDocuments(docs);
        const waves = options.env.map((env) => releaseWave(docs, world, options.release, env));
        const after = options.after ? parseInstant("--after", options.after) : Date.now();
        if (waves.length > 1) {
          const cutover = scheduleCutover(world, {
            id: options.release,
            waves,
            after,
            horizonMs: horizonDays * DAY,
          });
          writeCutover(options.release, cutover, format);
          if (cutover.kind === "none") process.exitCode = EXIT.notPossible;
          return;
        }
        const [wave] = waves;
        if (wave === undefined) throw new CliError("--env needs an environment", EXIT.usage);
        const { durationMs, services } = wave;
        const suggestion = findSlots(world, {
          id: options.release,
          ...wave,
          after,
          count,
          horizonMs: horizonDays * DAY,
        });
        if (format === "json")
          process.stdout.write(
            `${JSON.stringify({ durationSeconds: durationMs / 1000, services, ...suggestion }, null, 2)}\n`,
          );
        else if (suggestion.kind === "found") {
          process.stdout.write(
            `release ${options.release} in ${wave.environment} needs about ${Math.round(durationMs / 60_000)} min (from its plan)` +
              `${describeWave(wave)}; earliest slots:\n`,
          );
          for (const s of suggestion.slots)
            process.stdout.write(`  ${s.start} → ${s.end}  (${s.teamCoverage})\n`);
        } else {
          process.stdout.write(
            `no slot of ${Math.round(durationMs / 60_000)} min within ${horizonDays} days; what blocks each day:\n`,
          );
          writeBlockedDays(suggestion.days);
        }
        if (suggestion.kind === "none") process.exitCode = EXIT.notPossible;
      },
    );
}

function findRelease(docs: readonly UpshiftDocument[], name: string): DocumentOf<"Release"> {
  const release = docs.find(
    (d): d is DocumentOf<"Release"> => d.kind === "Release" && d.metadata.name === name,
  );
  if (release === undefined) {
    const known = docs.flatMap((d) => (d.kind === "Release" ? [d.metadata.name] : []));
    throw new CliError(`no Release named "${name}" (known: ${known.join(", ") || "none"})`, EXIT.invalid);
  }
  return release;
}

function describeWave(wave: CutoverWave): string {
  const needs = (wave.needs ?? []).map((n) => `${n.units} ${n.resource}`);
  const teams = wave.teams.map((t) => t.name);
  return (
    (needs.length > 0 ? `, books ${needs.join(", ")}` : "") +
    (teams.length > 0 ? `, carried out by ${teams.join(", ")}` : "")
  );
}

function writeBlockedDays(days: readonly BlockedDay[]): void {
  for (const d of days.slice(0, 30)) {
    const reasons = d.blockedBy.map(
      (b) => `${b.constraint} (${b.wholeDay ? "all day" : `${b.minutes} min`})`,
    );
    process.stdout.write(`  ${d.date}: ${reasons.join("; ") || "nothing blocks it"}\n`);
  }
  if (days.length > 30) process.stdout.write(`  … ${days.length - 30} more days (--output json shows all)\n`);
}

function writeCutover(release: string, cutover: CutoverSuggestion, format: string): void {
  if (format === "json") {
    process.stdout.write(`${JSON.stringify(cutover, null, 2)}\n`);
    return;
  }
  if (cutover.kind === "none") {
    process.stdout.write(
      `no cutover of release ${release}: the wave in ${cutover.environment} never fits; what blocks each day:\n`,
    );
    writeBlockedDays(cutover.days);
    return;
  }
  const how =
    cutover.coverage === "overlap"
      ? "back to back while every involved team is at work"
      : "following the sun: each wave in its own region's working hours";
  process.stdout.write(`cutover of release ${release}, ${how}:\n`);
  for (const w of cutover.waves)
    process.stdout.write(`  ${w.environment.padEnd(12)} ${w.start} → ${w.end}  (${w.teams.join(", ")})\n`);
  if (cutover.alternative)
    process.stdout.write(
      `alternative (${cutover.alternative.coverage}): starts ${cutover.alternative.waves[0]?.start}, ends ${cutover.alternative.waves.at(-1)?.end}\n`,
    );
}
