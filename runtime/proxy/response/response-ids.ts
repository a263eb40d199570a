import type { Exchange } from '../exchange';

/**
 * Notes that `upstream` created the Responses API response `responseId`, so
 * follow-ups (`previous_response_id`, `GET`/`DELETE /v1/responses/{id}`,
 * `cancel`) go there. Only on the Responses routes; fire and forget.
 */
export function rememberResponseId(x: Exchange, responseId: string, upstream: string): void {
  if (x.route.format.api !== 'responses') return;
  x.services.affinity.remember(responseId, upstream);
}

/** The id of a Responses JSON answer (`{"id":"resp_…","object":"response"}`), if it is one. */
export function responseIdOfAnswer(json: unknown): string | undefined {
  const answer = json as { id?: unknown; object?: unknown } | null;
  return answer !== null && typeof answer === 'object' && answer.object === 'response' && typeof answer.id === 'string' ? answer.id : undefined;
}
