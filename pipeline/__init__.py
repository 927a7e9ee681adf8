"""isnad orchestration: building the spaCy pipeline, reading inputs, writing tables."""
import sys as _sys

__version__ = "0.1.0"

# spaCy's thinc imports torch whenever it is installed (it is, with the optional
# ``[stanza]`` extra): 2-3 s per run and the rule pipeline never uses it.  Let thinc
# see no torch; the stanza backend still imports torch itself when selected.
if "thinc.compat" not in _sys.modules and "torch" not in _sys.modules:
    _sys.modules["torch"] = None  # type: ignore[assignment]
    try:
        import thinc.compat  # noqa: F401
    finally:
        del _sys.modules["torch"]
