/** `GET /v1/models` of the mock: the models it was started with. */
import { jsonReply, type MockRoute } from './mock-reply';

/** Lists the mock's models as OpenAI does (`owned_by` the mock's name). */
export const modelsRoute: MockRoute = {
  method: 'GET',
  path: '/models',
  readsJson: false,
  answer: ({ mock }) => jsonReply(200, {
    object: 'list',
    data: mock.models.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: mock.name })),
  }),
};
