import { describe, expect, it } from 'vitest';
import { parseWrkOutput, wrkScript } from '../../bench/lib/wrk';

describe('parseWrkOutput', () => {
  it('reads the summary line the script prints and counts non-2xx answers as errors, not as throughput', () => {
    // GIVEN wrk's own text around the script's JSON line: 3000 requests in 2 s, 100 of them non-2xx
    const out = [
      'Running 2s test @ http://127.0.0.1:1/v1/chat/completions',
      '  1 threads and 50 connections',
      'WRK_JSON {"requests":3000,"durationUs":2000000,"connect":0,"read":1,"write":0,"status":100,"timeout":0,"p50Us":1500,"p99Us":7250}',
      'Requests/sec:   1500.00',
    ].join('\n');
    // WHEN
    const r = parseWrkOutput(out);
    // THEN
    expect(r).toEqual({ tool: 'wrk', rps: 1450, requests: 3000, errors: 101, latencyMs: { p50: 1.5, p99: 7.25 } });
  });

  it('names the output when the summary line is missing', () => {
    expect(() => parseWrkOutput('unable to connect to 127.0.0.1:1 Connection refused')).toThrow(/wrk printed no summary line .*Connection refused/);
  });
});

describe('wrkScript', () => {
  it('posts the body file with the bench client key', () => {
    const lua = wrkScript('/tmp/body.json');
    expect(lua).toContain('io.open("/tmp/body.json", "rb")');
    expect(lua).toContain('wrk.method = "POST"');
    expect(lua).toContain('wrk.headers["Authorization"] = "Bearer bench-client-key"');
  });
});
