// Every core object we synthesize validates against the Kubernetes schema (kubernetes-models 4.5.1, CJS).
import { Testing } from 'cdk8s';
import { defineEdge } from '../../examples/edge';
import { synthApp } from '../util';
import { validateCoreObjects } from '../util/core-models';

test('the example app’s core objects validate', () => {
  const app = Testing.app();
  defineEdge(app);
  const objects = synthApp(app);
  const core = objects.filter((o) => !o.apiVersion.includes('.') || /^(rbac\.authorization|apiextensions)\.k8s\.io\//.test(o.apiVersion));
  expect(validateCoreObjects(objects)).toBe(core.length);
});

test('the validator catches a broken object', () => {
  expect(() => validateCoreObjects([{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { replicas: 'two' } }])).toThrow(/replicas/);
});
