// How messages show what the user wrote: a prop in both spellings the library is used in
// (TypeScript's camelCase, Python's snake_case), and a given value quoted as given.

/** Python's spelling of a prop path: each camelCase name in snake_case (`envoy.serviceName` → `envoy.service_name`). */
export function pythonName(prop: string): string {
  return prop.replace(/[A-Za-z][A-Za-z0-9]*/g, (name) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z])([A-Z][a-z])/g, '$1_$2').toLowerCase());
}

/**
 * @internal A prop as a message names it in its text: the TypeScript name, and the Python one
 * beside it when it differs (`certificatePem (Python: certificate_pem)`).
 */
export function propName(prop: string): string {
  const python = pythonName(prop);
  return python === prop ? prop : `${prop} (Python: ${python})`;
}

/**
 * @internal What a rule message ends with: the Python spelling of the prop it leads with, when
 * it differs (` (Python: certificate_pem)`); empty otherwise. Every rule message ends so.
 */
export function pythonNote(prop: string): string {
  const python = pythonName(prop);
  return python === prop ? '' : ` (Python: ${python})`;
}

/**
 * @internal A value as the user gave it: strings quoted and, where another type was expected,
 * named as strings (`'443' (a string)`), numbers as they are, anything else as JSON.
 */
export function shown(value: unknown, expected: 'string' | 'number' = 'string'): string {
  if (typeof value === 'string') return expected === 'string' ? `'${value}'` : `'${value}' (a string)`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return expected === 'number' || typeof value !== 'number' ? String(value) : `${value} (a number)`;
  }
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
