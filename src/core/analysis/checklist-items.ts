/**
 * The manual checklist items a step carries in its planned input (Release checks of kind
 * manual-checklist), and how a person names one: by its text or by its number in `show`.
 */
import { InputError } from "../errors/domain-error.js";
import { verificationOfInput } from "./verification-settings.js";

/** Every checklist item of a step, in document order (duplicates across checklists once). */
export function checklistItemsOfInput(input: Readonly<Record<string, unknown>>): readonly string[] {
  const items: string[] = [];
  for (const entry of verificationOfInput(input).checks)
    if (entry.check.kind === "manual-checklist")
      for (const item of entry.check.items) if (!items.includes(item)) items.push(item);
  return items;
}

/** The item a person means: its exact text, or its 1-based number; an InputError lists the valid ones. */
export function resolveChecklistItem(items: readonly string[], given: string, where: string): string {
  if (items.includes(given)) return given;
  if (/^\d+$/.test(given)) {
    const item = items[Number(given) - 1];
    if (item !== undefined) return item;
  }
  throw new InputError(
    "checklist.unknown-item",
    items.length === 0
      ? `${where} has no manual checklist`
      : `${where} has no checklist item "${given}"; its items: ${items.map((t, i) => `${i + 1}. ${t}`).join("; ")}`,
  );
}
