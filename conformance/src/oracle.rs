//! What the differential tests share: a small deterministic generator, and
//! botocore run as an oracle (the `oracle/*.py` scripts: one JSON value a
//! line in, one a line out).

use std::fmt::Display;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

/// SplitMix64: generated cases reproduce from their seed.
#[derive(Debug, Clone)]
pub struct Gen(pub u64);

impl Gen {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// True `percent` times in 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// One of `items` (not empty).
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }

    /// Shuffles `v` in place (Fisher-Yates).
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            v.swap(i, j);
        }
    }
}

/// The answers of `oracle/<script>` (run with `python3`) to `lines`, one
/// each. `None` when python3 or botocore is missing: the test says it
/// skipped, unless `STS_REQUIRE_ORACLE` is set (as `.ci/run` does), when
/// that fails it.
///
/// # Panics
///
/// With `STS_REQUIRE_ORACLE` set and no oracle, or when the oracle answers
/// with a line that is not JSON or with a different number of lines.
pub fn botocore(script: &str, lines: &[impl Display]) -> Option<Vec<Value>> {
    let answers = run(script, lines);
    if answers.is_none() {
        assert!(
            std::env::var("STS_REQUIRE_ORACLE").is_err(),
            "STS_REQUIRE_ORACLE=1 but botocore is unavailable: pip install botocore"
        );
        eprintln!("SKIPPED: botocore oracle unavailable (pip install botocore)");
    }
    answers
}

fn run(script: &str, lines: &[impl Display]) -> Option<Vec<Value>> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("oracle").join(script);
    let mut child = match Command::new("python3")
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("python3 not available: {e}");
            return None;
        }
    };
    let input: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let mut stdin = child.stdin.take()?;
    // Written from another thread: the oracle answers while it reads.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().ok()?;
    writer.join().ok()?.ok()?;
    if !out.status.success() {
        eprintln!("botocore oracle failed: {}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    let answers: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("oracle answered {l:?}: {e}")))
        .collect();
    assert_eq!(answers.len(), lines.len(), "one answer a line");
    Some(answers)
}
