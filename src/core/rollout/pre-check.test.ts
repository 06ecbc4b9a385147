import { describe, expect, it } from "vitest";
import { describePreCheckFailures, evaluatePreChecks } from "./pre-check.js";

describe("pre-checks", () => {
  it("passes when every fact is fine", () => {
    const r = evaluatePreChecks([
      { kind: "diskSpace", path: "/var/lib/upshift", freeBytes: 2e9, requiredBytes: 1e8 },
      { kind: "writable", path: "/var/lib/upshift", writable: true },
      { kind: "parameter", name: "db-url", source: "literal", resolvable: true },
    ]);
    expect(r).toEqual({ passed: true, checked: 3, failures: [] });
  });

  it("reports every failure at once, each naming what is wrong and where", () => {
    const r = evaluatePreChecks([
      { kind: "diskSpace", path: "/srv", freeBytes: 1_048_576, requiredBytes: 104_857_600 },
      { kind: "writable", path: "/srv/state", writable: false, error: "EACCES" },
      { kind: "portFree", host: "127.0.0.1", port: 8080, free: false, error: "EADDRINUSE" },
      {
        kind: "artifact",
        path: "/a/orders-2",
        present: true,
        expectedDigest: "sha256:aa",
        actualDigest: "sha256:bb",
      },
      { kind: "artifact", path: "/a/missing", present: false, expectedDigest: "sha256:aa" },
      { kind: "parameter", name: "db-url", resolvable: false },
      { kind: "parameter", name: "token", source: "env:TOKEN", resolvable: false },
      {
        kind: "dependency",
        name: "payments",
        host: "127.0.0.1",
        port: 9,
        reachable: false,
        error: "ECONNREFUSED",
      },
      { kind: "user", name: "deployer", exists: false },
    ]);
    expect(r.passed).toBe(false);
    expect(describePreCheckFailures(r).split("\n")).toEqual([
      "pre-check diskSpace failed at /srv: 1.0 MiB free, 100.0 MiB required",
      "pre-check writable failed at /srv/state: not writable: EACCES",
      "pre-check portFree failed at 127.0.0.1:8080: port is in use (EADDRINUSE)",
      "pre-check artifact failed at /a/orders-2: digest sha256:bb does not match the released sha256:aa",
      "pre-check artifact failed at /a/missing: artifact not found",
      "pre-check parameter failed at db-url: required parameter is not set in any layer (service, environment, release)",
      "pre-check parameter failed at token: secret env:TOKEN cannot be read",
      "pre-check dependency failed at payments (127.0.0.1:9): not reachable over TCP: ECONNREFUSED",
      "pre-check user failed at deployer: user does not exist on this host",
    ]);
  });
});
