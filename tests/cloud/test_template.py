"""The deployment template, validated offline: ``serverless package`` with dummy credentials
(no AWS account is reachable from here), then cfn-lint on the CloudFormation it produced, then
what the issue asked of it: TTL on both tables, least-privilege IAM, ``WEBSOCKET_ENDPOINT``
derived from the API, the routes, and an artifact without Qt."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from scripts.cloud_local import AWS_DIR, DUMMY_AWS, npm_ready

if shutil.which("npm") is None and not os.environ.get("CI"):
    pytest.skip("serverless package needs Node.js and npm", allow_module_level=True)


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    sls = npm_ready()
    subprocess.run(
        [sys.executable, str(AWS_DIR / "build_artifact.py")], check=True, capture_output=True
    )
    env = {**os.environ, **DUMMY_AWS, "SLS_TELEMETRY_DISABLED": "1"}
    env.pop("AWS_PROFILE", None)
    out = AWS_DIR / ".serverless"
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run(
        [
            str(sls),
            "package",
            "--stage",
            "ci",
            "--param=agentId=AGENT1",
            "--param=agentAliasId=ALIAS1",
        ],
        cwd=AWS_DIR,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return dict(json.loads((out / "cloudformation-template-update-stack.json").read_text()))


def test_cfn_lint_passes() -> None:
    cfn_lint = shutil.which("cfn-lint")
    assert cfn_lint is not None
    path = AWS_DIR / ".serverless" / "cloudformation-template-update-stack.json"
    assert path.is_file(), "the template fixture runs first"
    # W3005: the framework writes DependsOn next to a GetAtt for each Lambda permission
    proc = subprocess.run(
        [cfn_lint, "--ignore-checks", "W3005", "--", str(path)], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.fixture(autouse=True)
def _template_first(template: dict[str, Any]) -> None:
    """cfn-lint reads the file the template fixture wrote."""


def resources(t: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in t["Resources"].items() if v["Type"] == kind}


def test_both_tables_have_ttl_and_the_seeds_keys(template: dict[str, Any]) -> None:
    tables = {
        v["Properties"]["TableName"]: v["Properties"]
        for v in resources(template, "AWS::DynamoDB::Table").values()
    }
    assert set(tables) == {"websocket-connections-ci", "sensor-data-ci"}
    for props in tables.values():
        assert props["TimeToLiveSpecification"] == {"AttributeName": "ttl", "Enabled": True}
        assert props["BillingMode"] == "PAY_PER_REQUEST"
    keys = [(k["AttributeName"], k["KeyType"]) for k in tables["sensor-data-ci"]["KeySchema"]]
    assert keys == [("connectionId", "HASH"), ("timestamp", "RANGE")]


def test_iam_is_least_privilege(template: dict[str, Any]) -> None:
    (role,) = resources(template, "AWS::IAM::Role").values()
    statements = [
        s for p in role["Properties"]["Policies"] for s in p["PolicyDocument"]["Statement"]
    ]
    ours = [s for s in statements if not any("logs:" in a for a in _list(s["Action"]))]
    for s in ours:
        assert "*" not in _list(s["Action"])
        assert s["Resource"] != "*"
        assert "*" not in json.dumps(s["Resource"]).replace("@connections/*", "")
    actions = sorted(a for s in ours for a in _list(s["Action"]))
    assert actions == sorted(
        [
            "dynamodb:DeleteItem",
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            "dynamodb:Query",
            "dynamodb:Scan",
            "dynamodb:UpdateItem",
            "execute-api:ManageConnections",
            "bedrock:InvokeAgent",
            "ssm:GetParameter",
        ]
    )
    # the operator token: that one parameter, read only (no kms:Decrypt: aws/ssm key)
    ssm = json.dumps([s["Resource"] for s in ours if "ssm:GetParameter" in _list(s["Action"])])
    assert ":parameter/intelivision/ci/operator-token" in ssm
    agent = json.dumps([s["Resource"] for s in ours if "bedrock:InvokeAgent" in _list(s["Action"])])
    assert "agent-alias/AGENT1/ALIAS1" in agent.replace('", "', "")


def _list(v: Any) -> list[Any]:
    return v if isinstance(v, list) else [v]


def test_functions_routes_and_environment(template: dict[str, Any]) -> None:
    functions = resources(template, "AWS::Lambda::Function")
    assert len(functions) == 6
    for f in functions.values():
        p = f["Properties"]
        assert p["Runtime"] == "python3.12"
        assert p["Timeout"] == 10
        env = p["Environment"]["Variables"]
        assert env["CONNECTIONS_TABLE"] == "websocket-connections-ci"
        assert "Ref" in json.dumps(env["WEBSOCKET_ENDPOINT"])  # derived from the API
        assert env["BEDROCK_AGENT_ID"] == "AGENT1"
        assert env["OPERATOR_TOKEN_PARAM"] == "/intelivision/ci/operator-token"
    handlers = sorted(f["Properties"]["Handler"] for f in functions.values())
    assert "intelivision_desktop/cloud/authorizer.authorize" in handlers
    routes = {
        v["Properties"]["RouteKey"]
        for v in resources(template, "AWS::ApiGatewayV2::Route").values()
    }
    assert routes == {"$connect", "$disconnect", "sensor-data", "ping", "$default"}


def test_connect_has_the_request_authorizer_and_no_secret(template: dict[str, Any]) -> None:
    (auth,) = resources(template, "AWS::ApiGatewayV2::Authorizer").values()
    assert auth["Properties"]["AuthorizerType"] == "REQUEST"
    # an identity source every handshake has: devices (no token) must reach the authorizer
    assert auth["Properties"]["IdentitySource"] == ["route.request.header.Host"]
    (auth_id,) = resources(template, "AWS::ApiGatewayV2::Authorizer")
    connect = [
        r["Properties"]
        for r in resources(template, "AWS::ApiGatewayV2::Route").values()
        if r["Properties"]["RouteKey"] == "$connect"
    ]
    assert connect[0]["AuthorizationType"] == "CUSTOM"
    assert connect[0]["AuthorizerId"] == {"Ref": auth_id}
    # the token lives in SSM, never in the template
    assert "SecureString" not in json.dumps(template)
    assert not resources(template, "AWS::SSM::Parameter")


def test_the_artifact_holds_no_qt() -> None:
    z = AWS_DIR / ".build" / "intelivision-backend.zip"
    names = zipfile.ZipFile(z).namelist()
    assert "intelivision_desktop/cloud/handlers.py" in names
    assert not [n for n in names if "/ui/" in n or "/app/" in n or "PySide6" in n]
    assert z.stat().st_size < 200 * 1024
    assert Path(AWS_DIR / "package-lock.json").is_file()  # the tool versions are pinned
