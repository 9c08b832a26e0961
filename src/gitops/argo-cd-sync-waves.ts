import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { AppRegistry, EditStage } from '../core/app-registry';
import { ruleError } from '../core/rules';

/** Props of `ArgoCdSyncWaves`. */
export interface ArgoCdSyncWavesProps {
  /**
   * Sync wave of every CustomResourceDefinition in the app. Argo CD applies a wave, waits until
   * it is healthy (a CRD: Established), then applies the next.
   * @default - -1 (the wave before Argo CD's default 0)
   */
  readonly crdWave?: number;
  /**
   * Sync wave of the custom resources: objects of a kind whose CRD is in the app, or of Gateway
   * API, Envoy Gateway, cert-manager and NFD. Must be above `crdWave`.
   * @default 0 (Argo CD's default wave, written out)
   */
  readonly customResourceWave?: number;
  /**
   * Add `SkipDryRunOnMissingResource=true` to the custom resources' `argocd.argoproj.io/sync-options`.
   * Argo CD dry-runs every object before the first wave; on a fresh cluster the kinds whose CRDs
   * come in the same sync (or from the Envoy Gateway chart in another Application) are not known
   * yet, and the whole sync fails without it.
   * @default true
   */
  readonly skipDryRunOnMissingResource?: boolean;
}

const WAVE = 'argocd.argoproj.io/sync-wave';
const OPTIONS = 'argocd.argoproj.io/sync-options';
const SKIP_DRY_RUN = 'SkipDryRunOnMissingResource=true';
/** API groups whose kinds the library emits and whose CRDs come from elsewhere (the Helm chart, cert-manager, NFD). */
const CRD_GROUPS = ['gateway.networking.k8s.io', 'gateway.envoyproxy.io', 'cert-manager.io', 'nfd.k8s-sigs.io'];

/**
 * Argo CD sync-wave and sync-option annotations for the whole app, so that one Argo CD
 * Application syncs the synthesized directory in order on a fresh cluster: the
 * CustomResourceDefinitions in `crdWave`, the custom resources after them with
 * `SkipDryRunOnMissingResource`. Other objects keep Argo CD's default wave 0.
 *
 * One per app, anywhere in it; it annotates objects created before or after it. Existing
 * `argocd.argoproj.io/sync-options` values are kept.
 */
export class ArgoCdSyncWaves extends Construct {
  /** Wave of the CustomResourceDefinitions. */
  public readonly crdWave: number;
  /** Wave of the custom resources. */
  public readonly customResourceWave: number;

  constructor(scope: Construct, id: string, props: ArgoCdSyncWavesProps = {}) {
    super(scope, id);
    this.crdWave = wave(this, 'crdWave', props.crdWave ?? -1);
    this.customResourceWave = wave(this, 'customResourceWave', props.customResourceWave ?? 0);
    if (this.customResourceWave <= this.crdWave) {
      throw ruleError('ATLS-ARGO001', this, 'customResourceWave', `must be above crdWave (${this.crdWave}): custom resources need their CRDs first`);
    }
    const skipDryRun = props.skipDryRunOnMissingResource ?? true;
    const registry = AppRegistry.of(this);
    registry.claim(ArgoCdSyncWaves, this);
    // Annotations are written at synth, when every object of the app exists.
    registry.addEdit(EditStage.ANNOTATIONS, () => this.annotate(this.node.root, skipDryRun));
  }

  private annotate(root: IConstruct, skipDryRun: boolean): void {
    const objects = root.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
    const crdKinds = new Set<string>();
    for (const o of objects) {
      if (o.kind !== 'CustomResourceDefinition') continue;
      const spec = o.toJson().spec;
      crdKinds.add(`${spec.group}/${spec.names.kind}`);
      o.metadata.addAnnotation(WAVE, String(this.crdWave));
    }
    for (const o of objects) {
      const group = o.apiGroup;
      if (!crdKinds.has(`${group}/${o.kind}`) && !CRD_GROUPS.includes(group)) continue;
      o.metadata.addAnnotation(WAVE, String(this.customResourceWave));
      if (!skipDryRun) continue;
      const options: string[] = (o.metadata.toJson().annotations?.[OPTIONS] ?? '').split(',').map((s: string) => s.trim()).filter(Boolean);
      if (!options.includes(SKIP_DRY_RUN)) o.metadata.addAnnotation(OPTIONS, [...options, SKIP_DRY_RUN].join(','));
    }
  }
}

function wave(scope: IConstruct, prop: string, value: number): number {
  if (!Number.isInteger(value)) throw ruleError('ATLS-ARGO001', scope, prop, `a sync wave is an integer, not ${value}`);
  return value;
}
