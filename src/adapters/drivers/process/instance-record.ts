import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { HealthProbe } from "../../../core/rollout/health-probe.js";

/**
 * What the process driver writes for each instance it starts, one JSON file per instance, so a
 * restarted control plane finds and adopts it. Never holds parameter values: secrets are resolved
 * only in the environment of the child process.
 */
export interface InstanceRecord {
  readonly service: string;
  readonly environment: string;
  readonly slot: string;
  readonly index: number;
  readonly version: string;
  readonly pid: number;
  /** /proc start time of the pid, to tell our process from a later one that reuses the pid. */
  readonly pidStart?: string;
  readonly port: number;
  readonly startedAt: string;
  readonly artifactDigest: string;
  readonly idempotencyKey: string;
  readonly logFile: string;
  readonly probe: HealthProbe;
}

const NAME = /^[a-z0-9][a-z0-9.-]{0,62}$/;

/** Refuses names that could escape the state directory (`..`, `/`). */
export function checkName(what: string, name: string): string {
  if (!NAME.test(name) || name.includes(".."))
    throw new Error(`${what} "${name}" must be lower-case letters, digits, '.' and '-'`);
  return name;
}

/** The state directory's instance files, written atomically (write a temporary file, then rename). */
export class InstanceRecordStore {
  constructor(readonly stateDir: string) {}

  private dir(service: string, environment: string): string {
    return join(
      this.stateDir,
      "instances",
      checkName("service", service),
      checkName("environment", environment),
    );
  }

  fileOf(r: Pick<InstanceRecord, "service" | "environment" | "slot" | "index">): string {
    return join(this.dir(r.service, r.environment), `${checkName("slot", r.slot)}-${r.index}.json`);
  }

  async list(service: string, environment: string): Promise<InstanceRecord[]> {
    const dir = this.dir(service, environment);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw e;
    }
    const records: InstanceRecord[] = [];
    for (const n of names.filter((n) => n.endsWith(".json")).sort())
      records.push(JSON.parse(await readFile(join(dir, n), "utf8")) as InstanceRecord);
    return records;
  }

  async write(record: InstanceRecord): Promise<void> {
    const file = this.fileOf(record);
    await mkdir(this.dir(record.service, record.environment), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(record, null, 2)}\n`);
    await rename(tmp, file);
  }

  async remove(record: Pick<InstanceRecord, "service" | "environment" | "slot" | "index">): Promise<void> {
    await rm(this.fileOf(record), { force: true });
  }
}
