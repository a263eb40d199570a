/**
 * Durations: decimal seconds reach config.yaml as decimals (the runtime takes
 * them), Kubernetes' whole-second fields refuse fractions by prop name, and the
 * breaker's open-time cap follows `recoveryTimeout`.
 */
import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { find, Manifest, synthProxy } from './helpers';
import { Autoscaling, ScalingPolicySelect, ScalingPolicyType } from '../../src';
import { CONFIG_FILE, parseProxyConfig } from '../../src/contract';

/** The rendered config.yaml after the runtime schema's defaults. */
function renderedConfig(manifests: Manifest[]) {
  const parsed = parseProxyConfig(parse(find(manifests, 'ConfigMap', 'holysheep-config').data[CONFIG_FILE.fileName]));
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.config;
}

describe('FailoverProxy durations', () => {
  it('renders non-whole-second durations into config.yaml as decimal seconds', () => {
    // GIVEN / WHEN
    const { manifests } = synthProxy({
      recoveryTimeout: Duration.millis(1500),
      requestTimeout: Duration.millis(2500),
      requestDeadline: Duration.millis(10_250),
      shutdownDelay: Duration.millis(500),
      drainTimeout: Duration.millis(40_500),
    });
    // THEN
    const config = renderedConfig(manifests);
    expect(config.circuitBreaker.recoveryTimeoutSeconds).toBe(1.5);
    expect(config.timeouts).toMatchObject({ requestSeconds: 2.5, deadlineSeconds: 10.25 });
    expect(config.lifecycle).toEqual({ shutdownDelaySeconds: 0.5, drainTimeoutSeconds: 40.5 });
    // the default grace period is rounded up to whole seconds: ceil(0.5 + 40.5) + 10
    expect(find(manifests, 'Deployment').spec.template.spec.terminationGracePeriodSeconds).toBe(51);
  });

  it('emits a decimal RECOVERY_TIMEOUT with legacyEnvVars', () => {
    // GIVEN / WHEN
    const { manifests } = synthProxy({ legacyEnvVars: true, recoveryTimeout: Duration.millis(1500) });
    // THEN
    const env = find(manifests, 'Deployment').spec.template.spec.containers[0].env as any[];
    expect(env.find((e) => e.name === 'RECOVERY_TIMEOUT')?.value).toBe('1.5');
  });

  it('fails on a terminationGracePeriod that is not whole seconds', () => {
    expect(() => synthProxy({ terminationGracePeriod: Duration.millis(40_500) }))
      .toThrow('\'terminationGracePeriod\' must be a whole number of seconds (received 40.5s)');
  });

  it('raises the breaker open-time cap to a recoveryTimeout above 300s', () => {
    // GIVEN / WHEN
    const { manifests } = synthProxy({ recoveryTimeout: Duration.minutes(10) });
    // THEN
    expect(renderedConfig(manifests).circuitBreaker).toMatchObject({ recoveryTimeoutSeconds: 600, maxRecoveryTimeoutSeconds: 600 });
  });

  it('renders maxRecoveryTimeout, 300s by default', () => {
    // GIVEN / WHEN
    const byDefault = synthProxy().manifests;
    const custom = synthProxy({ maxRecoveryTimeout: Duration.minutes(15) }).manifests;
    // THEN
    expect(renderedConfig(byDefault).circuitBreaker.maxRecoveryTimeoutSeconds).toBe(300);
    expect(renderedConfig(custom).circuitBreaker.maxRecoveryTimeoutSeconds).toBe(900);
  });

  it('fails on a maxRecoveryTimeout below recoveryTimeout', () => {
    expect(() => synthProxy({ recoveryTimeout: Duration.seconds(120), maxRecoveryTimeout: Duration.seconds(90) }))
      .toThrow('\'maxRecoveryTimeout\' (90s) must be >= \'recoveryTimeout\' (120s)');
  });
});

