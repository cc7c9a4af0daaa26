"""amplify-policy-lint: lint AWS IAM policies for Amplify deployments at commit time."""

__version__ = "0.1.0"
