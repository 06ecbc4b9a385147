import type { UpshiftDocument } from "../documents/document-kinds.js";
import type { Booking, CalendarWorld, ScheduledChange } from "./calendar-world.js";
import { releaseBookings } from "./release-bookings.js";

/**
 * The calendar's view of a validated document set, plus the changes and bookings the store
 * holds. A Service's tier comes from `spec.tier`, else from its `tier` label; its labels from
 * metadata, where window scopes match them. A Release with a `window` holds its `bookings` in it
 * (a concurrent release track), beside the `bookings` passed in.
 */
export function worldFromDocuments(
  documents: readonly UpshiftDocument[],
  changes: readonly ScheduledChange[] = [],
  bookings: readonly Booking[] = [],
): CalendarWorld {
  const environments: Record<string, CalendarWorld["environments"][string]> = {};
  const services: Record<string, CalendarWorld["services"][string]> = {};
  const calendars: CalendarWorld["calendars"][number][] = [];
  const resources: CalendarWorld["resources"][number][] = [];
  const held: Booking[] = [...bookings];
  for (const doc of documents) {
    const name = doc.metadata.name;
    switch (doc.kind) {
      case "Calendar":
        calendars.push({ name, spec: doc.spec });
        break;
      case "Resource":
        resources.push({ name, spec: doc.spec });
        break;
      case "Environment":
        environments[name] = {
          region: doc.spec.region,
          timeZone: doc.spec.timeZone,
          calendars: doc.spec.calendars,
        };
        break;
      case "Service": {
        const labelTier = Number(doc.metadata.labels?.tier);
        services[name] = {
          tier: doc.spec.tier ?? (Number.isInteger(labelTier) ? labelTier : undefined),
          labels: doc.metadata.labels,
          dependsOn: doc.spec.dependsOn,
          owner: doc.spec.owner,
        };
        break;
      }
      case "Release":
        held.push(...releaseBookings(name, doc.spec));
        break;
      case "Policy":
        break;
      default: {
        const never: never = doc;
        throw new Error(`unhandled document ${JSON.stringify(never)}`);
      }
    }
  }
  return { calendars, environments, services, resources, changes, bookings: held };
}
