//! The client's retry codes against botocore's own retry data: the
//! throttling and transient error codes of the standard retry mode
//! (`botocore.retries.standard`), which the AWS SDKs share.
//!
//! Needs `python3` with botocore (`pip install botocore`). Without it the test
//! says so and passes, unless `STS_REQUIRE_ORACLE=1` (set by `.ci/run`).

// A host-only test crate: the core/alloc import lints are for the no_std crates.
#![allow(clippy::std_instead_of_core, clippy::std_instead_of_alloc)]
#![cfg(feature = "replay")]

use std::collections::BTreeSet;
use std::process::Command;

use sts_client::retry::{RetryClass, THROTTLING_CODES, TRANSIENT_CODES, classify_answer};

/// botocore's lists, as `{"throttling": [...], "transient": [...]}`.
const SCRIPT: &str = "import json
from botocore.retries import standard as s
print(json.dumps({
    'throttling': s.ThrottledRetryableChecker._THROTTLED_ERROR_CODES,
    'transient': s.TransientRetryableChecker._TRANSIENT_ERROR_CODES,
    'transient_status': s.TransientRetryableChecker._TRANSIENT_STATUS_CODES,
}))";

fn botocore_lists() -> Option<serde_json::Value> {
    let out = Command::new("python3").args(["-c", SCRIPT]).output().ok()?;
    if !out.status.success() {
        return None;
    }
    serde_json::from_slice(&out.stdout).ok()
}

fn set(v: &serde_json::Value) -> BTreeSet<String> {
    v.as_array()
        .expect("a list")
        .iter()
        .map(|c| c.as_str().expect("a string").to_owned())
        .collect()
}

#[test]
fn retry_codes_are_botocores_standard_mode_codes() {
    let Some(theirs) = botocore_lists() else {
        assert!(
            std::env::var("STS_REQUIRE_ORACLE").is_err(),
            "STS_REQUIRE_ORACLE=1 but botocore is unavailable: pip install botocore"
        );
        eprintln!("SKIPPED: botocore oracle unavailable (pip install botocore)");
        return;
    };
    let ours = |codes: &[&str]| codes.iter().map(|c| c.to_string()).collect::<BTreeSet<_>>();
    assert_eq!(ours(THROTTLING_CODES), set(&theirs["throttling"]));
    assert_eq!(ours(TRANSIENT_CODES), set(&theirs["transient"]));
    // And the classifier uses them: every code is retried, whatever the
    // status; botocore's transient statuses are retried without a code.
    for code in set(&theirs["throttling"]) {
        assert_eq!(
            classify_answer(400, Some(&code)),
            Some(RetryClass::Throttling),
            "{code}"
        );
    }
    for code in set(&theirs["transient"]) {
        assert!(classify_answer(400, Some(&code)).is_some(), "{code}");
    }
    for status in theirs["transient_status"].as_array().expect("a list") {
        let status = u16::try_from(status.as_u64().expect("a number")).expect("a status");
        assert_eq!(classify_answer(status, None), Some(RetryClass::ServerError), "{status}");
    }
    assert_eq!(classify_answer(400, Some("AccessDenied")), None);
}
