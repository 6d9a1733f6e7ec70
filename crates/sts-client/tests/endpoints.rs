//! Runs the STS endpoint rule-set tests from botocore
//! (`conformance/data/sts-endpoint-tests-1.json`) against
//! `sts_client::endpoint::resolve`, and checks the compiled-in partition table
//! against `conformance/data/partitions.json`.

extern crate alloc;

use alloc::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;
use sts_client::endpoint::{EndpointError, EndpointParams, resolve};

/// The number of test cases in `sts-endpoint-tests-1.json`.
const EXPECTED_CASES: usize = 69;

/// Rule-set error strings and the variants they map to.
const RULE_SET_ERRORS: [(&str, EndpointError); 6] = [
    ("Invalid Configuration: Missing Region", EndpointError::MissingRegion),
    (
        "Invalid Configuration: FIPS and custom endpoint are not supported",
        EndpointError::FipsWithCustomEndpoint,
    ),
    (
        "Invalid Configuration: Dualstack and custom endpoint are not supported",
        EndpointError::DualStackWithCustomEndpoint,
    ),
    (
        "FIPS and DualStack are enabled, but this partition does not support one or both",
        EndpointError::FipsAndDualStackNotSupported,
    ),
    (
        "FIPS is enabled but this partition does not support FIPS",
        EndpointError::FipsNotSupported,
    ),
    (
        "DualStack is enabled but this partition does not support DualStack",
        EndpointError::DualStackNotSupported,
    ),
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TestFile {
    version: String,
    #[serde(rename = "testCases")]
    test_cases: Vec<TestCase>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TestCase {
    documentation: String,
    expect: Expect,
    /// Absent in the "Missing region" case: all parameters take defaults.
    #[serde(default)]
    params: Params,
    #[serde(rename = "operationInputs", default)]
    operation_inputs: Vec<OperationInput>,
}

/// Rule-set parameters by name; unset booleans take the rule set's default
/// (`false`).
#[derive(Deserialize, Default, Debug)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
struct Params {
    region: Option<String>,
    #[serde(rename = "UseFIPS")]
    use_fips: Option<bool>,
    use_dual_stack: Option<bool>,
    use_global_endpoint: Option<bool>,
    endpoint: Option<String>,
}

impl Params {
    fn to_endpoint_params(&self) -> EndpointParams<'_> {
        EndpointParams {
            region: self.region.as_deref(),
            use_fips: self.use_fips.unwrap_or(false),
            use_dual_stack: self.use_dual_stack.unwrap_or(false),
            use_global_endpoint: self.use_global_endpoint.unwrap_or(false),
            endpoint: self.endpoint.as_deref(),
        }
    }
}

/// An SDK-level variant of a case: the parameters come from the SDK
/// built-ins set on the client, and the operation (here always
/// `GetCallerIdentity`, whose endpoint is the same as
/// `AssumeRoleWithWebIdentity`'s) has no endpoint-bound inputs.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OperationInput {
    #[serde(rename = "operationName")]
    operation_name: String,
    #[serde(rename = "builtInParams", default)]
    built_in_params: BuiltIns,
    #[serde(rename = "operationParams", default)]
    operation_params: BTreeMap<String, serde_json::Value>,
}

/// The built-ins of the rule set's parameters, by built-in name.
#[derive(Deserialize, Default, Debug)]
#[serde(deny_unknown_fields)]
struct BuiltIns {
    #[serde(rename = "AWS::Region")]
    region: Option<String>,
    #[serde(rename = "AWS::UseFIPS")]
    use_fips: Option<bool>,
    #[serde(rename = "AWS::UseDualStack")]
    use_dual_stack: Option<bool>,
    #[serde(rename = "AWS::STS::UseGlobalEndpoint")]
    use_global_endpoint: Option<bool>,
    #[serde(rename = "SDK::Endpoint")]
    endpoint: Option<String>,
}

