import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Command } from "commander";
import type { DocumentOf, UpshiftDocument } from "../../core/documents/document-kinds.js";
import { formatProblem } from "../../core/documents/problem.js";
import { validateSources } from "../../core/documents/validate-documents.js";
import { readMigrationSet } from "../../core/migrations/migration-set.js";
import { ApiClient } from "../api-client.js";
import { CliError, EXIT } from "../exit-codes.js";
import { connectionOf, type GlobalOptions } from "../global-options.js";
import { parseOutputFormat } from "../output.js";
import { readSources } from "../read-sources.js";

interface ValidateCommandOptions {
  readonly service: string;
  readonly env: string;
  readonly file?: string[];
  readonly scratchUrl?: string;
  readonly seed?: string;
  readonly historyTable: string;
  readonly output: string;
}

/** The Service and Environment documents: from files, or from the server. */
async function documentsFor(
  options: ValidateCommandOptions,
  command: Command,
): Promise<{ service: DocumentOf<"Service">; environment?: DocumentOf<"Environment">; root: string }> {
  if (options.file !== undefined) {
    const validation = validateSources(readSources(options.file));
    if (validation.problems.length > 0)
      throw new CliError("the documents have problems", EXIT.invalid, validation.problems.map(formatProblem));
    const checked = validation.documents.find(
      (d) => d.doc.kind === "Service" && d.doc.metadata.name === options.service,
    );
    if (checked === undefined)
      throw new CliError(`no Service ${options.service} in ${options.file.join(", ")}`, EXIT.invalid);
    const environment = validation.documents.find(
      (d) => d.doc.kind === "Environment" && d.doc.metadata.name === options.env,
    )?.doc as DocumentOf<"Environment"> | undefined;
    return {
      service: checked.doc as DocumentOf<"Service">,
      ...(environment ? { environment } : {}),
      root: checked.source?.file ? dirname(checked.source.file) : process.cwd(),
    };
  }
  const api = new ApiClient(connectionOf(command.optsWithGlobals<GlobalOptions>()));
  const get = async (kind: string, name: string) =>
    (
      await api.request<{ document: UpshiftDocument }>(
        "GET",
        `v1/documents/${kind}/${encodeURIComponent(name)}`,
      )
    ).document;
  const service = (await get("Service", options.service)) as DocumentOf<"Service">;
  const environment = (await get("Environment", options.env).catch(() => undefined)) as
    | DocumentOf<"Environment">
    | undefined;
  return {
    service,
    ...(environment ? { environment } : {}),
    root: process.env.UPSHIFT_MIGRATIONS_ROOT ?? process.cwd(),
  };
}

/**
 * `upshift migrate validate --service S --env E`: the pending migrations of S (pending in E's
 * database) run in a scratch database created for the purpose, after the applied history
 * replayed from zero; integrity checked; the scratch database dropped. Exit 1 when anything fails.
 */
export function registerMigrateValidate(migrate: Command): void {
  migrate
    .command("validate")
    .description(
      "replay the history and run the pending migrations and backfills in a scratch database; check integrity",
    )
    .requiredOption("--service <name>", "the Service whose migration set to validate")
    .requiredOption("--env <name>", "the Environment whose database says what is applied")
    .option("-f, --file <paths...>", "read the documents from these files (default: the server)")
    .option(
      "--scratch-url <url>",
      "a PostgreSQL server to create the scratch database on (default: the target's)",
    )
    .option(
      "--seed <file.sql>",
      "SQL run after the applied history, before the pending migrations (sample data)",
    )
    .option("--history-table <name>", "the applied-history table in the target", "upshift_schema_history")
    .option("-o, --output <format>", "text or json", "text")
    .action(async (options: ValidateCommandOptions, command: Command) => {
      const format = parseOutputFormat(options.output, ["text", "json"]);
      const { service, environment, root } = await documentsFor(options, command);
      const { migrationDirectory } = await import("../../adapters/dbmigrate/migration-facts.js");
      const { migrationDatabaseUrl } = await import("../../adapters/dbmigrate/migration-database-url.js");
      const { readMigrationDirectory } = await import("../../adapters/dbmigrate/read-migration-directory.js");
      const { validateMigrations } = await import("../../adapters/dbmigrate/validate-migrations.js");
      const dir = migrationDirectory(service, root);
      if (dir === undefined)
        throw new CliError(`Service ${options.service} declares no spec.migrations.path`, EXIT.invalid);
      const targetUrl = migrationDatabaseUrl(service, environment, options.env);
      const report = await validateMigrations(readMigrationSet(readMigrationDirectory(dir)), {
        targetUrl,
        scratchServerUrl: options.scratchUrl ?? targetUrl,
        historyTable: options.historyTable,
        ...(options.seed ? { seedSql: readFileSync(options.seed, "utf8") } : {}),
        onStage: format === "text" ? (line) => process.stderr.write(`${line}\n`) : undefined,
      });
      if (format === "json") process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else {
        const fks = report.integrity?.foreignKeys ?? [];
        const checks = report.integrity?.checks ?? [];
        const lines = [
          `${report.replayed.length} applied migration(s) replayed, ${report.pending.length} pending applied, ${report.backfills.length} backfill(s) reconciled`,
          `${fks.length} foreign key(s) checked (${fks.filter((f) => !f.validated).length} NOT VALID), ${checks.length} check constraint(s)`,
          ...report.problems.map((p) => `FAILED: ${p}`),
          report.problems.length === 0 ? "valid" : `${report.problems.length} problem(s)`,
        ];
        process.stdout.write(`${lines.join("\n")}\n`);
      }
      if (report.problems.length > 0) process.exitCode = EXIT.invalid;
    });
}
