import { copyFileSync, existsSync, mkdirSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { CliError, EXIT } from "../exit-codes.js";

/** The example workspace shipped with the package (examples/workspace). */
const EXAMPLE_DIR = fileURLToPath(new URL("../../../examples/workspace/", import.meta.url));

/** `upshift init [dir]`: a small commented workspace to start from; never overwrites a file. */
export function registerInit(program: Command): void {
  program
    .command("init")
    .description("write a small commented example workspace")
    .argument("[dir]", "target directory", "upshift")
    .action((dir: string) => {
      const target = resolve(dir);
      const files = readdirSync(EXAMPLE_DIR)
        .filter((f) => f.endsWith(".yaml"))
        .sort();
      const clashes = files.filter((f) => existsSync(join(target, f)));
      if (clashes.length > 0)
        throw new CliError(
          `${target} already has ${clashes.join(", ")}; choose an empty directory`,
          EXIT.invalid,
        );
      mkdirSync(target, { recursive: true });
      for (const f of files) copyFileSync(join(EXAMPLE_DIR, f), join(target, f));
      process.stdout.write(
        `wrote ${files.length} files to ${target}:\n${files.map((f) => `  ${f}`).join("\n")}\nnext: upshift validate ${dir}\n`,
      );
    });
}
