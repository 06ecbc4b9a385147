import { describe, expect, it } from "vitest";
import { parseCommandDriverSettings } from "./command-driver-settings.js";

describe("command driver settings", () => {
  it("accepts argument arrays and refuses a shell string, naming the field", () => {
    const ok = parseCommandDriverSettings({
      commands: { deploy: ["./deploy.sh"], observe: ["./observe.sh"], retire: ["./retire.sh", "--all"] },
      user: "deployer",
    });
    expect(ok.commands.retire).toEqual(["./retire.sh", "--all"]);
    expect(ok.user).toBe("deployer");
    expect(() =>
      parseCommandDriverSettings({
        commands: { deploy: "./deploy.sh && ./notify.sh", observe: ["o"], retire: ["r"] },
      }),
    ).toThrow(/settings\.commands\.deploy: /);
    expect(() => parseCommandDriverSettings({})).toThrow(/settings\.commands: /);
  });
});
