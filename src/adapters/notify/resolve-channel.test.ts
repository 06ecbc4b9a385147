import { describe, expect, it } from "vitest";
import { resolveChannel } from "./resolve-channel.js";

const read =
  (values: Record<string, string>) => (source: { kind: "env" | "file"; name?: string; path?: string }) =>
    source.kind === "env" ? values[source.name ?? ""] : undefined;

describe("resolving a channel's secrets", () => {
  it("reads env references and keeps literals", () => {
    const channel = resolveChannel(
      "comms",
      { name: "hook", type: "webhook", url: "https://h.example.com/x", secret: "env:HOOK_SECRET" },
      read({ HOOK_SECRET: "abc" }) as never,
    );
    expect(channel).toEqual({ type: "webhook", name: "hook", url: "https://h.example.com/x", secret: "abc" });
  });

  it("names the Policy, channel, field and variable of a missing secret, never a value", () => {
    expect(() =>
      resolveChannel("comms", { name: "chat", type: "slack", url: "env:SLACK_URL" }, read({}) as never),
    ).toThrow(
      'Policy/comms spec.notifications channel "chat" field url: secret env:SLACK_URL is not set (set the environment variable SLACK_URL for the server)',
    );
    expect(() =>
      resolveChannel(
        "comms",
        {
          name: "mail",
          type: "email",
          host: "h",
          from: "a@b.c",
          username: "u",
          password: "file:/nonexistent/pw",
        },
        read({}) as never,
      ),
    ).toThrow(
      'channel "mail" field password: secret file:/nonexistent/pw is not set (the file cannot be read)',
    );
  });

  it("refuses a malformed reference, a non-HTTP URL and half of an SMTP login", () => {
    expect(() =>
      resolveChannel("comms", { name: "chat", type: "slack", url: "env:not-a-name" }, read({}) as never),
    ).toThrow(/field url: "env:not-a-name" is not a valid env reference/);
    expect(() =>
      resolveChannel("comms", { name: "chat", type: "slack", url: "ftp://x.example.com" }, read({}) as never),
    ).toThrow('Policy/comms spec.notifications channel "chat" field url: ftp: is not http: or https:');
    expect(() =>
      resolveChannel(
        "comms",
        { name: "mail", type: "email", host: "h", from: "a@b.c", username: "u" },
        read({}) as never,
      ),
    ).toThrow("field username/password: give both or neither");
  });
});
