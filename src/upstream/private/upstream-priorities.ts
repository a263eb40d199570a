/**
 * Internal: the priority each upstream gets in config.yaml. An upstream
 * without `priority` gets its list position (0, 1, 2, ...). Equal explicit
 * priorities are a deliberate weighted round robin; a tie between a position
 * and an explicit priority is almost certainly not (`[openAi(),
 * holySheep(EU, { priority: 0 })]` would round-robin instead of ordering), so
 * it is refused naming both upstreams.
 */
import { Upstream } from '../upstream';

/** Resolved priorities, in the order of `upstreams`; throws on a tie that involves a list position. @internal */
export function resolvePriorities(upstreams: readonly Upstream[]): number[] {
  const resolved = upstreams.map((upstream, index) => upstream.priority ?? index);
  const source = (i: number): string => (upstreams[i].priority === undefined ? `its list position ${i}` : `'priority' ${upstreams[i].priority}`);
  for (let i = 0; i < upstreams.length; i++) {
    for (let j = i + 1; j < upstreams.length; j++) {
      const implicit = upstreams[i].priority === undefined || upstreams[j].priority === undefined;
      if (implicit && resolved[i] === resolved[j]) {
        throw new Error(`upstreams '${upstreams[i].name}' (${source(i)}) and '${upstreams[j].name}' (${source(j)}) tie at priority ${resolved[i]}: set 'priority' on both to round-robin them, or give them distinct priorities (received ${resolved[i]} twice)`);
      }
    }
  }
  return resolved;
}
