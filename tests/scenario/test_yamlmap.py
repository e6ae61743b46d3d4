"""Safe YAML with the line of every field: line map, duplicate keys, tags never constructed."""

import pytest

from privsim.errors import InputError
from privsim.scenario.yamlmap import dotted, line_of, parse


def test_yaml_line_map_and_duplicate_keys():
    data, lines = parse("a:\n  b: 1\n  c:\n    - x: 2\n", "f.yaml")
    assert data == {"a": {"b": 1, "c": [{"x": 2}]}}
    assert lines[("a", "b")] == 2 and lines[("a", "c", 0, "x")] == 4
    assert line_of(lines, ("a", "c", 0, "missing")) == 4
    assert dotted(("a", "c", 0, "x")) == "a.c[0].x"
    with pytest.raises(InputError, match="duplicate key 'b'"):
        parse("a:\n  b: 1\n  b: 2\n", "f.yaml")


def test_yaml_tags_are_never_constructed():
    with pytest.raises(InputError, match=r"tag .* is not allowed"):
        parse("a: !!python/object/apply:os.system ['echo pwned']\n", "f.yaml")
