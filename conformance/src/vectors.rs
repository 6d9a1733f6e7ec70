//! The JSON-line vector format.
//!
//! **encode**: each line is an input object with the API member names
//! (`PolicyArns` a list of ARN strings, `DurationSeconds` a number). The
//! answer is `{"body": "<form body>"}`, or `{"invalid": ["<Member>", ...]}`
//! naming every member that breaks a rule (a missing required member, or a
//! member of the wrong JSON type, counts as breaking its rules).
//!
//! **decode**: each line is `{"status": N, "body": "<text>"}`. The answer is
//! - `{"ok": {...}, "request_id": "<id>" | null}`: the members by API name,
//!   absent optionals omitted, `PackedPolicySize` a number, `Expiration` as
//!   `{"seconds": S, "nanos": N}`;
//! - `{"error": {"code", "message", "type", "request_id"}}` for an STS error
//!   document (`message` "" when absent, the others null when absent);
//! - `{"http_error": N}` for a non-success status without an error document;
//! - `{"malformed": "<reason>"}` for anything else, including a line that is
//!   not a vector.

use serde_json::{Map, Value, json};
use sts_codec::{
    AssumeRoleWithWebIdentityInput, AssumeRoleWithWebIdentityOutput, DecodeError, EncodeError, Field, encode,
    encoded_len,
};

/// Members in the order the tool reports them (model order).
const FIELDS: [Field; 7] = [
    Field::RoleArn,
    Field::RoleSessionName,
    Field::WebIdentityToken,
    Field::ProviderId,
    Field::PolicyArns,
    Field::Policy,
    Field::DurationSeconds,
];

/// Answers one `encode` line.
pub fn encode_line(line: &str) -> String {
    let obj = match serde_json::from_str::<Value>(line) {
        Ok(Value::Object(o)) => o,
        Ok(_) => return json!({ "malformed": "line is not a JSON object" }).to_string(),
        Err(e) => return json!({ "malformed": format!("line is not JSON: {e}") }).to_string(),
    };
    let mut type_errors: Vec<Field> = Vec::new();
    let mut string = |name: &str, field: Field, required: bool| -> Option<String> {
        match obj.get(name) {
            Some(Value::String(s)) => Some(s.clone()),
            None | Some(Value::Null) if !required => None,
            // Missing required members are empty, which breaks the minimum
            // length; other JSON types are reported directly.
            None | Some(Value::Null) => Some(String::new()),
            Some(_) => {
                type_errors.push(field);
                None
            }
        }
    };
    let role_arn = string("RoleArn", Field::RoleArn, true).unwrap_or_default();
    let session = string("RoleSessionName", Field::RoleSessionName, true).unwrap_or_default();
    let token = string("WebIdentityToken", Field::WebIdentityToken, true).unwrap_or_default();
    let provider = string("ProviderId", Field::ProviderId, false);
    let policy = string("Policy", Field::Policy, false);
    let mut arns: Vec<String> = Vec::new();
    match obj.get("PolicyArns") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for item in items {
                match item {
                    Value::String(s) => arns.push(s.clone()),
                    // An ARN given as an object `{"arn": "..."}` is accepted too.
                    Value::Object(o) if o.get("arn").is_some_and(Value::is_string) => {
                        arns.push(o["arn"].as_str().unwrap_or_default().to_owned())
                    }
                    _ => type_errors.push(Field::PolicyArns),
                }
            }
        }
        Some(_) => type_errors.push(Field::PolicyArns),
    }
    let duration = match obj.get("DurationSeconds") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_u64() {
            Some(n) => Some(u32::try_from(n).unwrap_or(u32::MAX)),
            None => {
                type_errors.push(Field::DurationSeconds);
                None
            }
        },
    };
    let arn_refs: Vec<&str> = arns.iter().map(String::as_str).collect();
    let mut input = AssumeRoleWithWebIdentityInput::new(&role_arn, &session, &token).with_policy_arns(&arn_refs);
    input.provider_id = provider.as_deref();
    input.policy = policy.as_deref();
    input.duration_seconds = duration;

    let mut buf = vec![0u8; encoded_len(&input)];
    let invalid: Vec<Field> = match encode(&input, &mut buf) {
        Ok(n) if type_errors.is_empty() => {
            let body = String::from_utf8_lossy(&buf[..n]).into_owned();
            return json!({ "body": body }).to_string();
        }
        Ok(_) => type_errors,
        Err(EncodeError::Invalid(_)) => {
            let mut all = type_errors;
            all.extend(input.violations().map(|v| v.field));
            all
        }
        Err(e) => return json!({ "malformed": e.to_string() }).to_string(),
    };
    let names: Vec<&str> = FIELDS
        .iter()
        .filter(|f| invalid.contains(f))
        .map(|f| f.api_name())
        .collect();
    json!({ "invalid": names }).to_string()
}

