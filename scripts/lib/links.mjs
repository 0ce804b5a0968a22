// What a newcomer pastes into a browser: each demo client's invite link and the facilitator's
// one-time console sign-in link, made through the public API on every start.

/**
 * A fresh personal invite link per client (`POST /v1/enrollments/{id}/invite`); each one replaces
 * that client's earlier link, so only the links of the latest start work.
 */
export async function inviteLinks(api, clients) {
  const links = [];
  for (const c of clients) {
    const invite = c.enrollmentId ? await api("POST", `/v1/enrollments/${c.enrollmentId}/invite`) : null;
    links.push({ ...c, inviteUrl: invite?.inviteUrl ?? null });
  }
  return links;
}

/**
 * The facilitator's one-time console sign-in link, or null where local sign-in is off
 * (`DEV_SIGN_IN` in `.dev.vars` not `on`: the endpoint answers 404).
 */
export async function signInLink(api, demo) {
  const res = await api.raw("POST", `/v1/programs/${demo.programId}/sign-in-codes`, {
    staffId: demo.facilitatorId,
    role: "facilitator",
  });
  if (res.status === 404) return null;
  if (res.status !== 201) throw new Error(`sign-in code → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
