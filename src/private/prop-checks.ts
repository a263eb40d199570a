/**
 * Internal: checks of numeric and duration props that Kubernetes or the
 * runtime would refuse later, failing at synth with the prop name and value.
 */
import { Duration } from 'cdk8s';

/** Seconds of a Duration, decimals kept (config.yaml accepts them; cdk8s's toSeconds() refuses them). @internal */
export function secondsOf(duration: Duration): number {
  return duration.toMilliseconds() / 1000;
}

/** Whole seconds of a Duration for a Kubernetes field; throws naming the prop and the value otherwise. @internal */
export function wholeSeconds(prop: string, duration: Duration): number {
  const seconds = secondsOf(duration);
  if (!Number.isInteger(seconds)) {
    throw new Error(`'${prop}' must be a whole number of seconds (received ${seconds}s)`);
  }
  return seconds;
}

/** Seconds of a Duration that must be longer than zero; throws naming the prop and the value otherwise. @internal */
export function positiveSeconds(prop: string, duration: Duration): number {
  const seconds = secondsOf(duration);
  if (!(seconds > 0)) {
    throw new Error(`'${prop}' must be longer than 0s (received ${seconds}s)`);
  }
  return seconds;
}

/** Throws unless `value` is undefined or an integer >= min. @internal */
export function checkInt(prop: string, value: number | undefined, min: number): void {
  if (value !== undefined && (!Number.isInteger(value) || value < min)) {
    throw new Error(`'${prop}' must be an integer >= ${min} (received ${value})`);
  }
}
