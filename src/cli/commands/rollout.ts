import type { Command } from "commander";
import { ApiClient } from "../api-client.js";
import { connectionOf, type GlobalOptions } from "../global-options.js";
import { parseOutputFormat, printResult, renderTable } from "../output.js";

interface RunSummary {
  readonly id: string;
  readonly phase: string;
  readonly message: string;
}
interface Artifact {
  readonly name: string;
  readonly version: string;
  readonly digest: string;
  readonly path: string | null;
  readonly registeredAt: string;
  readonly registeredBy: string;
  readonly created?: boolean;
}

function client(command: Command): ApiClient {
  return new ApiClient(connectionOf(command.optsWithGlobals<GlobalOptions>()));
}

const post = (body: Record<string, unknown>) => ({
  contentType: "application/json",
  payload: JSON.stringify(body),
});

/**
 * `upshift run promote ID [--service S]`, `upshift rollback RUN` and `upshift artifact register|list`.
 * Registered after `run`, whose command group `promote` joins.
 */
export function registerRollouts(program: Command): void {
  const run = program.commands.find((c) => c.name() === "run");
  if (run === undefined) throw new Error("registerRollouts needs the run command registered first");
  run
    .command("promote")
    .description("promote a service's rollout: ends a canary pause or an inconclusive analysis")
    .argument("<id>", "run id")
    .option("--service <name>", "the service (needed when several rollouts wait)")
    .option("--reason <text>", "why (recorded)")
    .action(async (id: string, options: { service?: string; reason?: string }, command: Command) => {
      const r = await client(command).request<{
        promoted: { service: string; step: string };
        run: RunSummary;
      }>(
        "POST",
        `v1/runs/${encodeURIComponent(id)}/promote`,
        post({
          ...(options.service ? { service: options.service } : {}),
          ...(options.reason ? { reason: options.reason } : {}),
        }),
      );
      process.stdout.write(
        `promoted ${r.promoted.service} (${r.promoted.step}); run ${r.run.id}: ${r.run.phase}\n`,
      );
    });

  program
    .command("rollback")
    .description(
      "return every service of a run to its previous version through its strategy (a finished run gets a rollback run)",
    )
    .argument("<run>", "run id")
    .option("--reason <text>", "why (recorded)")
    .option("-o, --output <format>", "text or json", "text")
    .action(async (id: string, options: { reason?: string; output: string }, command: Command) => {
      const format = parseOutputFormat(options.output, ["text", "json"]);
      const r = await client(command).request<{ rollbackOf: string; run: RunSummary }>(
        "POST",
        `v1/runs/${encodeURIComponent(id)}/rollback`,
        post(options.reason ? { reason: options.reason } : {}),
      );
      if (format === "json") process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      else if (r.run.id === id) process.stdout.write(`run ${id} is rolling back: ${r.run.message}\n`);
      else process.stdout.write(`${r.run.id}\n`);
    });

  keepVersionOptionFor(program, "artifact");
  const artifact = program
    .command("artifact")
    .description("the artifact registry: a version's digest never changes");
  artifact
    .command("register")
    .description("record an artifact version and its sha256 digest (again with the same digest: no-op)")
    .requiredOption("--name <name>", "artifact name (the Service name)")
    .requiredOption("--version <version>", "version")
    .requiredOption("--digest <digest>", "sha256:<64 hex digits> (tree digest for a directory)")
    .option("--path <path>", "where the artifact lies: an absolute path or file:// URI")
    .option("-o, --output <format>", "text or json", "text")
    .action(
      async (
        options: { name: string; version: string; digest: string; path?: string; output: string },
        command: Command,
      ) => {
        const format = parseOutputFormat(options.output, ["text", "json"]);
        const a = await client(command).request<Artifact>(
          "POST",
          "v1/artifacts",
          post({
            name: options.name,
            version: options.version,
            digest: options.digest,
            ...(options.path ? { path: options.path } : {}),
          }),
        );
        if (format === "json") process.stdout.write(`${JSON.stringify(a, null, 2)}\n`);
        else
          process.stdout.write(
            `${a.created ? "registered" : "already registered"} ${a.name} ${a.version} ${a.digest}\n`,
          );
      },
    );
  artifact
    .command("list")
    .description("registered artifact versions")
    .option("--name <name>", "only this artifact")
    .option("-o, --output <format>", "table, json or yaml", "table")
    .action(async (options: { name?: string; output: string }, command: Command) => {
      const format = parseOutputFormat(options.output);
      const list = await client(command).request<{ items: Artifact[] }>(
        "GET",
        `v1/artifacts${options.name ? `?name=${encodeURIComponent(options.name)}` : ""}`,
      );
      printResult(format, list.items, () =>
        renderTable(
          ["name", "version", "digest", "path", "registered", "by"],
          list.items.map((a) => [a.name, a.version, a.digest, a.path ?? "", a.registeredAt, a.registeredBy]),
        ),
      );
    });
}

/**
 * `upshift artifact register --version V` names an artifact's version, but the program's own
 * `--version` flag is recognised anywhere on the line and would print Upshift's version instead.
 * While the line is for `command`, the program leaves `--version` to it.
 */
function keepVersionOptionFor(program: Command, command: string): void {
  const parse = program.parseOptions.bind(program);
  program.parseOptions = (args: string[]) => {
    const first = args.find((a) => !a.startsWith("-"));
    if (first !== command) return parse(args);
    const saved = program.options;
    (program as unknown as { options: typeof saved }).options = saved.filter((o) => o.long !== "--version");
    try {
      return parse(args);
    } finally {
      (program as unknown as { options: typeof saved }).options = saved;
    }
  };
}
