import { describe, expect, it } from 'vitest';
import { escapeXml, niceMax, timelineSvg } from '../../bench/lib/svg-timeline';
import type { TimelineBucket } from '../../bench/lib/timeline';

const bucket = (second: number, primary: number, backup: number, errors: number, p99Ms: number): TimelineBucket => ({
  second, sent: primary + backup + errors, served: { primary, backup_1: backup }, errors, p99Ms,
});

describe('timelineSvg', () => {
  it('draws one bar segment per upstream and errors, a p99 line, phases and a legend', () => {
    // GIVEN three seconds: primary, then backup with one error, then backup
    const buckets = [bucket(0, 10, 0, 0, 2), bucket(1, 0, 9, 1, 40), bucket(2, 0, 10, 0, 3)];
    // WHEN
    const svg = timelineSvg(buckets, { title: 'Failover <test>', upstreams: ['primary', 'backup_1'], phases: [{ label: 'primary 503', startSecond: 1, endSecond: 3 }] });
    // THEN
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('Failover &lt;test&gt;');
    expect(svg).toContain('<title>0s primary: 10</title>');
    expect(svg).toContain('<title>1s backup_1: 9</title>');
    expect(svg).toContain('<title>1s errors: 1</title>');
    expect(svg).not.toContain('<title>0s errors');
    expect(svg).toContain('<polyline');
    expect(svg).toContain('>primary 503</text>');
    expect(svg).toContain('served by backup_1');
    expect(svg).not.toContain('NaN');
  });

  it('skips seconds without samples in the p99 line', () => {
    // GIVEN an empty second in the middle
    const svg = timelineSvg([bucket(0, 1, 0, 0, 2), bucket(1, 0, 0, 0, Number.NaN), bucket(2, 1, 0, 0, 4)], { title: 't', upstreams: ['primary'] });
    // THEN the line has two points and nothing is NaN
    const points = /<polyline points="([^"]+)"/.exec(svg)?.[1].split(' ') ?? [];
    expect(points).toHaveLength(2);
    expect(svg).not.toContain('NaN');
  });
});

describe('niceMax and escapeXml', () => {
  it('rounds an axis maximum up to 1, 2 or 5 times a power of ten', () => {
    expect(niceMax(87)).toBe(100);
    expect(niceMax(101)).toBe(200);
    expect(niceMax(3)).toBe(5);
    expect(niceMax(0)).toBe(1);
  });

  it('escapes the five XML special characters', () => {
    expect(escapeXml('a&b<c>"d\'')).toBe('a&amp;b&lt;c&gt;&quot;d&apos;');
  });
});
