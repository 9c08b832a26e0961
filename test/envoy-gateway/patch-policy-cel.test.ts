// The guard's CEL against the schema the apiserver type-checks it with: Envoy Gateway's
// EnvoyPatchPolicy CRD. A field without a `type` (operation.value is only
// x-kubernetes-preserve-unknown-fields) is unknown to the type checker, so selecting it
// statically warns `undefined field 'value'` in the policy's status.typeChecking; the guard must
// reach such fields only through dyn(). (The cluster check asserts the real status.)
import { guardValidations } from '../../src/envoy-gateway/patch-policy-cel';
import { describeUpstream } from '../util';
import { schemaOf, upstreamCrds } from '../util/crd-schema';

describeUpstream('the guard\'s CEL against Envoy Gateway\'s EnvoyPatchPolicy schema', () => {
  const operation = schemaOf(upstreamCrds('envoy-gateway-v1.9.0-envoypatchpolicies.yaml')['envoypatchpolicies.gateway.envoyproxy.io'])
    .properties.spec.properties.jsonPatches.items.properties.operation;

  /** Fields of `p.operation` selected statically (not through dyn()) that the schema leaves untyped. */
  function untypedSelections(expression: string): string[] {
    const typed = new Set(Object.entries(operation.properties as Record<string, any>).filter(([, s]) => s.type).map(([k]) => k));
    return [...expression.matchAll(/(?<!dyn\()\bp\.operation\.([A-Za-z_][A-Za-z0-9_]*)/g)]
      .map((m) => m[1]).filter((field) => !typed.has(field));
  }

  test('the schema still leaves operation.value untyped (else dyn() would be unneeded)', () => {
    expect(operation.properties.value.type).toBeUndefined();
    expect(operation.properties.value['x-kubernetes-preserve-unknown-fields']).toBe(true);
    expect(operation.properties.op.type).toBe('string');
  });

  test('no validation selects an untyped field of p.operation statically', () => {
    const validations = guardValidations([]);
    expect(validations.length).toBe(9);
    for (const { expression } of validations) expect({ expression, untyped: untypedSelections(expression) }).toEqual({ expression, untyped: [] });
    // The value checks are still there, through dyn().
    expect(validations.filter((v) => v.expression.includes("'value' in dyn(p.operation)")).length).toBe(4);
  });

  test('the check catches a static selection of operation.value (negative control)', () => {
    expect(untypedSelections('p.operation.op == "add" && has(p.operation.value) && type(p.operation.value) == map')).toEqual(['value', 'value']);
    expect(untypedSelections("'value' in dyn(p.operation) && dyn(p.operation).value.fallback")).toEqual([]);
  });
});
