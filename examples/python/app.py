"""The example app in Python: the same charts as examples/edge.ts, through the jsii package.

Run: python examples/python/app.py [outdir]   (default dist/manifests-python)
"""
import sys

from cdk8s import App, Chart, Duration
from cdk8s_plus_28 import k8s
from cdk8s_accelerated_tls import (
    AcceleratedTlsGateway,
    CryptoMbAffinity,
    GatewayListener,
    HandshakeBenchmark,
    KeyAlgorithm,
    KeyProvider,
    ListenerBackend,
    NodePlacement,
    QatNodePrep,
    TlsCertificate,
)


class Backend(Chart):
    """Backend of Envoy Gateway's tls-termination example: echo-basic on port 3000."""

    def __init__(self, scope: App, id: str) -> None:
        super().__init__(scope, id, namespace="default")
        labels = {"app": "backend", "version": "v1"}
        k8s.KubeServiceAccount(self, "ServiceAccount", metadata=k8s.ObjectMeta(name="backend"))
        k8s.KubeService(
            self, "Service",
            metadata=k8s.ObjectMeta(name="backend", labels={"app": "backend", "service": "backend"}),
            spec=k8s.ServiceSpec(
                ports=[k8s.ServicePort(name="http", port=3000, target_port=k8s.IntOrString.from_number(3000))],
                selector={"app": "backend"},
            ),
        )
        k8s.KubeDeployment(
            self, "Deployment",
            metadata=k8s.ObjectMeta(name="backend"),
            spec=k8s.DeploymentSpec(
                replicas=1,
                selector=k8s.LabelSelector(match_labels=labels),
                template=k8s.PodTemplateSpec(
                    metadata=k8s.ObjectMeta(labels=labels),
                    spec=k8s.PodSpec(
                        service_account_name="backend",
                        containers=[k8s.Container(
                            name="backend",
                            image="registry.k8s.io/gateway-api/echo-basic:v1.5.1",
                            image_pull_policy="IfNotPresent",
                            ports=[k8s.ContainerPort(container_port=3000)],
                            env=[
                                k8s.EnvVar(name="POD_NAME", value_from=k8s.EnvVarSource(
                                    field_ref=k8s.ObjectFieldSelector(field_path="metadata.name"))),
                                k8s.EnvVar(name="NAMESPACE", value_from=k8s.EnvVarSource(
                                    field_ref=k8s.ObjectFieldSelector(field_path="metadata.namespace"))),
                            ],
                        )],
                    ),
                ),
            ),
        )


def define_edge(app: App) -> None:
    Backend(app, "backend")

    certificate = TlsCertificate.from_secret_name("example-cert", key_algorithm=KeyAlgorithm.RSA_2048)
    listeners = [GatewayListener(
        hostname="www.example.com",
        port=443,
        certificate=certificate,
        backend=ListenerBackend(service_name="backend", port=3000),
    )]
    gateways = [
        ("qat", KeyProvider.qat(poll_delay=Duration.millis(1), fallback=True)),
        ("cryptomb", KeyProvider.crypto_mb(poll_delay=Duration.millis(1), fallback=True)),
        # The QAT gateway's baseline: the nodes its pods land on (where QAT VFs are advertised), no provider.
        ("software", KeyProvider.software(on_qat_nodes=True)),
        # The CryptoMB gateway's baseline: the same node type (its REQUIRED affinity), no provider.
        ("software-cryptomb", KeyProvider.software(placement=NodePlacement.REQUIRED)),
    ]
    gw = {}
    for kind, provider in gateways:
        chart = Chart(app, f"{kind}-gateway")
        gw[kind] = AcceleratedTlsGateway(
            chart, "gw", namespace="default", name=f"eg-{kind}", provider=provider, listeners=listeners)

    # NFD and the rule labelling CryptoMB-capable nodes, which the CryptoMB gateway requires.
    CryptoMbAffinity(Chart(app, "node-features"), "cryptomb")
    # Every QAT step of the private key provider task that Kubernetes can take.
    QatNodePrep(Chart(app, "qat-node-prep"), "qat")

    # The task's benchmark, fair: each accelerated gateway right after its own baseline, same flags.
    HandshakeBenchmark(
        Chart(app, "benchmark"), "benchmark",
        targets=[gw["software"], gw["qat"], gw["software-cryptomb"], gw["cryptomb"]],
    )


if __name__ == "__main__":
    app = App(outdir=sys.argv[1] if len(sys.argv) > 1 else "dist/manifests-python")
    define_edge(app)
    app.synth()
