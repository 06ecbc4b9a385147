import { writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { strToU8, zipSync } from "fflate";
import { CliError, EXIT } from "../exit-codes.js";
import type { GlobalOptions } from "../global-options.js";
import { parseOutputFormat } from "../output.js";

/**
 * `upshift audit export --change CHG-n`: the evidence bundle of a change as a zip of JSON files
 * and a Markdown summary. Reads the store directly, like `audit verify`.
 */
export function registerAuditExport(audit: Command): void {
  audit
    .command("export")
    .description(
      "write the evidence bundle of a change: JSON files, the chain segment and its proof, a summary",
    )
    .requiredOption("--change <number>", "the change, CHG-<n>")
    .option("--out <file>", "where to write the zip (default: evidence-CHG-<n>.zip)")
    .option("-o, --output <format>", "text or json", "text")
    .action(async (options: { change: string; out?: string; output: string }, command: Command) => {
      const format = parseOutputFormat(options.output, ["text", "json"]);
      if (!/^CHG-[1-9]\d*$/.test(options.change))
        throw new CliError(
          `--change must be a change number such as CHG-42; got "${options.change}"`,
          EXIT.usage,
        );
      const { openStore, storeConfigFromEnv } = await import("../../store/store.js");
      const { collectEvidence } = await import("../../server/changes/evidence-bundle.js");
      const store = await openStore(storeConfigFromEnv(command.optsWithGlobals<GlobalOptions>().dataDir));
      let bundle: Awaited<ReturnType<typeof collectEvidence>>;
      try {
        bundle = await collectEvidence(store, options.change, Date.now());
      } finally {
        await store.close();
      }
      const out = options.out ?? `evidence-${options.change}.zip`;
      const entries: Record<string, Uint8Array> = {};
      for (const [name, text] of Object.entries(bundle.files))
        entries[`${options.change}/${name}`] = strToU8(text);
      await writeFile(out, zipSync(entries, { level: 6 }));
      const chain =
        bundle.verdict.kind === "intact"
          ? "chain segment intact"
          : `CHAIN TAMPERED: ${bundle.verdict.finding.message}`;
      if (format === "json")
        process.stdout.write(
          `${JSON.stringify({ file: out, files: Object.keys(bundle.files), verdict: bundle.verdict }, null, 2)}\n`,
        );
      else process.stdout.write(`wrote ${out} (${Object.keys(bundle.files).length} files; ${chain})\n`);
      if (bundle.verdict.kind !== "intact")
        throw new CliError(`the audit chain segment of ${options.change} does not verify`, EXIT.invalid);
    });
}
