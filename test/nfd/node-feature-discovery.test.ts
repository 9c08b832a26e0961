import { Chart, Duration, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import * as YAML from 'yaml';
import { CryptoMbAffinity, NodeFeatureDiscovery, NodeFeatureDiscoveryProps, Versions } from '../../src';
import { describeUpstream, find, newChart, synthApp, testUpstream, upstreamFile } from '../util';
import { arbitraryOf, prune, schemaOf, upstreamCrds, validatorOf } from '../util/crd-schema';

const CRD_FILE = 'nfd-v0.19.0-api-crds.yaml';

function nfdObjects(props: NodeFeatureDiscoveryProps = {}): any[] {
  const { app, chart } = newChart();
  new NodeFeatureDiscovery(chart, 'nfd', props);
  return synthApp(app);
}

const key = (o: any) => `${o.kind}/${o.metadata.name.replace(/-conf-[a-z0-9]{10}$/, '-conf')}`;

/**
 * Upstream's default overlay render with our intended differences applied: Pod Security label,
 * our ConfigMap names and (equivalent) contents, GOMEMLIMIT, RuntimeDefault seccomp.
 */
function expectedFromUpstream(ours: any[]): Map<string, any> {
  const upstream = YAML.parseAllDocuments(upstreamFile('reference', 'nfd-v0.19.0-overlays-default.yaml')).map((d) => d.toJSON());
  const configName = (prefix: string) => ours.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith(prefix)).metadata.name;
  const out = new Map<string, any>();
  for (const u of upstream) {
    const o = JSON.parse(JSON.stringify(u));
    if (o.kind === 'Namespace') {
      o.metadata.labels = { 'pod-security.kubernetes.io/enforce': 'privileged' };
      o.metadata.annotations = { 'cdk8s-accelerated-tls/pod-security-reason': expect.stringMatching(/host paths/) };
    }
    if (o.kind === 'ConfigMap') {
      const [file, content] = Object.entries(o.data)[0] as [string, string];
      // Upstream ships its example file with every line commented out: an empty config.
      expect(YAML.parse(content)).toBeNull();
      o.metadata.name = configName(o.metadata.name.replace(/-[a-z0-9]{10}$/, ''));
      o.data[file] = ours.find((x) => x.metadata.name === o.metadata.name).data[file];
      expect(YAML.parse(o.data[file])).toBeNull();
    }
    if (o.kind === 'Deployment' || o.kind === 'DaemonSet') {
      const pod = o.spec.template.spec;
      for (const c of pod.containers) {
        c.env.push({ name: 'GOMEMLIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.memory' } } });
        c.securityContext.seccompProfile = { type: 'RuntimeDefault' };
      }
      for (const v of pod.volumes ?? []) if (v.configMap) v.configMap.name = configName(v.configMap.name.replace(/-[a-z0-9]{10}$/, ''));
    }
    out.set(key(o), o);
  }
  return out;
}

describeUpstream('NodeFeatureDiscovery equals upstream v0.19.0 (default overlay), with the listed differences', () => {
  const objects = nfdObjects();
  const expected = expectedFromUpstream(objects);
  const ours = objects.filter((o) => o.kind !== 'CustomResourceDefinition');

  test('the same objects, in upstream order', () => {
    expect(ours.map(key)).toEqual([...expected.keys()]);
  });

  test.each([...expected.keys()])('%s', (k) => {
    expect(ours.find((o) => key(o) === k)).toEqual(expected.get(k));
  });

  test('GOMEMLIMIT comes from each container\'s memory limit', () => {
    for (const name of ['nfd-master', 'nfd-gc']) {
      const env = find(objects, 'Deployment', name).spec.template.spec.containers[0].env;
      expect(env).toContainEqual({ name: 'GOMEMLIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.memory' } } });
    }
    expect(find(objects, 'DaemonSet').spec.template.spec.containers[0].env.map((e: any) => e.name)).toEqual(['NODE_NAME', 'POD_NAME', 'POD_UID', 'GOMEMLIMIT']);
  });
});

