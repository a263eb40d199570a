/**
 * Internal: the proxy's ClusterIP Service: port 80 to the container's `http`
 * port (8080, the playbook's Service) and 9090 to `metrics`, targeted by name.
 * It is a cdk8s-plus `Service` so that callers can compose with it
 * (`kplus.IngressBackend.fromService(proxy.service, { port: 80 })`); two JSON
 * patches keep the manifest what the playbook's Service is (target ports by
 * name, no empty `externalIPs`).
 */
import { ApiObject, ApiObjectMetadata, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PORT_NAMES, PORTS } from '../../contract';

/** The Service `id` of `scope` selecting the pods with `selectorLabels`. @internal */
export function proxyService(scope: Construct, id: string, metadata: ApiObjectMetadata, selectorLabels: Record<string, string>): kplus.Service {
  const service = new kplus.Service(scope, id, {
    metadata,
    type: kplus.ServiceType.CLUSTER_IP,
    ports: [
      { name: PORT_NAMES.http, port: PORTS.serviceHttp, targetPort: PORTS.http, protocol: kplus.Protocol.TCP },
      { name: PORT_NAMES.metrics, port: PORTS.metrics, targetPort: PORTS.metrics, protocol: kplus.Protocol.TCP },
    ],
  });
  for (const [key, value] of Object.entries(selectorLabels)) {
    service.selectLabel(key, value);
  }
  // cdk8s-plus's ServicePort takes a numeric targetPort: point it at the port names. The patch
  // runs before KubeService maps its props to JSON, where a target port is an IntOrString ({ value }).
  ApiObject.of(service).addJsonPatch(
    JsonPatch.remove('/spec/externalIPs'),
    JsonPatch.replace('/spec/ports/0/targetPort', { value: PORT_NAMES.http }),
    JsonPatch.replace('/spec/ports/1/targetPort', { value: PORT_NAMES.metrics }),
  );
  return service;
}
