"""amplify-policy-lint: lint AWS IAM policies for Amplify deployments at commit time."""

__version__ = "0.2.0"
# The command, and the name in reports, baselines and inline directives.
PROG = "amplify-policy-lint"
