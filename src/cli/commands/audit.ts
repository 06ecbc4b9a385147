import type { Command } from "commander";
import type { ChainPoint } from "../../core/audit/audit-entry.js";
import type { ChainVerdict } from "../../core/audit/chain-finding.js";
import type { AuditRepository } from "../../store/audit-repository.js";
import { CliError, EXIT } from "../exit-codes.js";
import type { GlobalOptions } from "../global-options.js";
import { parseOutputFormat } from "../output.js";
import { registerAuditExport } from "./audit-export.js";

async function withAudit<T>(
  command: Command,
  work: (audit: AuditRepository, store: typeof import("../../store/audit-repository.js")) => Promise<T>,
): Promise<T> {
  // Loaded on demand so that other commands start without the database drivers.
  const { openStore, storeConfigFromEnv } = await import("../../store/store.js");
  const repository = await import("../../store/audit-repository.js");
  const store = await openStore(storeConfigFromEnv(command.optsWithGlobals<GlobalOptions>().dataDir));
  try {
    return await work(new repository.AuditRepository(store.database), repository);
  } finally {
    await store.close();
  }
}

/** Where the anchor a verification checks against came from, for the report. */
type AnchorSource =
  | { readonly kind: "file"; readonly file: string; readonly point: ChainPoint }
  | { readonly kind: "recorded"; readonly at: string; readonly point: ChainPoint }
  | { readonly kind: "none" };

function describeAnchor(source: AnchorSource): string {
  switch (source.kind) {
    case "file":
      return `against the anchor in ${source.file} (entry ${source.point.seq})`;
    case "recorded":
      return `against the anchor recorded at ${source.at} (entry ${source.point.seq})`;
    case "none":
      return "without an anchor (a truncated tail cannot be seen; run `upshift audit anchor --file F`)";
    default: {
      const never: never = source;
      return never;
    }
  }
}

function report(verdict: ChainVerdict, source: AnchorSource, format: string): void {
  const anchor = source.kind === "none" ? null : { ...source.point };
  if (format === "json") {
    const body =
      verdict.kind === "intact"
        ? { valid: true, verified: verdict.verified, head: verdict.head, anchor }
        : { valid: false, verified: verdict.verified, finding: verdict.finding, anchor };
    process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
  }
  if (verdict.kind === "tampered")
    throw new CliError(
      `audit chain tampered: ${verdict.finding.message} (${verdict.verified} entries verified before it, ${describeAnchor(source)})`,
      EXIT.invalid,
    );
  if (format === "text")
    process.stdout.write(
      `ok: audit chain intact: ${verdict.verified} entries verified ${describeAnchor(source)}; head is entry ${verdict.head.seq} ${verdict.head.hash}\n`,
    );
}

/** The webhook an anchor is sent to, with its signing secret read (an error names the flag and reference). */
async function anchorWebhook(url: string, secretRef: string) {
  const { resolveAnchorWebhook } = await import("../../adapters/notify/anchor-webhook.js");
  try {
    return resolveAnchorWebhook(url, secretRef);
  } catch (error) {
    throw new CliError(`--webhook/--secret: ${(error as Error).message}`, EXIT.usage);
  }
}

/**
 * `upshift audit verify|anchor`: works on the store directly (data dir or UPSHIFT_DATABASE_URL), so an
 * auditor needs read access to the database, not a token of the server whose log is in question.
 */
export function registerAudit(program: Command): void {
  const audit = program.command("audit").description("verify and anchor the hash-chained audit log");
  registerAuditExport(audit);
  audit
    .command("verify")
    .description("walk the chain and name the first entry edited, deleted, inserted, reordered or truncated")
    .option(
      "--anchor <file>",
      "anchor file written by `audit anchor --file` (default: the last anchor recorded)",
    )
    .option("-o, --output <format>", "text or json", "text")
    .action(async (options: { anchor?: string; output: string }, command: Command) => {
      const format = parseOutputFormat(options.output, ["text", "json"]);
      const [verdict, source] = await withAudit(command, async (repo, { readAnchorFile }) => {
        let anchorSource: AnchorSource = { kind: "none" };
        if (options.anchor !== undefined)
          anchorSource = { kind: "file", file: options.anchor, point: await readAnchorFile(options.anchor) };
        else {
          const recorded = await repo.latestAnchor();
          if (recorded !== undefined)
            anchorSource = {
              kind: "recorded",
              at: recorded.at,
              point: { seq: recorded.seq, hash: recorded.hash },
            };
        }
        const anchor = anchorSource.kind === "none" ? undefined : anchorSource.point;
        return [await repo.verify(anchor ? { anchor } : {}), anchorSource] as const;
      });
      report(verdict, source, format);
    });
  audit
    .command("anchor")
    .description("record the head of the log as an anchor, and write it to a file to keep elsewhere")
    .option("--file <file>", "also write the anchor to this file (JSON)")
    .option("--webhook <url>", "also send the anchor to this URL as a signed CloudEvent")
    .option(
      "--secret <ref>",
      "HMAC key for --webhook: env:NAME or file:/path",
      "env:UPSHIFT_ANCHOR_WEBHOOK_SECRET",
    )
    .option("-o, --output <format>", "text or json", "text")
    .action(
      async (
        options: { file?: string; webhook?: string; secret: string; output: string },
        command: Command,
      ) => {
        const format = parseOutputFormat(options.output, ["text", "json"]);
        const publish =
          options.webhook === undefined ? undefined : await anchorWebhook(options.webhook, options.secret);
        const anchor = await withAudit(command, (repo) =>
          repo
            .anchor({
              now: new Date(),
              ...(options.file !== undefined ? { file: options.file } : {}),
              ...(publish !== undefined ? { publish } : {}),
            })
            .catch((error: unknown) => {
              if (error instanceof Error && error.name === "AnchorNotSentError")
                throw new CliError(error.message, EXIT.unreachable);
              throw error;
            }),
        );
        if (format === "json") process.stdout.write(`${JSON.stringify(anchor, null, 2)}\n`);
        else {
          const where = anchor.destination === null ? "" : `; written to ${anchor.destination}`;
          process.stdout.write(`anchored entry ${anchor.seq} ${anchor.hash} at ${anchor.at}${where}\n`);
        }
      },
    );
}
