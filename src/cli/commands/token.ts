import type { Command } from "commander";
import { isRole, ROLES } from "../../core/auth/role.js";
import type { Store } from "../../store/store.js";
import { CliError, EXIT } from "../exit-codes.js";
import type { GlobalOptions } from "../global-options.js";
import { parseOutputFormat, printResult, renderTable } from "../output.js";

async function withStore<T>(command: Command, work: (store: Store) => Promise<T>): Promise<T> {
  // Loaded on demand so that other commands start without the database drivers.
  const { openStore, storeConfigFromEnv } = await import("../../store/store.js");
  const store = await openStore(storeConfigFromEnv(command.optsWithGlobals<GlobalOptions>().dataDir));
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/**
 * `upshift token create|list|revoke`: works on the store directly (data dir or
 * UPSHIFT_DATABASE_URL), so the first admin token can be made before any exists.
 */
export function registerToken(program: Command): void {
  const token = program.command("token").description("manage API tokens (directly on the store)");
  token
    .command("create")
    .description("create a token and print it once")
    .requiredOption("--name <name>", "who or what uses the token")
    .requiredOption("--role <role>", ROLES.join(" | "))
    .option("--identity <identity>", "who the token acts for in approvals (default: its name)")
    .option("--groups <groups>", "approver groups of the identity, comma-separated (e.g. cab,dba)")
    .option("-o, --output <format>", "text or json", "text")
    .action(
      async (
        options: { name: string; role: string; identity?: string; groups?: string; output: string },
        command: Command,
      ) => {
        const format = parseOutputFormat(options.output, ["text", "json"]);
        if (!isRole(options.role))
          throw new CliError(`--role must be one of ${ROLES.join(", ")}; got "${options.role}"`, EXIT.usage);
        const role = options.role;
        const groups = (options.groups ?? "")
          .split(",")
          .map((g) => g.trim())
          .filter((g) => g !== "");
        const created = await withStore(command, (store) =>
          store.tokens.create(options.name, role, new Date(), {
            ...(options.identity !== undefined ? { identity: options.identity } : {}),
            groups,
          }),
        );
        if (format === "json")
          process.stdout.write(`${JSON.stringify({ token: created.token, ...created.info }, null, 2)}\n`);
        else {
          process.stdout.write(`${created.token}\n`);
          process.stderr.write(
            `token "${options.name}" (${role}, identity ${created.info.identity}${groups.length > 0 ? `, groups ${created.info.groups.join(",")}` : ""}) created; it is shown only now — store it safely\n`,
          );
        }
      },
    );
  token
    .command("list")
    .description("list tokens (never their secrets)")
    .option("-o, --output <format>", "table, json or yaml", "table")
    .action(async (options: { output: string }, command: Command) => {
      const format = parseOutputFormat(options.output);
      const list = await withStore(command, (store) => store.tokens.list());
      printResult(format, list, () =>
        renderTable(
          ["id", "name", "role", "identity", "groups", "created", "last used", "revoked"],
          list.map((t) => [
            t.id,
            t.name,
            t.role,
            t.identity,
            t.groups.join(","),
            t.createdAt,
            t.lastUsedAt ?? "",
            t.revokedAt ?? "",
          ]),
        ),
      );
    });
  token
    .command("revoke")
    .description("revoke a token by id or name")
    .argument("<id-or-name>")
    .action(async (idOrName: string, _options: unknown, command: Command) => {
      const revoked = await withStore(command, (store) => store.tokens.revoke(idOrName, new Date()));
      process.stdout.write(`revoked token "${revoked.name}" (${revoked.id})\n`);
    });
}
