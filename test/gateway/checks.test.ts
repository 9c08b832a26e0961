// The rules that span gateways: GatewayClasses shared under mergeGateways and their Secrets.
import { AcceleratedTlsGateway, KeyAlgorithm, KeyProvider, NodePlacement, TlsCertificate } from '../../src';
import { find, newChart, synthApp } from '../util';
import { CERT, LISTENER } from '../util/gateway';

describe('mergeGateways', () => {
  function merged(secondCert = TlsCertificate.fromSecretName('api-cert', { keyAlgorithm: KeyAlgorithm.RSA_2048 })) {
    const { app, chart } = newChart();
    const a = new AcceleratedTlsGateway(chart, 'a', {
      name: 'www', gatewayClassName: 'shared', mergeGateways: true, provider: KeyProvider.qat(), listeners: [LISTENER],
    });
    const b = new AcceleratedTlsGateway(chart, 'b', {
      name: 'api',
      gatewayClassName: 'shared',
      mergeGateways: true,
      createGatewayClass: false,
      provider: KeyProvider.qat(),
      listeners: [{ ...LISTENER, hostname: 'api.example.com', certificate: secondCert }],
    });
    return { app, a, b };
  }

  test('one GatewayClass and EnvoyProxy with mergeGateways; policies target the GatewayClass', () => {
    const { app, a, b } = merged();
    const objects = synthApp(app);
    expect(objects.filter((o) => o.kind === 'GatewayClass')).toHaveLength(1);
    expect(find(objects, 'EnvoyProxy').spec.mergeGateways).toBe(true);
    for (const p of objects.filter((o) => o.kind === 'EnvoyPatchPolicy')) {
      expect(p.spec.targetRef).toEqual({ group: 'gateway.networking.k8s.io', kind: 'GatewayClass', name: 'shared' });
    }
    expect(b.envoyProxy).toBeUndefined();
    expect(a.envoyServiceName).toBe('envoy-shared');
    expect(b.envoyServiceName).toBe('envoy-shared');
  });

  test('the same Secret across merged gateways is an error', () => {
    expect(() => synthApp(merged(CERT).app)).toThrow(/test\/b: \[ATLS-SEC001\] listeners\[0\].certificate/);
  });

  test('a merged class without exactly one creator is an error', () => {
    const { app, chart } = newChart();
    new AcceleratedTlsGateway(chart, 'b', {
      gatewayClassName: 'shared', mergeGateways: true, createGatewayClass: false, provider: KeyProvider.software(), listeners: [LISTENER],
    });
    expect(() => synthApp(app)).toThrow(/test\/b: \[ATLS-MRG001\] createGatewayClass/);
  });
});

describe('GatewayClasses shared between gateways (ATLS-MRG001)', () => {
  test('a GatewayClass created by another gateway is shared only under mergeGateways', () => {
    const { app, chart } = newChart();
    new AcceleratedTlsGateway(chart, 'a', { name: 'a', provider: KeyProvider.software(), listeners: [LISTENER] });
    new AcceleratedTlsGateway(chart, 'b', { name: 'b', gatewayClassName: 'default-a', createGatewayClass: false, provider: KeyProvider.software(), listeners: [LISTENER] });
    expect(() => synthApp(app)).toThrow(/test\/b: \[ATLS-MRG001\] mergeGateways: GatewayClass 'default-a' is created by test\/a/);
  });

  test('merged gateways share the provider kind and leave Envoy settings to the creator', () => {
    const { app, chart } = newChart();
    new AcceleratedTlsGateway(chart, 'a', { name: 'a', gatewayClassName: 'm', mergeGateways: true, provider: KeyProvider.qat(), listeners: [LISTENER] });
    new AcceleratedTlsGateway(chart, 'b', {
      name: 'b',
      gatewayClassName: 'm',
      mergeGateways: true,
      createGatewayClass: false,
      provider: KeyProvider.cryptoMb({ placement: NodePlacement.ANY }),
      listeners: [{ ...LISTENER, certificate: TlsCertificate.fromSecretName('b-cert', { keyAlgorithm: KeyAlgorithm.RSA_2048 }) }],
      envoy: { replicas: 2 },
    });
    expect(() => synthApp(app)).toThrow(/test\/b: \[ATLS-MRG001\] provider: merged gateways run on one Envoy fleet: test\/a uses qat, this one cryptomb[\s\S]*test\/b: \[ATLS-MRG001\] envoy: /);
  });
});
