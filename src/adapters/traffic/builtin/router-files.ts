import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Where a service's router keeps its state: the route it reloads on start, its pid record, its log. */
export interface RouterFiles {
  readonly routeFile: string;
  readonly pidFile: string;
  readonly logFile: string;
}

/** What a running router writes once it listens, so that a control plane can find and adopt it. */
export interface RouterPidRecord {
  readonly service: string;
  readonly pid: number;
  readonly adminPort: number;
  readonly listen: string;
  readonly startedAt: string;
}

/** The files of one service's router in a state directory. */
export function routerFiles(stateDir: string, service: string): RouterFiles {
  return {
    routeFile: join(stateDir, `${service}.route.json`),
    pidFile: join(stateDir, `${service}.router.json`),
    logFile: join(stateDir, `${service}.router.log`),
  };
}

/** Writes JSON through a temporary file and a rename, so a reader never sees half a file. */
export function writeJsonAtomically(file: string, value: unknown): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(temporary, file);
}

/** Reads a JSON file, or null when it does not exist. */
export function readJsonFile<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}
