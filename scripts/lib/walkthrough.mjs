// The README's walk-through as lines of shell, from one template: the README shows it with shell
// variables, `npm start` prints it with the real ids filled in, the browser tests run the printed lines.

/** The ids the walk-through names, as the README's shell variables. */
export const README_IDS = {
  base: "$BASE",
  programId: "$PRG",
  facilitatorId: "$FAC_ID",
  trackId: "$TRK",
  clientId: "$CLT",
  enrollmentId: "$ENR",
  dropInSessionId: "$DROPIN",
};

/**
 * The walk-through: tokens for an admin, the facilitator and a client of the morning track; the
 * week's sessions, the track's enrollments, a fresh invite link, then the drop-in opened and joined.
 * `env` prefixes each `npm run token` (e.g. `IOP_DEV_DIR=…` when the demo's keys live elsewhere).
 */
export function walkthrough(ids, env = "") {
  const token = (args) => `$(${env}npm run -s token -- ${args})`;
  const { base, programId: prg, dropInSessionId: ses } = ids;
  const week = "from=$(date -u +%FT00:00:00Z)&to=$(date -u -d '+7 days' +%FT00:00:00Z)";
  return [
    `ADMIN=${token("--role admin --sub adm_demo")}`,
    `FAC=${token(`--role facilitator --sub ${ids.facilitatorId} --program ${prg}`)}`,
    `CLIENT=${token(`--role client --sub ${ids.clientId} --program ${prg}`)}`,
    `curl -H "authorization: Bearer $ADMIN" "${base}/v1/programs/${prg}/sessions?${week}"`,
    `curl -H "authorization: Bearer $FAC" "${base}/v1/programs/${prg}/enrollments?trackId=${ids.trackId}&status=active"`,
    `curl -X POST -H "authorization: Bearer $FAC" ${base}/v1/enrollments/${ids.enrollmentId}/invite`,
    `curl -X POST -H "authorization: Bearer $FAC" ${base}/v1/sessions/${ses}/open`,
    `curl -X POST -H "authorization: Bearer $CLIENT" ${base}/v1/sessions/${ses}/join`,
  ];
}
