import type { NotificationEventKind } from "../../core/notify/notification-policy.js";

/** One event's templates (Eta syntax; `it` is a NotificationView). */
export interface NotificationTemplate {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** Shared blocks, included as `<%~ include("@change-text", it) %>`. */
export const PARTIALS: Readonly<Record<string, string>> = {
  "@change-text": `Change:       <%= it.change.number %> (<%= it.change.type %><%= it.change.emergency ? ", EMERGENCY" : "" %>)
Release:      <%= it.change.release %>
Environment:  <%= it.change.environment %>
Window:       <%= it.change.window %>
Services:     <%= it.change.services.map((s) => s.name + " (tier " + s.tier + ")").join(", ") || "none listed" %>
SLA impact:   <%= it.change.slaImpact %>
Customers:    <%= it.change.customerImpact %>
`,
  "@change-html": `<table>
<tr><th align="left">Change</th><td><%= it.change.number %> (<%= it.change.type %>)<% if (it.change.emergency) { %> <strong>EMERGENCY</strong><% } %></td></tr>
<tr><th align="left">Release</th><td><%= it.change.release %></td></tr>
<tr><th align="left">Environment</th><td><%= it.change.environment %></td></tr>
<tr><th align="left">Window</th><td><%= it.change.window %></td></tr>
<tr><th align="left">Services</th><td><% if (it.change.services.length === 0) { %>none listed<% } else { %><ul><% it.change.services.forEach((s) => { %><li><%= s.name %> (tier <%= s.tier %>)</li><% }) %></ul><% } %></td></tr>
<tr><th align="left">SLA impact</th><td><%= it.change.slaImpact %></td></tr>
<tr><th align="left">Customers</th><td><%= it.change.customerImpact %></td></tr>
</table>`,
  "@run-text": `Run:          <%= it.run.id %>
Release:      <%= it.run.release %>
Environment:  <%= it.run.environment %>
Phase:        <%= it.run.phase %>
Change:       <%= it.run.change ?? "none" %>
At:           <%= it.at %>
`,
  "@run-html": `<table>
<tr><th align="left">Run</th><td><%= it.run.id %></td></tr>
<tr><th align="left">Release</th><td><%= it.run.release %></td></tr>
<tr><th align="left">Environment</th><td><%= it.run.environment %></td></tr>
<tr><th align="left">Phase</th><td><%= it.run.phase %></td></tr>
<tr><th align="left">Change</th><td><%= it.run.change ?? "none" %></td></tr>
<tr><th align="left">At</th><td><%= it.at %></td></tr>
</table>`,
};

const page = (heading: string, body: string) =>
  `<!doctype html><html><body style="font-family: sans-serif"><h2>${heading}</h2>\n${body}\n<p style="color:#666">Sent by Upshift.</p></body></html>`;

/** The templates, one per event. */
export const TEMPLATES: Readonly<Record<NotificationEventKind, NotificationTemplate>> = {
  "approval-requested": {
    subject:
      "Approval requested: <%= it.change.number %> <%= it.change.release %> to <%= it.change.environment %>",
    text: `Your approval is requested for change <%= it.change.number %>.
Awaiting: <%= it.groups.join(", ") || "the approvers of the change" %>

<%~ include("@change-text", it) %>
Approve:  upshift approve <%= it.change.number %> --comment "..."
Reject:   upshift reject <%= it.change.number %> --comment "..."
`,
    html: page(
      "Approval requested: <%= it.change.number %>",
      `<p>Awaiting: <%= it.groups.join(", ") || "the approvers of the change" %></p>
<%~ include("@change-html", it) %>
<p><code>upshift approve <%= it.change.number %> --comment "..."</code></p>`,
    ),
  },
  "downtime-scheduled": {
    subject: "Scheduled maintenance: <%= it.change.environment %>, <%= it.change.window %>",
    text: `Change <%= it.change.number %> is scheduled. Times are in <%= it.timeZone %>.

<%~ include("@change-text", it) %>`,
    html: page(
      "Scheduled maintenance: <%= it.change.number %>",
      `<p>Times are in <%= it.timeZone %>.</p>
<%~ include("@change-html", it) %>`,
    ),
  },
  emergency: {
    subject:
      "EMERGENCY change <%= it.change.number %>: <%= it.change.release %> to <%= it.change.environment %>",
    text: `An emergency change was raised by <%= it.actor %> at <%= it.at %>.
It skips the normal lead time and owes a retrospective review before it can close.

<%~ include("@change-text", it) %>`,
    html: page(
      "EMERGENCY change <%= it.change.number %>",
      `<p>Raised by <%= it.actor %> at <%= it.at %>. It owes a retrospective review before it can close.</p>
<%~ include("@change-html", it) %>`,
    ),
  },
  started: {
    subject: "Started: <%= it.run.release %> in <%= it.run.environment %>",
    text: `The rollout of <%= it.run.release %> to <%= it.run.environment %> has started.

<%~ include("@run-text", it) %>`,
    html: page(
      "Started: <%= it.run.release %> in <%= it.run.environment %>",
      `<%~ include("@run-html", it) %>`,
    ),
  },
  completed: {
    subject: "Completed: <%= it.run.release %> in <%= it.run.environment %>",
    text: `The rollout of <%= it.run.release %> to <%= it.run.environment %> completed successfully.

<%~ include("@run-text", it) %>`,
    html: page(
      "Completed: <%= it.run.release %> in <%= it.run.environment %>",
      `<%~ include("@run-html", it) %>`,
    ),
  },
  failed: {
    subject: "<%= it.run.phase %>: <%= it.run.release %> in <%= it.run.environment %>",
    text: `The rollout of <%= it.run.release %> to <%= it.run.environment %> is <%= it.run.phase %> and needs attention.

<%~ include("@run-text", it) %>`,
    html: page(
      "<%= it.run.phase %>: <%= it.run.release %> in <%= it.run.environment %>",
      `<%~ include("@run-html", it) %>`,
    ),
  },
  "rolled-back": {
    subject: "Rolled back: <%= it.run.release %> in <%= it.run.environment %>",
    text: `The rollout of <%= it.run.release %> to <%= it.run.environment %> was rolled back.

<%~ include("@run-text", it) %>`,
    html: page(
      "Rolled back: <%= it.run.release %> in <%= it.run.environment %>",
      `<%~ include("@run-html", it) %>`,
    ),
  },
};
