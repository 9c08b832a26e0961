import { k8s } from 'cdk8s-plus-28';
import { equalResources, RESTRICTED_CONTAINER } from '../core/pod-security';
import { Versions } from '../core/versions';

/** @internal What the containers of a HandshakeBenchmark client pod are made of. */
export interface BenchmarkContainerOptions {
  readonly cpu: string;
  readonly memory: string;
  /** The ConfigMap with the script, its modules and the config. */
  readonly configMap: string;
  readonly fortioImage?: string;
  readonly scriptImage?: string;
  readonly toolsImage?: string;
}

const SECURITY_CONTEXT = RESTRICTED_CONTAINER;

/**
 * @internal The init containers, container and volumes of a client pod: fortio's image has no
 * shell, so a static busybox copies its binary out; the script runs in its own Python image.
 */
export function benchmarkContainers(o: BenchmarkContainerOptions): Pick<k8s.PodSpec, 'initContainers' | 'containers' | 'volumes'> {
  const small = equalResources('100m', '64Mi');
  const copy = (name: string, image: string, command: string[]): k8s.Container => ({
    name, image, command, securityContext: SECURITY_CONTEXT, resources: small, volumeMounts: [{ name: 'tools', mountPath: '/tools' }],
  });
  return {
    initContainers: [
      copy('busybox', o.toolsImage ?? Versions.BENCHMARK_TOOLS_IMAGE, ['/bin/cp', '/bin/busybox', '/tools/busybox']),
      copy('fortio', o.fortioImage ?? Versions.FORTIO_IMAGE, ['/tools/busybox', 'cp', '/usr/bin/fortio', '/tools/fortio']),
    ],
    containers: [{
      name: 'benchmark',
      image: o.scriptImage ?? Versions.BENCHMARK_SCRIPT_IMAGE,
      command: ['python3', '-u', '/config/benchmark.py'],
      env: [
        { name: 'ATLS_CONFIG', value: '/config/config.json' },
        { name: 'ATLS_FORTIO', value: '/tools/fortio' },
        { name: 'ATLS_RESULTS', value: '/results' },
        // The root filesystem is read-only: results go to an emptyDir, no bytecode is written.
        { name: 'PYTHONDONTWRITEBYTECODE', value: '1' },
      ],
      securityContext: SECURITY_CONTEXT,
      resources: equalResources(o.cpu, o.memory),
      volumeMounts: [
        { name: 'config', mountPath: '/config', readOnly: true },
        { name: 'tools', mountPath: '/tools', readOnly: true },
        { name: 'results', mountPath: '/results' },
      ],
    }],
    volumes: [
      { name: 'config', configMap: { name: o.configMap } },
      { name: 'tools', emptyDir: { sizeLimit: k8s.Quantity.fromString('128Mi') } },
      { name: 'results', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
    ],
  };
}
