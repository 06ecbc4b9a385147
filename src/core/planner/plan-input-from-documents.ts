import type { DocumentOf, UpshiftDocument } from "../documents/document-kinds.js";
import { didYouMean } from "../documents/nearest-name.js";
import { NotFoundError } from "../errors/domain-error.js";
import type { PlanInput } from "./planning-fleet.js";

/** The planner's input from a set of documents: every Service and the named Release. */
export function planInputFromDocuments(docs: readonly UpshiftDocument[], releaseName: string): PlanInput {
  const releases = docs.filter((d): d is DocumentOf<"Release"> => d.kind === "Release");
  const release = releases.find((r) => r.metadata.name === releaseName);
  if (release === undefined) {
    const names = releases.map((r) => r.metadata.name);
    throw new NotFoundError(
      "plan.unknown-release",
      `no Release "${releaseName}".${didYouMean(releaseName, names)} (known: ${names.join(", ") || "none"})`,
    );
  }
  return { services: docs.filter((d): d is DocumentOf<"Service"> => d.kind === "Service"), release };
}
