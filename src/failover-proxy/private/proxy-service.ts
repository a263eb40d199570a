/**
 * Internal: the proxy's ClusterIP Service: port 80 to the container's `http`
 * port (8080, the playbook's Service) and 9090 to `metrics`, targeted by name.
 */
import * as kplus from 'cdk8s-plus-28';
import { PORT_NAMES, PORTS } from '../../contract';

/** The Service spec selecting the pods with `selectorLabels`. @internal */
export function proxyServiceSpec(selectorLabels: Record<string, string>): kplus.k8s.ServiceSpec {
  return {
    type: 'ClusterIP',
    selector: { ...selectorLabels },
    ports: [
      { name: PORT_NAMES.http, port: PORTS.serviceHttp, targetPort: kplus.k8s.IntOrString.fromString(PORT_NAMES.http), protocol: 'TCP' },
      { name: PORT_NAMES.metrics, port: PORTS.metrics, targetPort: kplus.k8s.IntOrString.fromString(PORT_NAMES.metrics), protocol: 'TCP' },
    ],
  };
}
