"""The Python package synthesizes the same YAML as the TypeScript example, byte for byte."""
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
TS_OUT = pathlib.Path(os.environ.get("ATLS_TS_MANIFESTS", ROOT / "dist" / "manifests"))


def test_python_example_matches_typescript(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "examples" / "python" / "app.py"), str(tmp_path)], check=True)
    ts_files = sorted(p.name for p in TS_OUT.glob("*.yaml"))
    py_files = sorted(p.name for p in tmp_path.glob("*.yaml"))
    assert py_files == ts_files and len(ts_files) >= 5
    for name in ts_files:
        assert (tmp_path / name).read_bytes() == (TS_OUT / name).read_bytes(), f"{name} differs"


def test_python_errors_name_the_prop():
    from cdk8s import App, Chart
    from cdk8s_accelerated_tls import AcceleratedTlsGateway, KeyProvider

    app = App()
    try:
        AcceleratedTlsGateway(Chart(app, "c"), "gw", provider=KeyProvider.qat(), listeners=[])
    except Exception as e:  # jsii surfaces the JS Error
        assert "c/gw: [ATLS-GW001] listeners" in str(e)
    else:
        raise AssertionError("no error for a gateway without listeners")
