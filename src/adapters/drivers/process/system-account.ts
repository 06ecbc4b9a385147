import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";

/** A user account on this host, as a command driver runs under it. */
export interface SystemAccount {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
}

function parsePasswdLine(line: string): SystemAccount | undefined {
  const [name, , uid, gid, , home] = line.trim().split(":");
  if (name === undefined || uid === undefined || gid === undefined) return undefined;
  return { name, uid: Number(uid), gid: Number(gid), home: home ?? "/" };
}

/** Looks an account up with getent (so LDAP and other NSS sources count), else in /etc/passwd. */
export function lookupAccount(name: string): Promise<SystemAccount | undefined> {
  return new Promise((resolve) => {
    execFile("getent", ["passwd", name], (error, stdout) => {
      if (error === null) return resolve(parsePasswdLine(stdout));
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") return resolve(undefined);
      readFile("/etc/passwd", "utf8").then(
        (text) =>
          resolve(
            text
              .split("\n")
              .map(parsePasswdLine)
              .find((a) => a?.name === name),
          ),
        () => resolve(undefined),
      );
    });
  });
}