describeUpstream('CRDs: our own, never pruning what upstream accepts', () => {
  const upstream = upstreamCrds(CRD_FILE);
  const ours = Object.fromEntries(nfdObjects().filter((o) => o.kind === 'CustomResourceDefinition').map((c) => [c.metadata.name, c]));

  test('same names, kinds, scopes, versions and subresources as upstream', () => {
    expect(Object.keys(ours).sort()).toEqual(Object.keys(upstream).sort());
    for (const [name, u] of Object.entries(upstream)) {
      const o = ours[name];
      expect(o.apiVersion).toBe(u.apiVersion);
      expect(o.spec.group).toBe(u.spec.group);
      expect(o.spec.names).toEqual(u.spec.names);
      expect(o.spec.scope).toBe(u.spec.scope);
      const strip = (v: any) => { const { schema, ...rest } = v; return rest; };
      expect(o.spec.versions.map(strip)).toEqual(u.spec.versions.map(strip));
    }
  });

  test('typed top level, open below spec and status', () => {
    for (const [name, u] of Object.entries(upstream)) {
      const s = schemaOf(ours[name]);
      const us = schemaOf(u);
      expect(Object.keys(s.properties).sort()).toEqual(Object.keys(us.properties).sort());
      expect(s.required).toEqual(us.required);
      for (const k of ['apiVersion', 'kind', 'metadata']) expect(s.properties[k].type).toBe(us.properties[k].type);
      for (const k of ['spec', 'status'].filter((p) => us.properties[p])) {
        expect(s.properties[k]).toEqual({ 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true });
      }
    }
  });

  test.each(Object.keys(upstream))('%s: any object upstream stores intact is stored intact by ours', (name) => {
    const us = schemaOf(upstream[name]);
    const s = schemaOf(ours[name]);
    const valid = validatorOf(us);
    fc.assert(fc.property(arbitraryOf(us), (obj) => {
      expect(valid(obj)).toEqual([]);
      expect(prune(us, obj)).toEqual(obj);
      expect(prune(s, obj)).toEqual(obj);
    }), { numRuns: 150 });
  });

  test('the check catches a narrower schema (one without status)', () => {
    const us = schemaOf(upstream['nodefeaturegroups.nfd.k8s-sigs.io']);
    const narrow = { ...schemaOf(ours['nodefeaturegroups.nfd.k8s-sigs.io']) };
    narrow.properties = { ...narrow.properties };
    delete narrow.properties.status;
    expect(() => fc.assert(fc.property(arbitraryOf(us), (obj) => {
      expect(prune(narrow, obj)).toEqual(obj);
    }), { numRuns: 150 })).toThrow();
  });

  test('fields unknown to upstream are kept too (ours is wider, never narrower)', () => {
    const s = schemaOf(ours['nodefeatures.nfd.k8s-sigs.io']);
    const obj = { apiVersion: 'nfd.k8s-sigs.io/v1alpha1', kind: 'NodeFeature', metadata: { name: 'n' }, spec: { features: { future: { x: 1 } }, labels: { a: 'b' } } };
    expect(prune(s, obj)).toEqual(obj);
    expect(prune(schemaOf(upstream['nodefeatures.nfd.k8s-sigs.io']), obj).spec.features).toEqual({});
  });

  test('Intel\'s upstream NodeFeatureRules are kept whole', () => {
    const s = schemaOf(ours['nodefeaturerules.nfd.k8s-sigs.io']);
    const rules = YAML.parseAllDocuments(upstreamFile('reference', 'intel-nfd-node-feature-rules-v0.36.0.yaml')).map((d) => d.toJSON());
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules) expect(prune(s, r)).toEqual(r);
  });
});

