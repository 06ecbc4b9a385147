import type { Command } from "commander";
import { ApiClient } from "../api-client.js";
import { connectionOf, type GlobalOptions } from "../global-options.js";
import { parseOutputFormat, printResult, renderTable } from "../output.js";
import { readSources } from "../read-sources.js";

interface ApplyResponse {
  readonly dryRun: boolean;
  readonly applied: readonly { kind: string; name: string; generation: number; action: string }[];
}

/** `upshift apply -f <paths…>`: all documents or none, validated by the server against what it holds. */
export function registerApply(program: Command): void {
  program
    .command("apply")
    .description("validate and apply documents on the server: all of them or none")
    .requiredOption("-f, --file <paths...>", "YAML/JSON files or directories")
    .option("--dry-run", "validate against the server's documents and report, write nothing")
    .option("-o, --output <format>", "table, json or yaml", "table")
    .action(async (options: { file: string[]; dryRun?: boolean; output: string }, command: Command) => {
      const format = parseOutputFormat(options.output);
      const files = readSources(options.file);
      const client = new ApiClient(connectionOf(command.optsWithGlobals<GlobalOptions>()));
      const result = await client.request<ApplyResponse>(
        "POST",
        `v1/documents${options.dryRun ? "?dryRun=true" : ""}`,
        {
          contentType: "application/vnd.upshift.files+json",
          payload: JSON.stringify({ files }),
        },
      );
      printResult(format, result, () =>
        renderTable(
          ["kind", "name", "generation", "action"],
          result.applied.map((a) => [
            a.kind,
            a.name,
            String(a.generation),
            result.dryRun ? `${a.action} (dry run)` : a.action,
          ]),
        ),
      );
    });
}
