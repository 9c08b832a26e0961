// Shipping the synthesized manifests with GitOps tools.
export * from './argo-cd-sync-waves';
