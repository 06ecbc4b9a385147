import type { Command } from "commander";
import { DOCUMENT_KINDS, resolveKindName } from "../../core/documents/document-kinds.js";
import { ApiClient } from "../api-client.js";
import { CliError, EXIT } from "../exit-codes.js";
import { connectionOf, type GlobalOptions } from "../global-options.js";
import { parseOutputFormat, printResult, renderTable } from "../output.js";

interface Stored {
  readonly document: { kind: string; metadata: { name: string }; spec: Record<string, unknown> };
  readonly generation: number;
  readonly updatedAt: string;
  readonly updatedBy: string | null;
}

function summary(s: Stored): string {
  const spec = s.document.spec;
  if (typeof spec.version === "string") return `version ${spec.version}`;
  if (Array.isArray(spec.changes)) return `${spec.changes.length} changes`;
  if (Array.isArray(spec.windows)) return `${spec.windows.length} windows`;
  if (typeof spec.order === "number") return `order ${spec.order}`;
  return "";
}

/** `upshift get <kind> [name]`: stored documents from the server. */
export function registerGet(program: Command): void {
  program
    .command("get")
    .description("show stored documents of a kind, or one document")
    .argument("<kind>", `one of ${DOCUMENT_KINDS.join(", ")} (singular or plural, any case)`)
    .argument("[name]", "document name")
    .option("-o, --output <format>", "table, json or yaml", "table")
    .action(
      async (kindText: string, name: string | undefined, options: { output: string }, command: Command) => {
        const format = parseOutputFormat(options.output);
        const kind = resolveKindName(kindText);
        if (kind === undefined)
          throw new CliError(`unknown kind "${kindText}"; one of ${DOCUMENT_KINDS.join(", ")}`, EXIT.usage);
        const client = new ApiClient(connectionOf(command.optsWithGlobals<GlobalOptions>()));
        if (name !== undefined) {
          const one = await client.request<Stored>("GET", `v1/documents/${kind}/${encodeURIComponent(name)}`);
          printResult(
            format === "table" ? "yaml" : format,
            format === "table" ? one.document : one,
            () => "",
          );
          return;
        }
        const list = await client.request<{ items: Stored[] }>("GET", `v1/documents/${kind}`);
        printResult(
          format,
          list.items.map((i) => i.document),
          () =>
            renderTable(
              ["name", "generation", "summary", "updated", "by"],
              list.items.map((i) => [
                i.document.metadata.name,
                String(i.generation),
                summary(i),
                i.updatedAt,
                i.updatedBy ?? "",
              ]),
            ),
        );
      },
    );
}
