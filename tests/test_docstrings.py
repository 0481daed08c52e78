"""Every public function and class documents itself, with an example."""

import inspect

import pytest

import tsconv
import tsconv.image

PUBLIC = [
    (module.__name__, name, getattr(module, name))
    for module in (tsconv, tsconv.image)
    for name in module.__all__
    if inspect.isclass(getattr(module, name)) or inspect.isfunction(getattr(module, name))
]


@pytest.mark.parametrize("module, name, obj", PUBLIC, ids=[f"{m}.{n}" for m, n, _ in PUBLIC])
def test_public_api_has_a_docstring_with_an_example(module, name, obj):
    doc = inspect.getdoc(obj) or ""
    summary = doc.splitlines()[0] if doc else ""
    assert summary.endswith("."), f"{module}.{name}: no one-line summary"
    assert "Example:" in doc and ">>> " in doc, f"{module}.{name}: no example"
    if inspect.isfunction(obj) and len(inspect.signature(obj).parameters) > 1:
        assert "Args:" in doc or "Returns:" in doc, f"{module}.{name}: arguments undocumented"
