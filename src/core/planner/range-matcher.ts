import semver from "semver";

/** Answers "does version v satisfy npm range r?" for API versions. */
export type RangeMatcher = (version: string, range: string) => boolean;

/**
 * A memoising matcher: fleets repeat the same few ranges and versions thousands of times, and
 * parsing a range is the expensive part of `semver.satisfies`. One per planning run, so memory
 * is released with the plan.
 */
export function createRangeMatcher(): RangeMatcher {
  const ranges = new Map<string, semver.Range | null>();
  const answers = new Map<string, boolean>();
  return (version, range) => {
    const key = `${range}\u0000${version}`;
    const known = answers.get(key);
    if (known !== undefined) return known;
    let parsed = ranges.get(range);
    if (parsed === undefined) {
      parsed = semver.validRange(range) === null ? null : new semver.Range(range);
      ranges.set(range, parsed);
    }
    const answer = parsed !== null && semver.satisfies(version, parsed);
    answers.set(key, answer);
    return answer;
  };
}
