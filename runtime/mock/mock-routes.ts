/**
 * The mock's route table: each served API route is one entry that turns a
 * parsed request into a reply. The fault modes (runtime/mock/mock-upstream.ts)
 * wrap every route alike, so a new API format is a file of routes added to
 * {@link MOCK_ROUTES}.
 */
import { ANTHROPIC_ROUTES } from './anthropic-routes';
import type { MockRoute } from './mock-reply';
import { chatCompletionsRoute, completionsRoute } from './openai-chat';
import { embeddingsRoute } from './openai-embeddings';
import { modelsRoute } from './openai-models';
import { RESPONSES_ROUTES } from './responses-routes';

// a route file may import its types and reply helpers from here or from './mock-reply'
export * from './mock-reply';

/** Every route the mock serves: OpenAI-compatible first, then the Responses API and Anthropic Messages. */
export const MOCK_ROUTES: readonly MockRoute[] = [
  modelsRoute,
  chatCompletionsRoute,
  completionsRoute,
  embeddingsRoute,
  ...RESPONSES_ROUTES,
  ...ANTHROPIC_ROUTES,
];

/** The route for `method` and `path` (without `/v1`), if any. */
export function findMockRoute(routes: readonly MockRoute[], method: string, path: string): MockRoute | undefined {
  return routes.find((r) => r.method === method && (typeof r.path === 'string' ? r.path === path : r.path.test(path)));
}

/** Whether some route serves `path` with another method (for a 405). */
export function pathServed(routes: readonly MockRoute[], path: string): boolean {
  return routes.some((r) => (typeof r.path === 'string' ? r.path === path : r.path.test(path)));
}

