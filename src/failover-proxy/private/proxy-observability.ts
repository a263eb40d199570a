/**
 * Internal: the `monitoring` prop and KEDA autoscaling of a FailoverProxy.
 * The Grafana dashboard ConfigMap is a child of the proxy; the objects that
 * need CRDs (ServiceMonitor, PodMonitor, PrometheusRule, KEDA ScaledObject)
 * or live in another namespace (prometheus-adapter rule) go to
 * `monitoringScope`, under a construct named like the proxy when that scope
 * is another chart.
 */
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { ProxySettings } from './proxy-settings';
import { FailoverDashboard, FailoverMonitoring, RequestRateScaledObject } from '../../observability';

/** The observability objects of one proxy, each present only when asked for. @internal */
export interface ProxyObservability {
  readonly monitoring?: FailoverMonitoring;
  readonly dashboard?: FailoverDashboard;
  readonly scaledObject?: RequestRateScaledObject;
}

/**
 * Creates `Monitoring` (in the CRD scope), `Dashboard` (in `proxy`) and
 * `ScaledObject` (in the CRD scope) as the settings ask. @internal
 */
export function addProxyObservability(proxy: Construct, settings: ProxySettings): ProxyObservability {
  const namespace = Chart.of(proxy).namespace;
  let crdScope: Construct | undefined;
  const crdScopeOf = (): Construct => {
    crdScope ??= externalScope(proxy, settings.monitoringScope);
    return crdScope;
  };
  const options = settings.monitoring;
  if (options && (options.dashboard === false) && options.dashboardOptions) {
    throw new Error('\'monitoring.dashboardOptions\' needs \'monitoring.dashboard\' to be true (received dashboard: false)');
  }
  let monitoring: FailoverMonitoring | undefined;
  if (options && (options.scrape !== undefined || options.alerts || options.prometheusAdapterRule
    || options.alertOptions || options.prometheusAdapterRuleOptions)) {
    monitoring = new FailoverMonitoring(crdScopeOf(), 'Monitoring', {
      ...options,
      dashboard: false,
      dashboardOptions: undefined,
      selectorLabels: settings.selectorLabels,
      namespaceName: namespace,
      serviceName: settings.serviceName,
      name: settings.name,
      prometheusAdapterRuleOptions: options.prometheusAdapterRule
        ? { namespaceName: settings.monitoringNamespace, name: `${settings.name}-adapter-rules`, ...options.prometheusAdapterRuleOptions }
        : options.prometheusAdapterRuleOptions,
    });
  }
  const job = monitoring?.job ?? settings.serviceName;
  const dashboard = options && (options.dashboard ?? true)
    ? new FailoverDashboard(proxy, 'Dashboard', {
      name: `${settings.name}-dashboard`,
      metricsNamespace: namespace,
      job,
      ...options.dashboardOptions,
    })
    : undefined;
  const scaledObject = settings.autoscaling._addScaledObject(crdScopeOf, 'ScaledObject', {
    deploymentName: settings.name,
    namespaceName: namespace,
    name: settings.name,
    job,
  });
  return { monitoring, dashboard, scaledObject };
}

/**
 * The construct under which `proxy`'s CRD-backed objects go: the proxy itself,
 * or a child of `scope` named like the proxy when `scope` is in another chart.
 */
function externalScope(proxy: Construct, scope: Construct | undefined): Construct {
  if (scope === undefined || Chart.of(scope) === Chart.of(proxy)) {
    return proxy;
  }
  if (scope.node.tryFindChild(proxy.node.id)) {
    throw new Error(`'monitoringScope' already holds a construct named "${proxy.node.id}" (received ${scope.node.path}); give each proxy sharing it a distinct id`);
  }
  return new Construct(scope, proxy.node.id);
}
