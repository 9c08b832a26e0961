/**
 * Pinned upstream versions and images: the one place they are defined.
 *
 * Every construct reads its defaults from here, and the images are derived from the release
 * versions, so an upgrade is one reviewed change (see CONTRIBUTING.md for the bump recipe;
 * a test checks the CRD sources and the conformance tools pin the same releases).
 *
 * Two forms, each the same for every constant:
 * - a release (`ENVOY_GATEWAY`, `NODE_FEATURE_DISCOVERY`, ...) is the upstream Git tag, with its
 *   `v` (`v1.9.1`);
 * - an image (`..._IMAGE`) is a fully qualified reference, registry included
 *   (`docker.io/intel/intel-qat-plugin:0.36.0`), with the tag the registry publishes (for Intel's
 *   device plugins and fortio the release without its `v`).
 */
export class Versions {
  /** Envoy Gateway release the manifests are written for (Kubernetes 1.33–1.36). */
  public static readonly ENVOY_GATEWAY = 'v1.9.1';

  /** The Envoy release of the gateways (a patch release at or after the one `ENVOY_GATEWAY` runs by default: 1.39.3 carries the CVE-2026-35189 fix). */
  public static readonly ENVOY = 'v1.39.3';

  /**
   * Envoy contrib image (Ubuntu base) of `ENVOY`.
   *
   * Envoy Gateway's default `distroless` image has no private key providers; the legacy
   * `envoy-contrib*` repositories are retired.
   */
  public static readonly ENVOY_CONTRIB_IMAGE = `docker.io/envoyproxy/envoy:contrib-${Versions.ENVOY}`;

  /** Image of Envoy Gateway's shutdown manager in a release install. */
  public static readonly ENVOY_GATEWAY_IMAGE = `docker.io/envoyproxy/gateway:${Versions.ENVOY_GATEWAY}`;

  /** Rate limit image the `ENVOY_GATEWAY` Helm chart renders by default. */
  public static readonly ENVOY_RATELIMIT_IMAGE = 'docker.io/envoyproxy/ratelimit:8fe6ea42';

  /** Gateway API bundle (TCPRoute and TLSRoute are served as `v1`). */
  public static readonly GATEWAY_API = 'v1.6.1';

  /** Node Feature Discovery release. */
  public static readonly NODE_FEATURE_DISCOVERY = 'v0.19.0';

  /** Node Feature Discovery image. */
  public static readonly NODE_FEATURE_DISCOVERY_IMAGE = `registry.k8s.io/nfd/node-feature-discovery:${Versions.NODE_FEATURE_DISCOVERY}`;

  /** Intel device plugins release. */
  public static readonly INTEL_DEVICE_PLUGINS = 'v0.36.0';

  /** Intel QAT device plugin image (the registry's tag has no `v`). */
  public static readonly QAT_PLUGIN_IMAGE = `docker.io/intel/intel-qat-plugin:${Versions.INTEL_DEVICE_PLUGINS.slice(1)}`;

  /** Intel QAT init container image (creates VFs, binds them to vfio-pci, configures services). */
  public static readonly QAT_INITCONTAINER_IMAGE = `docker.io/intel/intel-qat-initcontainer:${Versions.INTEL_DEVICE_PLUGINS.slice(1)}`;

  /**
   * Image of the QAT host-preparation DaemonSet. It only needs `sh`, `nsenter` and `sleep`:
   * the script itself runs with the host's bash and tools.
   */
  public static readonly QAT_HOST_PREP_IMAGE = 'docker.io/library/busybox:1.37.0';

  /** fortio module version of `FORTIO_IMAGE` (what CI installs with `go install`). */
  public static readonly FORTIO_VERSION = 'v1.68.2';

  /**
   * fortio image of HandshakeBenchmark, at `FORTIO_VERSION`: the newest release whose Go module
   * dependencies all come from hosts the project's CI can reach (later releases add grol.io),
   * so the CI test runs the same fortio as the Job.
   */
  public static readonly FORTIO_IMAGE = `docker.io/fortio/fortio:${Versions.FORTIO_VERSION.slice(1)}`;

  /** Image running the HandshakeBenchmark script (Python 3 standard library only). */
  public static readonly BENCHMARK_SCRIPT_IMAGE = 'docker.io/library/python:3.12-alpine3.22';

  /** Static busybox copying fortio out of its shell-less image for HandshakeBenchmark. */
  public static readonly BENCHMARK_TOOLS_IMAGE = 'docker.io/library/busybox:1.37.0-musl';

  /** cert-manager API version used for Certificate and Issuer objects. */
  public static readonly CERT_MANAGER_API = 'cert-manager.io/v1';

  private constructor() {}
}
