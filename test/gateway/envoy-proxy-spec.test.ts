// The EnvoyProxy a gateway creates: sizing, Service, placement and the reliability profile.
import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { AcceleratedTlsGateway, EnvoyServiceType, KeyProvider, NodePlacement } from '../../src';
import { find, newChart, synthApp } from '../util';
import { gateway, LISTENER } from '../util/gateway';

describe('envoy options', () => {
  test('sizing, service, tolerations, pull secrets, replicas and namespace', () => {
    const { app, gw } = gateway({
      envoy: {
        cpu: Cpu.millis(2500),
        memory: Size.gibibytes(2),
        replicas: 2,
        serviceType: EnvoyServiceType.LOAD_BALANCER,
        serviceName: 'edge-envoy',
        serviceAnnotations: { 'example.com/lb': 'internal', 'example.com/proxy-protocol': 'on' },
        tolerations: [{ key: 'qat', operator: 'Exists', effect: 'NoSchedule' }],
        imagePullSecrets: ['regcred'],
        namespace: 'eg-system',
      },
    });
    const objects = synthApp(app);
    const ep = find(objects, 'EnvoyProxy');
    expect(ep.metadata.namespace).toBe('eg-system');
    expect(ep.spec.concurrency).toBe(2);
    const k = ep.spec.provider.kubernetes;
    expect(k.envoyDeployment.replicas).toBe(2);
    expect(k.envoyDeployment.container.resources.requests).toEqual({ 'cpu': '2500m', 'memory': '2048Mi', 'qat.intel.com/cy': '1' });
    expect(k.envoyDeployment.pod.tolerations).toEqual([{ key: 'qat', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(k.envoyDeployment.pod.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    // 'on' must stay a string for Go's YAML 1.1 parsers (conformance feeds this scenario to them).
    expect(k.envoyService).toEqual({ name: 'edge-envoy', type: 'LoadBalancer', annotations: { 'example.com/lb': 'internal', 'example.com/proxy-protocol': 'on' } });
    expect(find(objects, 'GatewayClass').spec.parametersRef.namespace).toBe('eg-system');
    expect(gw.envoyServiceName).toBe('edge-envoy');
  });

  test('a long service name is shortened to a DNS-1035 label with a hash', () => {
    const long = 'a'.repeat(60);
    const { gw } = gateway({ name: long });
    expect(gw.envoyServiceName.length).toBeLessThanOrEqual(63);
    expect(gw.envoyServiceName).toMatch(/^envoy-default-a+-[0-9a-f]{8}$/);
    expect(gateway({ name: long }).gw.envoyServiceName).toBe(gw.envoyServiceName);
    expect(gateway({ name: `${'a'.repeat(59)}b` }).gw.envoyServiceName).not.toBe(gw.envoyServiceName);
  });

  test('name defaults to the construct id', () => {
    const { chart } = newChart();
    const gw = new AcceleratedTlsGateway(chart, 'Edge_GW', { provider: KeyProvider.software(), listeners: [LISTENER] });
    expect(gw.name).toBe('edge-gw');
    expect(gw.namespace).toBe('default');
    expect(gw.gatewayClassName).toBe('default-edge-gw');
  });
});

describe('reliability profile', () => {
  test('two or more replicas add a PodDisruptionBudget and a spread across nodes', () => {
    const { app } = gateway({ envoy: { replicas: 3 } });
    const k = find(synthApp(app), 'EnvoyProxy').spec.provider.kubernetes;
    expect(k.envoyPDB).toEqual({ maxUnavailable: 1 });
    expect(k.envoyDeployment.pod.topologySpreadConstraints).toEqual([{
      maxSkew: 1,
      topologyKey: 'kubernetes.io/hostname',
      whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'envoy', 'gateway.envoyproxy.io/owning-gateway-name': 'eg', 'gateway.envoyproxy.io/owning-gateway-namespace': 'default' } },
    }]);
  });

  test('one replica gets neither', () => {
    const k = find(synthApp(gateway().app), 'EnvoyProxy').spec.provider.kubernetes;
    expect(k.envoyPDB).toBeUndefined();
    expect(k.envoyDeployment.pod.topologySpreadConstraints).toBeUndefined();
  });

  test('QAT gateways never surge (a surge pod would wait forever for a free VF); others keep the default', () => {
    const qat = find(synthApp(gateway().app), 'EnvoyProxy').spec.provider.kubernetes.envoyDeployment;
    expect(qat.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } });
    const cmb = find(synthApp(gateway({ provider: KeyProvider.cryptoMb({ placement: NodePlacement.ANY }) }).app), 'EnvoyProxy');
    expect(cmb.spec.provider.kubernetes.envoyDeployment.strategy).toBeUndefined();
  });

  test('fallback defaults to true, and cannot save a non-contrib image', () => {
    expect(KeyProvider.qat().fallback).toBe(true);
    expect(KeyProvider.cryptoMb().fallback).toBe(true);
    expect(() => gateway({ provider: KeyProvider.qat({ fallback: true }), envoy: { image: 'docker.io/envoyproxy/envoy:distroless-v1.39.0' } }))
      .toThrow(/test\/gw: \[ATLS-IMG001\] envoy.image: .*rejects the qat provider config even with fallback/);
  });

  test('merged gateways spread by GatewayClass', () => {
    const { app, chart } = newChart();
    new AcceleratedTlsGateway(chart, 'a', { name: 'www', gatewayClassName: 'shared', mergeGateways: true, provider: KeyProvider.software(), listeners: [LISTENER], envoy: { replicas: 2 } });
    const pod = find(synthApp(app), 'EnvoyProxy').spec.provider.kubernetes.envoyDeployment.pod;
    expect(pod.topologySpreadConstraints[0].labelSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'envoy', 'gateway.envoyproxy.io/owning-gatewayclass': 'shared' });
  });
});
