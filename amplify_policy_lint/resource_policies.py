"""What each kind of policy document accepts, where AWS's documentation says it differs from IAM.

IAM's grammar is the default; resource policies are stored and checked by the service that
owns the resource, and some accept what IAM refuses. Rules ask here instead of assuming IAM:
a wrong assumption blocks somebody's commit (no false positive).
"""
from __future__ import annotations

from .policy import DocKind, PolicyDocument

# Resource policies whose statements name no Resource: the policy applies to the resource it
# is set on. Amazon ECR repository policies (private and public) are written without one:
# https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html
# https://docs.aws.amazon.com/AmazonECR/latest/public/public-repository-policy-examples.html
# (An ECR *registry* policy does name its repositories: AWS::ECR::RegistryPolicy is not here,
# https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions-examples.html.)
RESOURCE_IMPLIED = frozenset({
    "AWS::ECR::Repository", "AWS::ECR::PublicRepository",
    "aws_ecr_repository_policy", "aws_ecrpublic_repository_policy",
})
# The services whose actions alone tell that a bare policy file (no resource type known) is
# an ECR repository policy, when none of its statements names a resource.
_IMPLIED_SERVICES = ("ecr:", "ecr-public:")

# Where statement ids must be unique. "In IAM, the Sid value must be unique within a JSON
# policy"; "some AWS services (for example, Amazon SQS or Amazon SNS) might require this
# element and have uniqueness requirements for it"
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html).
# Other services are not documented to: Amazon S3 accepts a bucket policy with repeated
# Sids (cfn-lint exempts S3 from its check for that reason), and so does Amazon ECR (moto
# dropped its check after testing against AWS; ECR's own registry-policy example repeated
# one Sid). A rule that cannot tell stays quiet.
SID_UNIQUE_RESOURCE_TYPES = frozenset({
    "AWS::SQS::QueuePolicy", "AWS::SQS::QueueInlinePolicy", "aws_sqs_queue_policy", "aws_sqs_queue",
    "AWS::SNS::TopicPolicy", "AWS::SNS::TopicInlinePolicy", "aws_sns_topic_policy", "aws_sns_topic",
})
_SID_UNIQUE_SERVICES = ("sqs:", "sns:")


def resource_implied(document: PolicyDocument) -> bool:
    """Whether the document's statements may leave out Resource (the service supplies it)."""
    if document.kind is not DocKind.RESOURCE:
        return False
    if document.resource_type is not None:
        return document.resource_type in RESOURCE_IMPLIED
    return _bare_file_of(document, _IMPLIED_SERVICES) and not any(
        s.resource_key for s in document.statements)


def sids_must_be_unique(document: PolicyDocument) -> bool:
    """Whether the service that receives the document rejects repeated statement ids."""
    if document.kind is not DocKind.RESOURCE:
        return True  # identity and trust policies, and custom-policies.json: IAM stores them
    if document.resource_type is not None:
        return document.resource_type in SID_UNIQUE_RESOURCE_TYPES
    return _bare_file_of(document, _SID_UNIQUE_SERVICES)


def _bare_file_of(document: PolicyDocument, prefixes: tuple[str, ...]) -> bool:
    """A policy file of unknown destination whose every action belongs to one of ``prefixes``
    (NotAction and unresolved entries tell nothing)."""
    actions = []
    for statement in document.statements:
        if statement.action_key != "Action":
            return False
        actions.extend(item.value for item in statement.actions)
    return bool(actions) and all(
        isinstance(a, str) and a.lower().startswith(prefixes) for a in actions)


# The service whose actions and resources a resource policy may name, by the resource type
# that holds it: a bucket policy names S3 actions on the bucket and its objects, a queue
# policy SQS actions on the queue, and so on (each service's guide on its resource policies;
# Amazon S3 refuses others with "Policy has invalid action" / "invalid resource"). Access
# points, VPC endpoint policies and registry policies are not here: they may name more.
POLICY_SERVICE = {
    **dict.fromkeys(("AWS::S3::BucketPolicy", "aws_s3_bucket_policy", "aws_s3_bucket"), "s3"),
    **dict.fromkeys(("AWS::SQS::QueuePolicy", "AWS::SQS::QueueInlinePolicy", "aws_sqs_queue_policy",
                     "aws_sqs_queue"), "sqs"),
    **dict.fromkeys(("AWS::SNS::TopicPolicy", "AWS::SNS::TopicInlinePolicy", "aws_sns_topic_policy",
                     "aws_sns_topic"), "sns"),
    **dict.fromkeys(("AWS::KMS::Key", "AWS::KMS::ReplicaKey", "aws_kms_key", "aws_kms_replica_key"), "kms"),
    **dict.fromkeys(("AWS::SecretsManager::ResourcePolicy", "aws_secretsmanager_secret_policy",
                     "aws_secretsmanager_secret"), "secretsmanager"),
    **dict.fromkeys(("AWS::ECR::Repository", "aws_ecr_repository_policy"), "ecr"),
    **dict.fromkeys(("AWS::ECR::PublicRepository", "aws_ecrpublic_repository_policy"), "ecr-public"),
    **dict.fromkeys(("AWS::EFS::FileSystem", "aws_efs_file_system_policy"), "elasticfilesystem"),
    **dict.fromkeys(("AWS::Backup::BackupVault", "aws_backup_vault_policy"), "backup"),
    **dict.fromkeys(("AWS::Events::EventBus", "aws_cloudwatch_event_bus_policy"), "events"),
    **dict.fromkeys(("AWS::DynamoDB::Table", "aws_dynamodb_resource_policy"), "dynamodb"),
    **dict.fromkeys(("AWS::Kinesis::ResourcePolicy",), "kinesis"),
    **dict.fromkeys(("aws_glacier_vault",), "glacier"),
}


def policy_service(document: PolicyDocument) -> str | None:
    """The one service whose actions and ARNs the document's resource type takes, if known."""
    if document.kind is not DocKind.RESOURCE or document.vpc_endpoint or document.resource_type is None:
        return None
    return POLICY_SERVICE.get(document.resource_type)
