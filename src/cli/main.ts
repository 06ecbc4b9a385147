#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { DomainError } from "../core/errors/domain-error.js";
import { UPSHIFT_VERSION } from "../server/version.js";
import { registerAnalysis } from "./commands/analysis.js";
import { registerApply } from "./commands/apply.js";
import { registerAudit } from "./commands/audit.js";
import { registerCalendar } from "./commands/calendar.js";
import { registerChange } from "./commands/change.js";
import { registerChecklist } from "./commands/checklist.js";
import { registerGet } from "./commands/get.js";
import { registerInit } from "./commands/init.js";
import { registerMigrate } from "./commands/migrate.js";
import { registerPlan } from "./commands/plan.js";
import { registerRollouts } from "./commands/rollout.js";
import { registerRun } from "./commands/run.js";
import { registerServer } from "./commands/server.js";
import { registerToken } from "./commands/token.js";
import { registerValidate } from "./commands/validate.js";
import { CliError, EXIT, exitCodeFor } from "./exit-codes.js";

function buildProgram(): Command {
  const program = new Command("upshift")
    .description("Upshift: plan, govern, deploy, migrate, verify and roll back fleet upgrades")
    .version(UPSHIFT_VERSION)
    .option("--server <url>", "Upshift server (default UPSHIFT_URL or http://127.0.0.1:7400)")
    .option("--token <token>", "API token (default UPSHIFT_TOKEN)")
    .option("--data-dir <dir>", "embedded store directory (default UPSHIFT_DATA_DIR or ./.upshift)")
    .showHelpAfterError()
    .exitOverride();
  for (const register of [
    registerInit,
    registerValidate,
    registerApply,
    registerGet,
    registerPlan,
    registerRun,
    registerServer,
    registerToken,
    registerAudit,
    registerAnalysis,
    registerCalendar,
    registerMigrate,
    registerChecklist,
    registerRollouts,
    registerChange,
  ])
    register(program);
  for (const sub of program.commands) {
    sub.exitOverride();
    for (const subsub of sub.commands) subsub.exitOverride();
  }
  return program;
}

function report(error: unknown): number {
  if (error instanceof CommanderError) {
    // Help and version are not errors; commander already printed them.
    if (
      error.code === "commander.helpDisplayed" ||
      error.code === "commander.version" ||
      error.code === "commander.help"
    )
      return EXIT.ok;
    return EXIT.usage;
  }
  if (error instanceof CliError) {
    for (const line of error.lines) process.stderr.write(`${line}\n`);
    process.stderr.write(`error: ${error.message}\n`);
    return error.exitCode;
  }
  if (error instanceof DomainError) {
    process.stderr.write(`error: ${error.message}\n`);
    return exitCodeFor(error.kind);
  }
  process.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return EXIT.invalid;
}

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  process.exitCode = report(error);
}
