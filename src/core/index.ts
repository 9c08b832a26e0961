// The app-wide machinery: pinned versions, rules and their catalogue, the registry, names,
// checks, pod security, chart order, the CRD chart and the shipped assets. Internal except
// what this barrel exports.
export * from './versions';
export * from './rules';
