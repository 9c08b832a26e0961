"""The Python example of docs/benchmark-check.md, run unchanged: it synthesizes the HandshakeCheck Job."""
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_handshake_check_python_example_synthesizes(tmp_path):
    text = (ROOT / "docs" / "benchmark-check.md").read_text()
    block = re.search(r"### Python\n[\s\S]*?```python\n([\s\S]*?)```", text).group(1)
    app = tmp_path / "app.py"
    app.write_text(block)
    subprocess.run([sys.executable, str(app)], cwd=tmp_path, capture_output=True, text=True, check=True)
    out = (tmp_path / "dist" / "check.k8s.yaml").read_text()
    assert "\nkind: Job\n" in out
    assert "argocd.argoproj.io/hook: PostSync" in out
    assert "key: tls.crt" in out and "tls.key" not in out
