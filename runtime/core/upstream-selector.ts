/** What the selector needs to know about an upstream. */
export interface SelectableUpstream {
  readonly name: string;
  readonly priority: number;
  readonly weight: number;
  /** Models served; empty means every model. */
  readonly models: readonly string[];
}

/** True when `upstream` serves `model` (an empty list serves every model; unknown model matches only those). */
export function servesModel(upstream: SelectableUpstream, model: string | undefined): boolean {
  if (upstream.models.length === 0) return true;
  return model !== undefined && upstream.models.includes(model);
}

/**
 * Orders upstreams for one request: lower priority first; within one
 * priority, smooth weighted round robin (nginx) decides who goes first, the
 * rest follow by descending weight. Pure apart from its round-robin counters;
 * breakers are checked by the caller, so an open breaker costs no attempt.
 */
export class UpstreamSelector {
  private readonly currentWeights = new Map<string, number>();

  /**
   * The order in which this request should try the upstreams that serve
   * `model`; with `anyModel` (routes that name no model, such as
   * `GET /v1/models`) every upstream is eligible.
   */
  public order<T extends SelectableUpstream>(upstreams: readonly T[], model: string | undefined, options: { readonly anyModel?: boolean } = {}): T[] {
    const eligible = options.anyModel ? [...upstreams] : upstreams.filter((u) => servesModel(u, model));
    const groups = new Map<number, T[]>();
    for (const upstream of eligible) {
      const group = groups.get(upstream.priority) ?? [];
      group.push(upstream);
      groups.set(upstream.priority, group);
    }
    const result: T[] = [];
    for (const priority of [...groups.keys()].sort((a, b) => a - b)) {
      result.push(...this.rotate(groups.get(priority)!));
    }
    return result;
  }

  private rotate<T extends SelectableUpstream>(group: T[]): T[] {
    if (group.length === 1) return group;
    let total = 0;
    let best: T | undefined;
    let bestWeight = Number.NEGATIVE_INFINITY;
    for (const upstream of group) {
      const weight = (this.currentWeights.get(upstream.name) ?? 0) + upstream.weight;
      this.currentWeights.set(upstream.name, weight);
      total += upstream.weight;
      if (weight > bestWeight) {
        bestWeight = weight;
        best = upstream;
      }
    }
    this.currentWeights.set(best!.name, bestWeight - total);
    const rest = group.filter((u) => u !== best).sort((a, b) => b.weight - a.weight);
    return [best!, ...rest];
  }
}
