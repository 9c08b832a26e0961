"""The README's Python example, run unchanged; and the Node end-of-life banner the README explains."""
import os
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]


def readme_example(tmp_path):
    text = (ROOT / "README.md").read_text()
    block = re.search(r"### Python\n[\s\S]*?```python\n([\s\S]*?)```", text).group(1)
    app = tmp_path / "app.py"
    app.write_text(block)
    return app


def run(app, env):
    return subprocess.run([sys.executable, str(app)], cwd=app.parent, env=env, capture_output=True, text=True, check=True)


def test_readme_python_example_synthesizes(tmp_path):
    run(readme_example(tmp_path), os.environ)
    out = (tmp_path / "dist" / "edge.k8s.yaml").read_text()
    for kind in ("GatewayClass", "EnvoyProxy", "Gateway", "TCPRoute", "EnvoyPatchPolicy"):
        assert f"\nkind: {kind}\n" in out, kind


def test_end_of_life_banner_is_silenced_by_the_major_version(tmp_path):
    major = subprocess.run(["node", "-p", "process.versions.node.split('.')[0]"], capture_output=True, text=True, check=True).stdout.strip()
    app = readme_example(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION"}
    shown = run(app, env).stderr.count("!!")
    silenced = run(app, {**env, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": major}).stderr.count("!!")
    wrong = run(app, {**env, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "1"}).stderr.count("!!")
    assert silenced == 0
    if major == "20":  # past its end of life for jsii: the banner shows unless silenced by "20"
        assert shown > 0 and wrong == shown