impl BuiltIns {
    fn to_endpoint_params(&self) -> EndpointParams<'_> {
        EndpointParams {
            region: self.region.as_deref(),
            use_fips: self.use_fips.unwrap_or(false),
            use_dual_stack: self.use_dual_stack.unwrap_or(false),
            use_global_endpoint: self.use_global_endpoint.unwrap_or(false),
            endpoint: self.endpoint.as_deref(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    endpoint: Option<ExpectedEndpoint>,
    error: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedEndpoint {
    url: String,
    #[serde(default)]
    properties: Properties,
    #[serde(default)]
    headers: BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Properties {
    #[serde(rename = "authSchemes", default)]
    auth_schemes: Vec<AuthScheme>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AuthScheme {
    name: String,
    #[serde(rename = "signingName")]
    signing_name: Option<String>,
    #[serde(rename = "signingRegion")]
    signing_region: Option<String>,
}

fn data_file(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../conformance/data")
        .join(name)
}

fn load<T: for<'de> Deserialize<'de>>(name: &str) -> T {
    let path = data_file(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("cannot parse {}: {e}", path.display()))
}

/// Checks one resolution against a case's expectation. `what` names the case
/// in failure messages.
fn check(what: &str, params: &EndpointParams<'_>, expect: &Expect) {
    match (&expect.endpoint, &expect.error) {
        (Some(expected), None) => {
            let endpoint =
                resolve(params).unwrap_or_else(|e| panic!("{what}: expected {}, got error {e:?}", expected.url));
            assert_eq!(endpoint.url(), expected.url, "{what}: url");
            assert!(expected.headers.is_empty(), "{what}: headers not supported");
            match expected.properties.auth_schemes.as_slice() {
                [] => {}
                [scheme] => {
                    assert_eq!(scheme.name, "sigv4", "{what}: auth scheme");
                    assert_eq!(scheme.signing_name.as_deref(), Some("sts"), "{what}: signing name");
                    if let Some(region) = &scheme.signing_region {
                        assert_eq!(
                            endpoint.signing_region(),
                            Some(region.as_str()),
                            "{what}: signing region"
                        );
                    }
                }
                more => panic!("{what}: {} auth schemes", more.len()),
            }
        }
        (None, Some(message)) => {
            let error = resolve(params)
                .map(|e| e.url().to_owned())
                .expect_err(&format!("{what}: expected error {message:?}"));
            let variant = RULE_SET_ERRORS
                .iter()
                .find(|(text, _)| text == message)
                .map(|&(_, variant)| variant)
                .unwrap_or_else(|| panic!("{what}: unknown rule-set error {message:?}"));
            assert_eq!(error, variant, "{what}: error variant");
            assert_eq!(error.to_string(), *message, "{what}: error message");
        }
        _ => panic!("{what}: expect must have exactly one of endpoint and error"),
    }
}

#[test]
fn botocore_sts_endpoint_tests() {
    let file: TestFile = load("sts-endpoint-tests-1.json");
    assert_eq!(file.version, "1.0");

    let mut cases = 0;
    let mut endpoints = 0;
    let mut errors = 0;
    let mut operation_inputs = 0;
    for case in &file.test_cases {
        let what = case.documentation.as_str();
        check(what, &case.params.to_endpoint_params(), &case.expect);
        cases += 1;
        if case.expect.endpoint.is_some() {
            endpoints += 1;
        } else {
            errors += 1;
        }

        for input in &case.operation_inputs {
            assert!(
                input.operation_params.is_empty(),
                "{what}: operation parameters are not endpoint parameters for STS"
            );
            let what = format!("{what} (via built-ins, {})", input.operation_name);
            check(&what, &input.built_in_params.to_endpoint_params(), &case.expect);
            operation_inputs += 1;
        }
    }

    println!(
        "ran {cases} STS endpoint test cases ({endpoints} endpoints, {errors} errors), \
         plus {operation_inputs} operationInputs variants"
    );
    assert_eq!(cases, EXPECTED_CASES);
    assert_eq!((endpoints, errors, operation_inputs), (66, 3, 18));
}

#[derive(Deserialize)]
struct PartitionsFile {
    partitions: Vec<PartitionEntry>,
}

#[derive(Deserialize)]
struct PartitionEntry {
    id: String,
    outputs: PartitionOutputs,
    #[serde(rename = "regionRegex")]
    region_regex: String,
    regions: BTreeMap<String, serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PartitionOutputs {
    name: String,
    dns_suffix: String,
    dual_stack_dns_suffix: String,
    #[serde(rename = "supportsFIPS")]
    supports_fips: bool,
    supports_dual_stack: bool,
}

fn url(region: &str, use_fips: bool, use_dual_stack: bool) -> Result<String, EndpointError> {
    resolve(&EndpointParams {
        region: Some(region),
        use_fips,
        use_dual_stack,
        ..EndpointParams::default()
    })
    .map(|endpoint| endpoint.url().to_owned())
}

/// Every region listed in `partitions.json` resolves with its partition's DNS
/// suffixes, for all FIPS and dual-stack settings, and a made-up region that
/// only the partition's `regionRegex` matches does too.
#[test]
fn partition_table_matches_partitions_json() {
    let file: PartitionsFile = load("partitions.json");
    let ids: Vec<&str> = file.partitions.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "aws",
            "aws-cn",
            "aws-eusc",
            "aws-iso",
            "aws-iso-b",
            "aws-iso-e",
            "aws-iso-f",
            "aws-us-gov"
        ]
    );

    // A region per partition that is not listed but matches `regionRegex`.
    let unlisted: BTreeMap<&str, (&str, &str)> = BTreeMap::from([
        ("aws", ("^(us|eu|ap|sa|ca|me|af|il|mx)\\-\\w+\\-\\d+$", "mx-south-9")),
        ("aws-cn", ("^cn\\-\\w+\\-\\d+$", "cn-south-9")),
        ("aws-eusc", ("^eusc\\-(de)\\-\\w+\\-\\d+$", "eusc-de-north-9")),
        ("aws-iso", ("^us\\-iso\\-\\w+\\-\\d+$", "us-iso-north-9")),
        ("aws-iso-b", ("^us\\-isob\\-\\w+\\-\\d+$", "us-isob-north-9")),
        ("aws-iso-e", ("^eu\\-isoe\\-\\w+\\-\\d+$", "eu-isoe-north-9")),
        ("aws-iso-f", ("^us\\-isof\\-\\w+\\-\\d+$", "us-isof-north-9")),
        ("aws-us-gov", ("^us\\-gov\\-\\w+\\-\\d+$", "us-gov-north-9")),
    ]);

    let mut checked = 0;
    for partition in &file.partitions {
        let out = &partition.outputs;
        assert_eq!(out.name, partition.id);
        assert!(out.supports_fips && out.supports_dual_stack, "{}", partition.id);
        let (regex, extra) = unlisted[partition.id.as_str()];
        assert_eq!(partition.region_regex, regex, "{}: regionRegex changed", partition.id);
        assert!(!partition.regions.contains_key(extra));

        let regions = partition
            .regions
            .keys()
            .map(String::as_str)
            .filter(|&region| region != "aws-global")
            .chain([extra]);
        for region in regions {
            let fips_host = if partition.id == "aws-us-gov" {
                format!("sts.{region}.amazonaws.com")
            } else {
                format!("sts-fips.{region}.{}", out.dns_suffix)
            };
            let expected = [
                (false, false, format!("https://sts.{region}.{}", out.dns_suffix)),
                (true, false, format!("https://{fips_host}")),
                (
                    false,
                    true,
                    format!("https://sts.{region}.{}", out.dual_stack_dns_suffix),
                ),
                (
                    true,
                    true,
                    format!("https://sts-fips.{region}.{}", out.dual_stack_dns_suffix),
                ),
            ];
            for (fips, dual_stack, want) in expected {
                assert_eq!(
                    url(region, fips, dual_stack).as_deref(),
                    Ok(want.as_str()),
                    "{region} fips={fips} dual_stack={dual_stack}"
                );
                checked += 1;
            }
        }
    }
    println!("checked {checked} partition/region/flag combinations");

    // `aws-global` is the global endpoint, signed for us-east-1.
    assert_eq!(
        url("aws-global", false, false).as_deref(),
        Ok("https://sts.amazonaws.com")
    );
}

#[test]
fn no_region_is_an_error() {
    let error = resolve(&EndpointParams::default()).unwrap_err();
    assert_eq!(error, EndpointError::MissingRegion);
    assert_eq!(error.to_string(), "Invalid Configuration: Missing Region");
}
