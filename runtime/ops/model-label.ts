import type { ProxyConfig } from '../../src/contract';

/** Label value for models outside the known set. */
export const OTHER_MODEL = 'other';

/**
 * Bounds the `model` label: only models in the pricing table or an upstream's
 * model list (or rewrite keys) pass; anything else becomes `other`.
 */
export class ModelLabels {
  private known = new Set<string>();

  constructor(config: ProxyConfig) {
    this.update(config);
  }

  /** Rebuilds the known set from a (new) config. */
  update(config: ProxyConfig): void {
    const known = new Set<string>(Object.keys(config.pricing));
    for (const upstream of config.upstreams) {
      upstream.models.forEach((model) => known.add(model));
      Object.keys(upstream.modelRewrites).forEach((model) => known.add(model));
    }
    this.known = known;
  }

  /** The label for `model`. */
  label(model: string | undefined): string {
    return model !== undefined && this.known.has(model) ? model : OTHER_MODEL;
  }
}
