import { Eta } from "eta/core";
import type { NotificationView } from "../../core/notify/notification-view.js";
import { PARTIALS, TEMPLATES } from "./notification-templates.js";

/** A rendered message: subject and plain text for every channel, HTML for e-mail. */
export interface RenderedNotification {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

function engine(autoEscape: boolean): Eta {
  // autoTrim false: the plain-text layout is what the reader sees, line for line.
  const eta = new Eta({ autoEscape, autoTrim: false, cache: true });
  for (const [name, template] of Object.entries(PARTIALS)) eta.loadTemplate(name, template);
  return eta;
}

const plain = engine(false);
const html = engine(true);

/** Renders the event's templates for one reader (the view carries their zone). */
export function renderNotification(view: NotificationView): RenderedNotification {
  const template = TEMPLATES[view.kind];
  return {
    subject: plain.renderString(template.subject, view).replace(/\s+/g, " ").trim(),
    text: plain.renderString(template.text, view),
    html: html.renderString(template.html, view),
  };
}
