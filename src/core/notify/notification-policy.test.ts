import { describe, expect, it } from "vitest";
import { validateSources } from "../documents/validate-documents.js";

const policy = (notifications: string) => `apiVersion: upshift.dev/v1alpha1
kind: Policy
metadata: { name: comms }
spec:
  notifications:
${notifications}`;

const problemsOf = (text: string) =>
  validateSources([{ name: "policy.yaml", text }]).problems.map((p) => `${p.line} ${p.path}: ${p.message}`);

describe("Policy notifications section", () => {
  it("accepts channels, recipients with time zones and routes", () => {
    const text = policy(`    channels:
      - { name: mail, type: email, host: smtp.example.com, from: upshift@example.com, password: env:SMTP_PASSWORD, username: upshift }
      - { name: hook, type: webhook, url: https://hooks.example.com/upshift, secret: env:HOOK_SECRET }
      - { name: chat, type: slack, url: env:SLACK_URL, timeZone: Asia/Tokyo }
    recipients:
      - { name: alice, email: alice@example.com, timeZone: Europe/Berlin }
    routes:
      - { events: [downtime-scheduled, emergency], channels: [mail, hook, chat], recipients: [alice] }`);
    expect(problemsOf(text)).toEqual([]);
  });

  it("names the route, the unknown channel and the channels that exist", () => {
    const text = policy(`    channels:
      - { name: hook, type: webhook, url: https://hooks.example.com/upshift, secret: env:HOOK_SECRET }
    routes:
      - { events: [started], channels: [hook, pager] }`);
    expect(problemsOf(text)).toEqual([
      '9 spec.notifications.routes[0].channels[1]: the string "pager" is not a declared channel; declared channels: hook',
    ]);
  });

  it("refuses an e-mail route without recipients, an unknown recipient, a bad zone and an unknown event", () => {
    const text = policy(`    channels:
      - { name: mail, type: email, host: smtp.example.com, from: upshift@example.com }
    recipients:
      - { name: bob, email: bob@example.com, timeZone: Mars/Olympus }
    routes:
      - { events: [completed], channels: [mail] }
      - { events: [completed, exploded], channels: [mail], recipients: [carol] }`);
    const problems = problemsOf(text);
    expect(problems).toContainEqual(
      expect.stringMatching(
        /spec\.notifications\.recipients\[0\]\.timeZone: the string "Mars\/Olympus" must be an IANA time zone/,
      ),
    );
    expect(problems).toContainEqual(expect.stringMatching(/spec\.notifications\.routes\[1\]\.events\[1\]/));
    // Cross-checks run only once the section parses; the zone and event above fail it first.
    const fixed = text.replace("Mars/Olympus", "UTC").replace(", exploded", "");
    expect(problemsOf(fixed)).toEqual([
      '11 spec.notifications.routes[0].channels[0]: the string "mail" is an e-mail channel, which needs recipients on this route',
      '12 spec.notifications.routes[1].recipients[0]: the string "carol" is not a declared recipient; declared recipients: bob',
    ]);
  });

  it("refuses a channel declared twice", () => {
    const text = policy(`    channels:
      - { name: chat, type: slack, url: env:A }
      - { name: chat, type: slack, url: env:B }
    routes: []`);
    expect(problemsOf(text)).toEqual([
      '8 spec.notifications.channels[1].name: the string "chat" is declared as a channel name twice',
    ]);
  });
});
