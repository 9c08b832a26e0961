// Helpers over CRD openAPIV3Schemas: the API server's pruning, objects a schema accepts, and
// ajv validation against upstream's schema.
import Ajv from 'ajv';
import * as fc from 'fast-check';
import * as YAML from 'yaml';
import { upstreamFile } from '.';

export type Schema = Record<string, any>;

/** Upstream's CRDs of a file in `crds/` (or `reference/`), by name. */
export function upstreamCrds(file: string, kind: 'crds' | 'reference' = 'crds'): Record<string, any> {
  const docs = YAML.parseAllDocuments(upstreamFile(kind, file)).map((d) => d.toJSON()).filter((d) => d?.kind === 'CustomResourceDefinition');
  return Object.fromEntries(docs.map((d) => [d.metadata.name, d]));
}

/** The openAPIV3Schema of a CRD's (only) version, from a synthesized or upstream CRD. */
export function schemaOf(crd: any): Schema {
  expect(crd.spec.versions).toHaveLength(1);
  return crd.spec.versions[0].schema.openAPIV3Schema;
}

/**
 * What the API server stores of `value` under a structural schema: unknown fields are dropped
 * unless `x-kubernetes-preserve-unknown-fields` (metadata at the root is ObjectMeta, never pruned here).
 */
export function prune(schema: Schema, value: any, root = true): any {
  if (Array.isArray(value)) return schema.items ? value.map((v) => prune(schema.items, v, false)) : value;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, any> = {};
  for (const [k, v] of Object.entries(value)) {
    if (root && k === 'metadata') out[k] = v;
    else if (schema.properties?.[k]) out[k] = prune(schema.properties[k], v, false);
    else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') out[k] = prune(schema.additionalProperties, v, false);
    else if (schema['x-kubernetes-preserve-unknown-fields'] || schema.additionalProperties === true) out[k] = v;
  }
  return out;
}

const key = fc.stringMatching(/^[A-Za-z][-A-Za-z0-9_.]{0,11}$/);

/**
 * Objects valid under `schema` that its own pruning leaves intact: every field is one the
 * schema declares. Arrays and maps are kept short so runs stay fast.
 */
export function arbitraryOf(schema: Schema): fc.Arbitrary<any> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case 'string':
      return schema.format === 'date-time'
        ? fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z'))
        : fc.string({ maxLength: 8 });
    case 'integer':
      return fc.integer();
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const item = arbitraryOf(schema.items);
      const mapKeys: string[] | undefined = schema['x-kubernetes-list-map-keys'];
      return mapKeys
        ? fc.uniqueArray(item, { maxLength: 3, selector: (o: any) => JSON.stringify(mapKeys.map((k) => o[k])) })
        : fc.array(item, { maxLength: 2 });
    }
    case 'object':
    default: {
      if (schema.properties) {
        const props = Object.fromEntries(Object.entries(schema.properties as Record<string, Schema>).map(([k, s]) => [k, arbitraryOf(s)]));
        return fc.record(props, { requiredKeys: schema.required ?? [] });
      }
      if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        return fc.dictionary(key, arbitraryOf(schema.additionalProperties), { maxKeys: 2 });
      }
      // An object the schema leaves without fields (NFD's `Nil`, metadata) keeps nothing.
      return fc.constant({});
    }
  }
}

/** An ajv validator for an upstream openAPIV3Schema (x-kubernetes-* keywords are ignored). */
export function validatorOf(schema: Schema): (value: any) => string[] {
  const validate = new Ajv({ allErrors: true, unknownFormats: 'ignore', logger: false }).compile(schema);
  return (value) => (validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.dataPath} ${e.message}`));
}
