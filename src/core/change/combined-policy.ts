import type { PolicySpec } from "../documents/kinds/policy.js";

/**
 * One Policy from all Policy documents: approval rules from every one of them (each rule applies
 * where it matches), and for the single-valued sections (risk, emergency, audit windows) the first
 * document, by name, that sets them.
 */
export function combinedPolicy(policies: readonly { name: string; spec: PolicySpec }[]): PolicySpec {
  const sorted = [...policies].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const first = <K extends keyof PolicySpec>(key: K): PolicySpec[K] =>
    sorted.find((p) => p.spec[key] !== undefined)?.spec[key];
  const rules = sorted.flatMap((p) => p.spec.approvals?.rules ?? []);
  const risk = first("risk");
  const emergency = first("emergency");
  const auditWindows = first("auditWindows");
  return {
    ...(rules.length > 0 ? { approvals: { rules } } : {}),
    ...(risk !== undefined ? { risk } : {}),
    ...(emergency !== undefined ? { emergency } : {}),
    ...(auditWindows !== undefined ? { auditWindows } : {}),
  };
}
