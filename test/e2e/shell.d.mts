/** The walk-through's lines, with the README's shell variables. */
export function readmeWalkthrough(): string[];
/** Lines of the walk-through template the README does not show verbatim. */
export function missingFromReadme(): string[];
/** Run `lines` in bash from the repository root; each `curl` answers its HTTP status, in order. */
export function curlStatuses(lines: string[]): number[];
/** Files under `dir` (path relative to it) whose bytes hold one of `needles` as UTF-8. */
export function filesHolding(dir: string, needles: string[]): { file: string; needle: string }[];
