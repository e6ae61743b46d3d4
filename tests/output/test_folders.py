"""Run folders are written atomically: a failure leaves nothing, a replacement is one rename."""

import json

import pytest

from privsim.output.folders import atomic_folder


def test_atomic_folder_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "run"
    with pytest.raises(RuntimeError), atomic_folder(target) as partial:
        (partial / "half.json").write_text("{")
        raise RuntimeError("killed")
    assert not target.exists() and not list(tmp_path.iterdir())
    with atomic_folder(target) as partial:
        (partial / "ok.json").write_text(json.dumps({"ok": 1}))
    assert (target / "ok.json").exists()
    with atomic_folder(target) as partial:   # replacing an existing run is atomic too
        (partial / "new.json").write_text("{}")
    assert sorted(p.name for p in target.iterdir()) == ["new.json"]
    assert [p.name for p in tmp_path.iterdir()] == ["run"]