/// Answers one `decode` line.
pub fn decode_line(line: &str) -> String {
    let obj = match serde_json::from_str::<Value>(line) {
        Ok(Value::Object(o)) => o,
        Ok(_) => return json!({ "malformed": "line is not a JSON object" }).to_string(),
        Err(e) => return json!({ "malformed": format!("line is not JSON: {e}") }).to_string(),
    };
    let status = match obj
        .get("status")
        .and_then(Value::as_u64)
        .and_then(|s| u16::try_from(s).ok())
    {
        Some(s) => s,
        None => return json!({ "malformed": "\"status\" must be an HTTP status number" }).to_string(),
    };
    let mut body = match obj.get("body") {
        Some(Value::String(s)) => s.clone().into_bytes(),
        None | Some(Value::Null) => Vec::new(),
        Some(_) => return json!({ "malformed": "\"body\" must be a string" }).to_string(),
    };
    decode_value(status, &mut body).to_string()
}

/// Decodes one answer into the tool's JSON form.
pub fn decode_value(status: u16, body: &mut [u8]) -> Value {
    match sts_codec::decode_response(status, body) {
        Ok(out) => json!({ "ok": output_json(&out), "request_id": out.request_id }),
        Err(DecodeError::Service(e)) => json!({ "error": {
            "code": e.code,
            "message": e.message,
            "type": e.error_type,
            "request_id": e.request_id,
        }}),
        Err(DecodeError::Http { status }) => json!({ "http_error": status }),
        Err(DecodeError::Malformed(m)) => json!({ "malformed": m.to_string() }),
        Err(other) => json!({ "malformed": other.to_string() }),
    }
}

/// The output's members by API name, absent optionals omitted.
pub fn output_json(out: &AssumeRoleWithWebIdentityOutput<'_>) -> Value {
    let c = &out.credentials;
    let mut m = Map::new();
    m.insert(
        "Credentials".into(),
        json!({
            "AccessKeyId": c.access_key_id,
            "SecretAccessKey": c.secret_access_key.expose(),
            "SessionToken": c.session_token.expose(),
            "Expiration": { "seconds": c.expiration.seconds, "nanos": c.expiration.nanos },
        }),
    );
    if let Some(u) = &out.assumed_role_user {
        m.insert(
            "AssumedRoleUser".into(),
            json!({ "AssumedRoleId": u.assumed_role_id, "Arn": u.arn }),
        );
    }
    let mut opt = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            m.insert(k.into(), v);
        }
    };
    opt(
        "SubjectFromWebIdentityToken",
        out.subject_from_web_identity_token.map(Value::from),
    );
    opt("PackedPolicySize", out.packed_policy_size.map(Value::from));
    opt("Provider", out.provider.map(Value::from));
    opt("Audience", out.audience.map(Value::from));
    opt("SourceIdentity", out.source_identity.map(Value::from));
    Value::Object(m)
}
