import { describe, expect, it } from 'vitest';
import { filterModelList } from '../../../runtime/proxy/upstreams/models-filter';
import { HEADERS, PATHS } from '../../../src/contract';
import { useProxyFixture } from '../../support/proxy-fixture';
import { configFor, startMocks, startTestProxy } from '../../support/proxy-harness';

const list = (ids: string[]): Buffer => Buffer.from(JSON.stringify({ object: 'list', data: ids.map((id) => ({ id, object: 'model' })) }));
const ids = (body: Buffer): string[] => (JSON.parse(body.toString()) as { data: Array<{ id: string }> }).data.map((m) => m.id);

describe('GET /v1/models filtering', () => {
  const fx = useProxyFixture();

  it('lists only the models some upstream serves', async () => {
    // GIVEN upstreams restricting models, WHEN /v1/models is listed, THEN only served models are returned
    fx.mocks = await startMocks(2);
    const config = configFor(fx.mocks);
    fx.proxy = await startTestProxy({ ...config, upstreams: config.upstreams.map((u, i) => ({ ...u, models: i === 0 ? ['gpt-4.1'] : ['deepseek-v3.2'] })) });
    const res = await fetch(`${fx.proxy.origin}${PATHS.models}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { object: string; data: Array<{ id: string }> };
    expect(body.object).toBe('list');
    expect(body.data.map((m) => m.id)).toEqual(['gpt-4.1', 'deepseek-v3.2']);
  });

  it('leaves the list unchanged when no upstream restricts models', () => {
    // GIVEN no upstream restricting models, WHEN filtered, THEN the list is unchanged
    const body = list(['a', 'b']);
    expect(filterModelList(body, [{ models: [], modelRewrites: {} } as never])).toBe(body);
  });

  it('shows a rewritten model under the client\'s name', () => {
    // GIVEN a rewrite alias, WHEN the upstream lists the target name, THEN it is shown under the client name
    const out = filterModelList(list(['gpt-4.1', 'vendor/gpt-4.1-mini', 'other']), [{ models: ['gpt-4.1'], modelRewrites: { 'gpt-4.1-mini': 'vendor/gpt-4.1-mini' } } as never]);
    expect(ids(out)).toEqual(['gpt-4.1', 'gpt-4.1-mini']);
  });

  it('serves GET /v1/models when every upstream has a models list', async () => {
    // GIVEN two upstreams that each list the models they serve
    fx.mocks = await startMocks(2);
    const config = configFor(fx.mocks);
    config.upstreams[0].models.push('gpt-4.1');
    config.upstreams[1].models.push('deepseek-v3.2');
    fx.proxy = await startTestProxy(config);
    // WHEN the model list is asked for
    const res = await fetch(`${fx.proxy.origin}${PATHS.models}`);
    // THEN the primary answers it
    expect(res.status).toBe(200);
    expect(res.headers.get(HEADERS.upstream)).toBe('primary');
    expect(((await res.json()) as { object: string }).object).toBe('list');
  });
});
