/** TCP port of an http(s) URL (443/80 when none is written). @internal */
export function urlPort(value: string): number {
  const url = new URL(value);
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}