describe('props', () => {
  test('installCrds: false leaves the CRDs out', () => {
    expect(nfdObjects({ installCrds: false }).filter((o) => o.kind === 'CustomResourceDefinition')).toEqual([]);
  });

  test('namespace, image and worker tolerations', () => {
    const tolerations = [{ key: 'accelerator', operator: 'Exists', effect: 'NoSchedule' }];
    const objects = nfdObjects({ namespace: 'nfd', image: 'registry.example.com/nfd:v0.19.0', workerTolerations: tolerations });
    expect(find(objects, 'Namespace').metadata.name).toBe('nfd');
    for (const o of objects.filter((x) => ['Deployment', 'DaemonSet', 'ServiceAccount', 'ConfigMap', 'Role', 'RoleBinding'].includes(x.kind))) {
      expect(o.metadata.namespace).toBe('nfd');
    }
    for (const o of objects.filter((x) => x.kind.endsWith('Binding'))) expect(o.subjects[0].namespace).toBe('nfd');
    const worker = find(objects, 'DaemonSet').spec.template.spec;
    expect(worker.tolerations).toEqual(tolerations);
    expect(worker.containers[0].image).toBe('registry.example.com/nfd:v0.19.0');
    expect(find(nfdObjects(), 'DaemonSet').spec.template.spec.containers[0].image).toBe(Versions.NODE_FEATURE_DISCOVERY_IMAGE);
  });

  test('worker config renders nfd-worker.conf and renames its ConfigMap', () => {
    const objects = nfdObjects({
      workerConfig: {
        labelSources: ['cpu', 'pci', '-usb'],
        labelWhiteList: '^cpu-cpuid\\.',
        cpuidAttributeWhitelist: ['AVX512F', 'BMI2'],
        cpuidAttributeBlacklist: ['SSE'],
        sleepInterval: Duration.minutes(5),
      },
    });
    const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('nfd-worker-conf-'));
    expect(YAML.parse(cm.data['nfd-worker.conf'])).toEqual({
      core: { labelWhiteList: '^cpu-cpuid\\.', labelSources: ['cpu', 'pci', '-usb'], sleepInterval: '300s' },
      sources: { cpu: { cpuid: { attributeBlacklist: ['SSE'], attributeWhitelist: ['AVX512F', 'BMI2'] } } },
    });
    expect(cm.metadata.name).not.toBe(objects.find((o) => o.metadata.name.startsWith('nfd-master-conf-')).metadata.name.replace('master', 'worker'));
    expect(find(objects, 'DaemonSet').spec.template.spec.volumes.at(-1)).toEqual({ name: 'nfd-worker-conf', configMap: { name: cm.metadata.name } });
    const ms = nfdObjects({ workerConfig: { sleepInterval: Duration.millis(1500) } }).find((o) => o.metadata.name.startsWith('nfd-worker-conf-'));
    expect(YAML.parse(ms.data['nfd-worker.conf'])).toEqual({ core: { sleepInterval: '1500ms' } });
  });

  testUpstream('extra NodeFeatureRules are emitted and validate against upstream\'s schema', () => {
    const objects = nfdObjects({
      extraRules: [{ name: 'my-rule', rules: [{ name: 'r', labels: { 'example.com/x': 'true' }, matchFeatures: [{ feature: 'kernel.loadedmodule', matchExpressions: { e1000e: { op: 'Exists' as any } } }] }] }],
    });
    const rule = find(objects, 'NodeFeatureRule');
    const schema = schemaOf(upstreamCrds(CRD_FILE)['nodefeaturerules.nfd.k8s-sigs.io']);
    expect(validatorOf(schema)(rule)).toEqual([]);
    expect(prune(schema, rule)).toEqual(rule);
    expect(rule.spec.rules[0].matchFeatures[0].matchExpressions).toEqual({ e1000e: { op: 'Exists' } });
  });

  test.each<[string, NodeFeatureDiscoveryProps, RegExp]>([
    ['namespace', { namespace: 'Bad_NS' }, /test\/nfd: \[ATLS-NAME001\] namespace: /],
    ['image', { image: 'has space' }, /test\/nfd: \[ATLS-IMG002\] image: /],
    ['toleration operator', { workerTolerations: [{ operator: 'Sometimes' }] }, /workerTolerations\[0\]: operator/],
    ['toleration effect', { workerTolerations: [{ key: 'k', effect: 'Never' }] }, /workerTolerations\[0\]: effect/],
    ['label source', { workerConfig: { labelSources: ['gpu'] } }, /workerConfig.labelSources: 'gpu'/],
    ['whitelist regexp', { workerConfig: { labelWhiteList: '(' } }, /workerConfig.labelWhiteList: /],
    ['cpuid name', { workerConfig: { cpuidAttributeBlacklist: ['bmi2'] } }, /workerConfig.cpuidAttributeBlacklist: 'bmi2'/],
    ['sleep interval', { workerConfig: { sleepInterval: Duration.millis(10) } }, /workerConfig.sleepInterval: 10 ms/],
    ['rule name', { extraRules: [{ name: 'Bad', rules: [{ name: 'r' }] }] }, /test\/nfd: \[ATLS-NAME001\] extraRules\[0\].name/],
    ['duplicate rule', { extraRules: [{ name: 'a', rules: [{ name: 'r' }] }, { name: 'a', rules: [{ name: 'r' }] }] }, /extraRules\[1\].name: 'a' is used/],
    ['empty rules', { extraRules: [{ name: 'a', rules: [] }] }, /extraRules\[0\].rules: at least one/],
  ])('invalid %s is an error naming the prop', (_what, props, message) => {
    expect(() => nfdObjects(props)).toThrow(message);
  });

  test('property: any props synthesize or throw an error naming the prop', () => {
    // Mostly plausible values per prop, so that both outcomes are common.
    const plausible = (...valid: string[]) => fc.oneof(
      { arbitrary: fc.constantFrom(...valid), weight: 8 },
      { arbitrary: fc.string({ maxLength: 12 }), weight: 1 },
    );
    const props = fc.record({
      namespace: plausible('nfd', 'node-feature-discovery'),
      image: plausible('registry.example.com/nfd:v0.19.0'),
      workerTolerations: fc.array(fc.record({
        key: plausible('accelerator'), operator: plausible('Exists', 'Equal'), effect: plausible('NoSchedule', 'NoExecute'),
      }, { requiredKeys: ['key'] }), { maxLength: 2 }),
      workerConfig: fc.record({
        labelSources: fc.array(plausible('all', 'cpu', '-usb'), { maxLength: 3 }),
        labelWhiteList: plausible('^cpu-', ''),
        cpuidAttributeWhitelist: fc.array(plausible('AVX512F', 'BMI2'), { maxLength: 2 }),
        cpuidAttributeBlacklist: fc.array(plausible('SSE'), { maxLength: 2 }),
        sleepInterval: fc.oneof(
          fc.integer({ min: 1, max: 600 }).map((s) => Duration.seconds(s)),
          fc.double({ min: 0, max: 100000, noNaN: true }).map((ms) => Duration.millis(ms)),
        ),
      }, { requiredKeys: [] }),
      extraRules: fc.array(fc.record({
        name: plausible('a', 'b.example.com'),
        rules: fc.array(fc.record({ name: plausible('r') }), { maxLength: 2 }),
      }), { maxLength: 2 }),
      installCrds: fc.boolean(),
    }, { requiredKeys: [] });
    const propNames = ['namespace', 'image', 'workerTolerations', 'workerConfig', 'extraRules'];
    const outcomes = { ok: 0, error: 0 };
    fc.assert(fc.property(props, (p) => {
      try {
        const objects = nfdObjects(p as NodeFeatureDiscoveryProps);
        expect(find(objects, 'DaemonSet').metadata.name).toBe('nfd-worker');
        outcomes.ok++;
      } catch (e) {
        outcomes.error++;
        expect(e).toBeInstanceOf(Error);
        const m = (e as Error).message;
        expect(m).toMatch(/^test\/nfd: \[ATLS-(NFD001|NAME001|IMG002)\] /);
        expect(propNames.some((n) => m.includes(`] ${n}`))).toBe(true);
      }
    }), { numRuns: 1000 });
    expect(outcomes.ok).toBeGreaterThan(10);
    expect(outcomes.error).toBeGreaterThan(10);
  });
});

