//! The `*.cases` file format of the differential suite, and its parser.
//!
//! ```text
//! # A line starting with `#` (but not `###`) outside a here-document is a
//! # comment; blank lines are ignored.
//! ### name of the case
//! ipvsadm -A -t 10.0.0.1:80 -s rr
//! ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.2 -b ''
//! sorted: ipvsadm -Ln --nosort
//! ipvsadm -R <<EOF
//! -A -u 10.0.0.3:53
//! EOF
//! sh: ip link add dummy0 type dummy
//! ```
//!
//! * `### NAME` starts a case; every following command line up to the next
//!   `###` belongs to it.
//! * A command line is `ipvsadm` followed by the arguments, split on
//!   whitespace. A single-quoted part (`''`, `'a b'`) is taken literally,
//!   with no escapes; quoted and unquoted parts next to each other join
//!   into one argument. A part in `$'...'` (as in bash) takes escapes:
//!   `\xHH` is the byte HH (UTF-8 or not), `\\` a backslash, `\'` a quote.
//! * A line ending in `<<EOF` feeds the lines after it, up to a line that
//!   is exactly `EOF`, to the command's stdin (each with its newline).
//!   `<<BYTES` does the same with `\xHH` and `\\` escapes in those lines.
//! * `sorted: ipvsadm ...` compares stdout with its lines sorted, for
//!   output in kernel hash order (`--nosort`).
//! * `nobody: ipvsadm ...` runs the command as the unprivileged user
//!   `nobody` (uid and gid 65534).
//! * `sh: COMMAND` runs COMMAND with `/bin/sh -c` in the namespace as
//!   setup; it must succeed in both runs and its output is not compared.
//!   `$IPVSADM` holds the path of the ipvsadm of the run (ours or the
//!   reference), e.g. for a save piped into a restore.
//!
//! Each case runs in a fresh namespace with ours and again with the
//! reference ipvsadm; every command's stdout, stderr and exit status must
//! match byte for byte, and so must the final table (`-Sn`, sorted).

use std::ffi::OsString;
use std::fs;
use std::os::unix::ffi::OsStringExt;
use std::path::Path;

/// One command line of a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Step {
    /// Line number in the case file (1-based).
    pub line: usize,
    /// The line as written (without a here-document).
    pub text: String,
    pub kind: StepKind,
    pub stdin: Option<Vec<u8>>,
    /// Compare stdout with its lines sorted.
    pub sorted: bool,
    /// Run as the unprivileged user `nobody` (`nobody: ipvsadm ...`).
    pub unprivileged: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum StepKind {
    /// `ipvsadm ARGS`: the arguments after `ipvsadm` (bytes, not
    /// necessarily UTF-8).
    Ipvsadm(Vec<OsString>),
    /// `sh: COMMAND`: setup, run by `/bin/sh -c`.
    Shell(String),
}

/// One named case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Case {
    /// `FILE-STEM/NAME`, the name used for reporting and filtering.
    pub name: String,
    pub steps: Vec<Step>,
}

/// Reads and parses every `*.cases` file of `dir`, in file-name order.
pub(crate) fn load_dir(dir: &Path) -> Result<Vec<Case>, String> {
    let mut files: Vec<_> = fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "cases"))
        .collect();
    files.sort();
    let mut all = Vec::new();
    for file in files {
        let text = fs::read_to_string(&file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        let stem = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let cases = parse(&stem, &text)
            .map_err(|e| format!("{}: {e}", file.display()))?;
        all.extend(cases);
    }
    let mut names: Vec<&str> = all.iter().map(|c| c.name.as_str()).collect();
    names.sort_unstable();
    if let Some(pair) = names.windows(2).find(|w| w[0] == w[1]) {
        return Err(format!("duplicate case name `{}`", pair[0]));
    }
    Ok(all)
}

/// Parses the text of one case file; `stem` prefixes the case names.
pub(crate) fn parse(stem: &str, text: &str) -> Result<Vec<Case>, String> {
    let mut cases: Vec<Case> = Vec::new();
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
    while let Some((number, raw)) = lines.next() {
        let line = raw.trim();
        if let Some(name) = line.strip_prefix("###") {
            let name = name.trim();
            if name.is_empty() {
                return Err(format!("line {number}: case without a name"));
            }
            cases.push(Case {
                name: format!("{stem}/{name}"),
                steps: Vec::new(),
            });
            continue;
        }
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some(case) = cases.last_mut() else {
            return Err(format!("line {number}: command before any `###`"));
        };
        let mut step = parse_step(number, line)?;
        if let Some((body, escaped)) = here_document(&step.text) {
            step.text = body.trim_end().to_string();
            let mut input = Vec::new();
            loop {
                match lines.next() {
                    Some((_, "EOF")) => break,
                    Some((_, l)) if escaped => {
                        input.extend(
                            unescape(l)
                                .map_err(|e| format!("line {number}: {e}"))?,
                        );
                        input.push(b'\n');
                    }
                    Some((_, l)) => {
                        input.extend_from_slice(l.as_bytes());
                        input.push(b'\n');
                    }
                    None => {
                        return Err(format!(
                            "line {number}: here-document without `EOF`"
                        ));
                    }
                }
            }
            step.stdin = Some(input);
        }
        case.steps.push(step);
    }
    if let Some(empty) = cases.iter().find(|c| c.steps.is_empty()) {
        return Err(format!("case `{}` has no command", empty.name));
    }
    Ok(cases)
}

