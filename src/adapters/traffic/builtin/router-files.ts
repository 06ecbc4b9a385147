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
