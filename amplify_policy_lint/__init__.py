"""amplify-policy-lint: lint AWS IAM policies for Amplify deployments at commit time."""

__version__ = "0.2.0"
# The command, and the name in reports, baselines and inline directives.
PROG = "amplify-policy-lint"


def import_module(name: str):
    """``importlib.import_module(name)`` for a module of this package named in its own code (a
    rule or input kind module, never a name from a file), without importing ``importlib`` and
    ``warnings``: a twentieth of a run on one small policy."""
    import sys

    __import__(name)
    return sys.modules[name]
