//! The commands of `sts-web-identity`, and how their failures become exit
//! codes.

use std::io::Write;
use std::process::ExitCode;

mod args;
#[cfg(unix)]
mod cache;
mod demo;
mod fetch;
mod serve;

use args::Command;

/// Success.
pub(crate) const EXIT_OK: u8 = 0;
/// Anything that is none of the others (a mock server that cannot bind,
/// output that cannot be written).
pub(crate) const EXIT_OTHER: u8 = 1;
/// Usage or validation error: nothing was sent.
pub(crate) const EXIT_USAGE: u8 = 2;
/// STS answered with an error (an error document or an error status), after
/// retries.
pub(crate) const EXIT_SERVICE: u8 = 3;
/// No usable answer (connect, timeout, reset, malformed or truncated
/// response), after retries.
pub(crate) const EXIT_NO_ANSWER: u8 = 4;

/// A failed command: its exit code and the one-line message for stderr.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) code: u8,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn new(code: u8, message: impl Into<String>) -> Self {
        Failure {
            code,
            message: message.into(),
        }
    }
}

/// Text a server sent, made safe to print on a terminal or in a log:
/// control characters (C0, DEL, C1 such as U+0085), the line and paragraph
/// separators U+2028 and U+2029, the bidi controls (U+061C, U+200E, U+200F,
/// U+202A..U+202E, U+2066..U+2069) and the backslash are written as
/// `\u{..}` escapes (the backslash as `\\`), so a message can neither
/// forge a line nor reorder what follows it.
pub(crate) fn untrusted(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let escape = c.is_control()
            || matches!(
                c,
                '\u{2028}' | '\u{2029}' | '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
            );
        match c {
            '\\' => out.push_str("\\\\"),
            c if escape => out.push_str(&format!("\\u{{{:04x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// Writes `text` to stdout and flushes it (a closed pipe is a failure, not a
/// panic).
pub(crate) fn print_stdout(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| Failure::new(EXIT_OTHER, format!("could not write to stdout: {e}")))
}

/// The binary's name, as the completion scripts complete it.
const BIN_NAME: &str = "sts-web-identity";

/// `completions SHELL`: the script on stdout.
fn completions(shell: clap_complete::Shell) -> Result<(), Failure> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut args::clap_command(), BIN_NAME, &mut script);
    let mut script = String::from_utf8_lossy(&script).into_owned();
    if shell == clap_complete::Shell::Bash {
        script = fix_bash_hyphenated_states(&script);
    }
    print_stdout(&script)
}

/// clap_complete's bash script walks the words into a state named
/// `sts__web__identity__subcmd__env` but labels the case arms
/// `sts__subcmd__web__subcmd__identity__subcmd__env` when the binary's name
/// has a hyphen, so no option of any command would complete
/// (clap-rs/clap#6421, open in clap_complete 4.6). The arms get the
/// loop's spelling; a clap_complete that already agrees is left as is.
fn fix_bash_hyphenated_states(script: &str) -> String {
    let wrong = BIN_NAME.replace('-', "__subcmd__");
    let right = BIN_NAME.replace('-', "__");
    script.replace(&wrong, &right)
}

/// Parses the arguments, runs the command, maps the outcome to an exit code.
pub(crate) fn main() -> ExitCode {
    let command = match args::parse_env() {
        Ok(c) => c,
        Err(args::UsageError { message, command }) => {
            eprintln!("sts-web-identity: {message}");
            eprintln!("Try '{command} --help' for more information.");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let outcome = match command {
        Command::Print(text) => print_stdout(&text),
        Command::Completions(shell) => completions(shell),
        Command::Fetch(output, a) => fetch::run(output, &a),
        Command::MockServer { port, exchange } => serve::run(port, exchange.as_deref()),
        Command::Demo { transport } => demo::run(transport),
    };
    match outcome {
        Ok(()) => ExitCode::from(EXIT_OK),
        Err(f) => {
            eprintln!("sts-web-identity: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}
