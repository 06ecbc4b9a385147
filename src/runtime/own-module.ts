/**
 * Running one of this package's own modules in another process or thread. Compiled JavaScript
 * (`dist/`) runs as it is; from the TypeScript sources (tests, `tsx`, `npm run demo`) it runs
 * through tsx's hooks, resolved from this package so that any working directory works.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * The module `relative` (a path without extension, e.g. "./judge-worker" or "../cli/main") next to
 * the module whose `import.meta.url` is `from`: its .js file when `from` is compiled, else its .ts.
 */
function ownModule(from: string, relative: string): { readonly path: string; readonly compiled: boolean } {
  const compiled = fileURLToPath(from).endsWith(".js");
  return { path: fileURLToPath(new URL(`${relative}${compiled ? ".js" : ".ts"}`, from)), compiled };
}

/** node arguments that run module `relative` (see ownModule) as a program of its own. */
export function ownModuleArgs(from: string, relative: string): string[] {
  const { path, compiled } = ownModule(from, relative);
  if (compiled) return [path];
  // What `node --import tsx` loads (ESM and CommonJS hooks).
  const tsxDir = dirname(createRequire(import.meta.url).resolve("tsx/package.json"));
  return ["--import", pathToFileURL(join(tsxDir, "dist/loader.mjs")).href, path];
}

/**
 * A worker thread running module `relative` (see ownModule). A worker inherits this process's
 * flags: `--input-type` (a script run with `node -e`) would make it refuse its file, so it is left out.
 */
export function ownModuleWorker(from: string, relative: string, options: WorkerOptions = {}): Worker {
  const { path, compiled } = ownModule(from, relative);
  const execArgv = process.execArgv.filter((flag) => !flag.startsWith("--input-type"));
  if (compiled) return new Worker(path, { execArgv, ...options });
  // tsx's ESM API module, found through its CommonJS twin (require.resolve answers that one).
  const api = createRequire(import.meta.url)
    .resolve("tsx/esm/api")
    .replace(/\.cjs$/, ".mjs");
  const boot = `import(${JSON.stringify(pathToFileURL(api).href)})
    .then((tsx) => { tsx.register(); return import(${JSON.stringify(pathToFileURL(path).href)}); })`;
  return new Worker(boot, { execArgv, ...options, eval: true });
}