/// The line without its here-document marker, and whether the marker is
/// `<<BYTES` (escapes decoded) rather than `<<EOF`.
fn here_document(line: &str) -> Option<(&str, bool)> {
    match line.strip_suffix("<<EOF") {
        Some(body) => Some((body, false)),
        None => line.strip_suffix("<<BYTES").map(|body| (body, true)),
    }
}

/// Decodes `\xHH` and `\\` (and `\'`) in `text`.
fn unescape(text: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            push_escape(&mut chars, &mut out)?;
        } else {
            push_char(&mut out, c);
        }
    }
    Ok(out)
}

/// The escape after a backslash: `xHH`, `\\` or `'`.
fn push_escape(
    chars: &mut std::str::Chars<'_>,
    out: &mut Vec<u8>,
) -> Result<(), String> {
    match chars.next() {
        Some('x') => {
            let hex: String = chars.by_ref().take(2).collect();
            let byte = (hex.len() == 2
                && hex.chars().all(|c| c.is_ascii_hexdigit()))
            .then(|| u8::from_str_radix(&hex, 16).ok())
            .flatten()
            .ok_or_else(|| format!("bad escape `\\x{hex}`"))?;
            out.push(byte);
        }
        Some(c @ ('\\' | '\'')) => push_char(out, c),
        other => {
            return Err(format!("bad escape `\\{}`", other.unwrap_or(' ')));
        }
    }
    Ok(())
}

fn push_char(out: &mut Vec<u8>, c: char) {
    out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
}

fn parse_step(number: usize, line: &str) -> Result<Step, String> {
    let (sorted, rest) = match line.strip_prefix("sorted:") {
        Some(rest) => (true, rest.trim_start()),
        None => (false, line),
    };
    let (unprivileged, rest) = match rest.strip_prefix("nobody:") {
        Some(rest) => (true, rest.trim_start()),
        None => (false, rest),
    };
    if let Some(command) = rest.strip_prefix("sh:") {
        return Ok(Step {
            line: number,
            text: line.to_string(),
            kind: StepKind::Shell(
                here_document(command)
                    .map_or(command, |(body, _)| body)
                    .trim()
                    .to_string(),
            ),
            stdin: None,
            sorted,
            unprivileged,
        });
    }
    let mut words =
        split_words(rest).map_err(|e| format!("line {number}: {e}"))?;
    if words.last().is_some_and(|w| {
        !w.quoted && (w.text == b"<<EOF" || w.text == b"<<BYTES")
    }) {
        words.pop();
    }
    let mut args = words.into_iter().map(|w| w.text);
    if args.next().as_deref() != Some(b"ipvsadm".as_slice()) {
        return Err(format!(
            "line {number}: a command must start with `ipvsadm`, \
             `sorted: ipvsadm` or `sh:`"
        ));
    }
    Ok(Step {
        line: number,
        text: line.to_string(),
        kind: StepKind::Ipvsadm(args.map(OsString::from_vec).collect()),
        stdin: None,
        sorted,
        unprivileged,
    })
}

/// One argument of a command line (bytes), and whether any part was
/// quoted.
#[derive(Debug, Default, PartialEq, Eq)]
struct Word {
    text: Vec<u8>,
    quoted: bool,
}

/// Splits on whitespace, taking single-quoted parts literally and `$'...'`
/// parts with their escapes.
fn split_words(line: &str) -> Result<Vec<Word>, String> {
    let mut words = Vec::new();
    let mut current: Option<Word> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        let ansi = c == '$' && chars.as_str().starts_with('\'');
        if ansi {
            chars.next();
        }
        if ansi || c == '\'' {
            let word = current.get_or_insert_with(Word::default);
            word.quoted = true;
            loop {
                match chars.next() {
                    Some('\'') => break,
                    Some('\\') if ansi => {
                        push_escape(&mut chars, &mut word.text)?;
                    }
                    Some(q) => push_char(&mut word.text, q),
                    None => return Err("unterminated quote".to_string()),
                }
            }
        } else if c.is_whitespace() {
            words.extend(current.take());
        } else {
            push_char(&mut current.get_or_insert_with(Word::default).text, c);
        }
    }
    words.extend(current.take());
    Ok(words)
}