describe('ScalingBehavior ranges', () => {
  const behavior = (period: Duration, stabilizationWindow: Duration) => ({
    stabilizationWindow, policies: [{ type: ScalingPolicyType.PODS, value: 2, period }],
  });

  it('fails on a period above 1800s', () => {
    expect(() => Autoscaling.horizontalPodAutoscaler({ scaleUp: behavior(Duration.seconds(1801), Duration.seconds(0)) }))
      .toThrow('\'scaleUp.period\' must be whole seconds between 1s and 1800s (received 1801s)');
  });

  it('fails on a period below 1s', () => {
    expect(() => Autoscaling.horizontalPodAutoscaler({ scaleDown: behavior(Duration.seconds(0), Duration.seconds(0)) }))
      .toThrow('\'scaleDown.period\' must be whole seconds between 1s and 1800s (received 0s)');
  });

  it('fails on a period that is not whole seconds', () => {
    expect(() => Autoscaling.horizontalPodAutoscaler({ scaleUp: behavior(Duration.millis(1500), Duration.seconds(0)) }))
      .toThrow('\'scaleUp.period\' must be whole seconds between 1s and 1800s (received 1.5s)');
  });

  it('fails on a stabilizationWindow above 3600s', () => {
    expect(() => Autoscaling.horizontalPodAutoscaler({ scaleDown: behavior(Duration.seconds(60), Duration.hours(2)) }))
      .toThrow('\'scaleDown.stabilizationWindow\' must be whole seconds between 0s and 3600s (received 7200s)');
  });

  it('fails on a stabilizationWindow that is not whole seconds', () => {
    expect(() => Autoscaling.kedaScaledObject({ scaleUp: behavior(Duration.seconds(60), Duration.millis(100)) }))
      .toThrow('\'scaleUp.stabilizationWindow\' must be whole seconds between 0s and 3600s (received 0.1s)');
  });

  it('accepts the bounds 1800s and 3600s', () => {
    // GIVEN / WHEN
    const autoscaling = Autoscaling.horizontalPodAutoscaler({ scaleDown: behavior(Duration.seconds(1800), Duration.seconds(3600)) });
    // THEN
    const { manifests } = synthProxy({ autoscaling });
    expect(find(manifests, 'HorizontalPodAutoscaler').spec.behavior.scaleDown)
      .toEqual({ stabilizationWindowSeconds: 3600, policies: [{ type: 'Pods', value: 2, periodSeconds: 1800 }] });
  });
});

describe('ScalingBehavior with several policies', () => {
  it('renders every policy in order, and selectPolicy only when set', () => {
    // GIVEN a scale-up that allows 4 pods or 100 % per 15 s, whichever is larger
    const autoscaling = Autoscaling.horizontalPodAutoscaler({
      scaleUp: {
        selectPolicy: ScalingPolicySelect.MAX,
        policies: [
          { type: ScalingPolicyType.PODS, value: 4, period: Duration.seconds(15) },
          { type: ScalingPolicyType.PERCENT, value: 100, period: Duration.seconds(15) },
        ],
      },
    });
    // WHEN synthesized
    const { manifests } = synthProxy({ autoscaling });
    // THEN both policies are there, the window defaults to 0s, and scale-down keeps the playbook's rule
    const behavior = find(manifests, 'HorizontalPodAutoscaler').spec.behavior;
    expect(behavior.scaleUp).toEqual({
      selectPolicy: 'Max',
      stabilizationWindowSeconds: 0,
      policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }],
    });
    expect(behavior.scaleDown).toEqual({ stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }] });
  });

  it('names the policy at fault, and refuses an empty list', () => {
    const two = (value: number) => ({
      policies: [
        { type: ScalingPolicyType.PODS, value: 4, period: Duration.seconds(15) },
        { type: ScalingPolicyType.PERCENT, value, period: Duration.seconds(15) },
      ],
    });
    expect(() => Autoscaling.horizontalPodAutoscaler({ scaleUp: two(0) }))
      .toThrow('\'scaleUp.policies[1].value\' must be an integer >= 1 (received 0)');
    expect(() => Autoscaling.kedaScaledObject({ scaleDown: { policies: [] } }))
      .toThrow('\'scaleDown.policies\' must hold at least one policy (received [])');
  });
});
