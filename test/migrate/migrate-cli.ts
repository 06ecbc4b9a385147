/**
 * Runs `upshift migrate ...` from the sources, as the real binary would once main.ts registers
 * the command: the same program setup and the same error-to-exit-code mapping.
 * Usage: node --import tsx test/migrate/migrate-cli.ts migrate <args...>
 */
import { Command, CommanderError } from "commander";
import { registerMigrate } from "../../src/cli/commands/migrate.js";
import { CliError, EXIT, exitCodeFor } from "../../src/cli/exit-codes.js";
import { DomainError } from "../../src/core/errors/domain-error.js";

const program = new Command("upshift").option("--data-dir <dir>").exitOverride();
registerMigrate(program);
for (const sub of program.commands) {
  sub.exitOverride();
  for (const subsub of sub.commands) subsub.exitOverride();
}
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exitCode = EXIT.usage;
  else if (error instanceof CliError) {
    process.stderr.write(`error: ${error.message}\n`);
    process.exitCode = error.exitCode;
  } else if (error instanceof DomainError) {
    process.stderr.write(`error: ${error.message}\n`);
    process.exitCode = exitCodeFor(error.kind);
  } else {
    process.stderr.write(`error: ${String(error)}\n`);
    process.exitCode = EXIT.invalid;
  }
}
