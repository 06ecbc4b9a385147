import { describe, expect, it } from "vitest";
import { parseProcessDriverSettings, processArtifact } from "./process-driver-settings.js";

const digest = `sha256:${"a".repeat(64)}`;

describe("process driver settings", () => {
  it("turns a Release artifact into a directory or a command artifact", () => {
    const dir = parseProcessDriverSettings({ start: ["node", "server.mjs"] });
    expect(processArtifact({ uri: "file:///srv/orders/2.0.0", digest }, dir)).toEqual({
      kind: "directory",
      path: "/srv/orders/2.0.0",
      start: ["node", "server.mjs"],
      digest,
    });
    const bin = parseProcessDriverSettings({ args: ["--serve"] });
    expect(processArtifact({ uri: "/opt/orders/bin/orders", digest }, bin)).toEqual({
      kind: "command",
      command: ["/opt/orders/bin/orders", "--serve"],
      digest,
    });
  });

  it("names what is wrong", () => {
    expect(() => parseProcessDriverSettings({ start: "node server.mjs" })).toThrow(/settings\.start: /);
    expect(() => parseProcessDriverSettings({ stat: [] })).toThrow(/settings: .*"stat"/);
    expect(() => processArtifact({ uri: "https://example.com/a.tgz", digest }, {})).toThrow(
      /local artifacts only/,
    );
    expect(() => processArtifact({ digest }, {})).toThrow(/has no uri/);
  });
});
