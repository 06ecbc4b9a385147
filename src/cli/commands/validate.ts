import type { Command } from "commander";
import { formatProblem } from "../../core/documents/problem.js";
import { validateSources } from "../../core/documents/validate-documents.js";
import { CliError, EXIT } from "../exit-codes.js";
import { parseOutputFormat } from "../output.js";
import { readSources } from "../read-sources.js";

/** `upshift validate <paths…>`: every problem of the file set in one run; exit 1 if any. */
export function registerValidate(program: Command): void {
  program
    .command("validate")
    .description("check documents (files or directories) without a server; reports every problem at once")
    .argument("<paths...>", "YAML/JSON files or directories")
    .option("-o, --output <format>", "text or json", "text")
    .action((paths: string[], options: { output: string }) => {
      const format = parseOutputFormat(options.output, ["text", "json"]);
      const sources = readSources(paths);
      const result = validateSources(sources);
      if (format === "json") {
        const out = {
          valid: result.problems.length === 0,
          files: sources.length,
          documents: result.documents.length,
          problems: result.problems,
        };
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
        if (result.problems.length > 0) process.exitCode = EXIT.invalid;
        return;
      }
      if (result.problems.length > 0) {
        const n = result.problems.length;
        throw new CliError(
          `${n} problem${n === 1 ? "" : "s"} in ${sources.length} file${sources.length === 1 ? "" : "s"}`,
          EXIT.invalid,
          result.problems.map(formatProblem),
        );
      }
      process.stdout.write(`ok: ${result.documents.length} documents in ${sources.length} files are valid\n`);
    });
}
