import semver from "semver";

/** Answers "does version v satisfy npm range r?" for API versions. */
export type RangeMatcher = (version: string, range: string) => boolean;

/**
 * A memoising matcher: fleets repeat the same few ranges and versions thousands of times, and
 * parsing a range is the expensive part of `semver.satisfies`. One per planning run, so memory
 * is released with the plan.
 */
export function createRangeMatcher(): RangeMatcher {
  // Nested maps rather than a joined key: no string is built per question.
  const answers = new Map<string, Map<string, boolean>>();
  const parsed = new Map<string, semver.Range | null>();
  return (version, range) => {
    let byVersion = answers.get(range);
    if (byVersion === undefined) {
      byVersion = new Map();
      answers.set(range, byVersion);
      parsed.set(range, semver.validRange(range) === null ? null : new semver.Range(range));
    }
    const known = byVersion.get(version);
    if (known !== undefined) return known;
    const r = parsed.get(range);
    const answer = r !== null && r !== undefined && semver.satisfies(version, r);
    byVersion.set(version, answer);
    return answer;
  };
}