describe('one per app', () => {
  const instances = (app: any) => app.node.findAll().filter((c: any) => c instanceof NodeFeatureDiscovery).map((c: any) => c.node.path);

  test.each(['before', 'after'])('an explicit instance declared %s CryptoMbAffinity replaces the implicit one', (order) => {
    const app = Testing.app();
    const declare = () => new NodeFeatureDiscovery(new Chart(app, 'nfd'), 'nfd', { namespace: 'nfd' });
    if (order === 'before') declare();
    new CryptoMbAffinity(new Chart(app, 'features'), 'cryptomb');
    if (order === 'after') declare();
    expect(instances(app)).toEqual(['nfd/nfd']);
    const objects = synthApp(app);
    expect(objects.filter((o) => o.kind === 'DaemonSet').map((o) => o.metadata.namespace)).toEqual(['nfd']);
    expect(objects.filter((o) => o.kind === 'CustomResourceDefinition')).toHaveLength(3);
  });

  test('without an explicit instance, the first user creates it in its chart', () => {
    const app = Testing.app();
    new CryptoMbAffinity(new Chart(app, 'features'), 'cryptomb');
    expect(instances(app)).toEqual(['features/NodeFeatureDiscovery']);
    // The rule comes after the CRDs it needs: they are in the app's chart of CRDs, synthesized first.
    const kinds = YAML.parseAllDocuments(app.synthYaml()).map((d) => d.toJSON().kind);
    expect(kinds.lastIndexOf('CustomResourceDefinition')).toBeLessThan(kinds.indexOf('NodeFeatureRule'));
    expect(kinds.filter((k) => k === 'CustomResourceDefinition')).toHaveLength(3);
    expect(app.charts.map((c) => c.node.id)).toEqual(['crds', 'features']);
    expect(Testing.synth(app.charts[1]).map((o) => o.kind)).not.toContain('CustomResourceDefinition');
  });

  test('a rule in another chart makes that chart depend on NFD\'s', () => {
    const app = Testing.app();
    const features = new Chart(app, 'features');
    new CryptoMbAffinity(features, 'cryptomb');
    const nfdChart = new Chart(app, 'nfd');
    new NodeFeatureDiscovery(nfdChart, 'nfd');
    app.synthYaml();
    expect(features.node.dependencies).toContain(nfdChart);
  });

  test('a second explicit instance is an error', () => {
    const { chart } = newChart();
    new NodeFeatureDiscovery(chart, 'a');
    expect(() => new NodeFeatureDiscovery(chart, 'b')).toThrow(/test\/b: \[ATLS-APP002\] id: NodeFeatureDiscovery exists once per app; test\/a already defines it/);
  });

  test('useExisting emits nothing, replaces an implicit instance, and excludes an explicit one', () => {
    const app = Testing.app();
    new CryptoMbAffinity(new Chart(app, 'features'), 'cryptomb');
    NodeFeatureDiscovery.useExisting(app);
    NodeFeatureDiscovery.useExisting(app);
    expect(instances(app)).toEqual([]);
    expect(synthApp(app).map((o) => o.kind)).toEqual(['NodeFeatureRule']);
    expect(() => new NodeFeatureDiscovery(new Chart(app, 'nfd'), 'nfd')).toThrow(/nfd\/nfd: \[ATLS-APP002\] .*useExisting/);

    const { chart } = newChart();
    new NodeFeatureDiscovery(chart, 'nfd');
    expect(() => NodeFeatureDiscovery.useExisting(chart)).toThrow(/test: \[ATLS-APP002\] useExisting: the app already has NodeFeatureDiscovery at test\/nfd/);
  });
});
