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
//!   into one argument.
//! * A line ending in `<<EOF` feeds the lines after it, up to a line that
//!   is exactly `EOF`, to the command's stdin (each with its newline).
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

use std::fs;
use std::path::Path;

/// One command line of a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
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
pub enum StepKind {
    /// `ipvsadm ARGS`: the arguments after `ipvsadm`.
    Ipvsadm(Vec<String>),
    /// `sh: COMMAND`: setup, run by `/bin/sh -c`.
    Shell(String),
}

/// One named case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// `FILE-STEM/NAME`, the name used for reporting and filtering.
    pub name: String,
    pub steps: Vec<Step>,
}

/// Reads and parses every `*.cases` file of `dir`, in file-name order.
pub fn load_dir(dir: &Path) -> Result<Vec<Case>, String> {
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
pub fn parse(stem: &str, text: &str) -> Result<Vec<Case>, String> {
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
        if let Some(body) = step.text.strip_suffix("<<EOF") {
            step.text = body.trim_end().to_string();
            let mut input = String::new();
            loop {
                match lines.next() {
                    Some((_, "EOF")) => break,
                    Some((_, l)) => {
                        input.push_str(l);
                        input.push('\n');
                    }
                    None => {
                        return Err(format!(
                            "line {number}: here-document without `EOF`"
                        ));
                    }
                }
            }
            step.stdin = Some(input.into_bytes());
        }
        case.steps.push(step);
    }
    if let Some(empty) = cases.iter().find(|c| c.steps.is_empty()) {
        return Err(format!("case `{}` has no command", empty.name));
    }
    Ok(cases)
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
                command.trim_end_matches("<<EOF").trim().to_string(),
            ),
            stdin: None,
            sorted,
            unprivileged,
        });
    }
    let mut words =
        split_words(rest).map_err(|e| format!("line {number}: {e}"))?;
    if words.last().is_some_and(|w| w == &Word::bare("<<EOF")) {
        words.pop();
    }
    let mut args = words.into_iter().map(|w| w.text);
    if args.next().as_deref() != Some("ipvsadm") {
        return Err(format!(
            "line {number}: a command must start with `ipvsadm`, \
             `sorted: ipvsadm` or `sh:`"
        ));
    }
    Ok(Step {
        line: number,
        text: line.to_string(),
        kind: StepKind::Ipvsadm(args.collect()),
        stdin: None,
        sorted,
        unprivileged,
    })
}

/// One argument of a command line, and whether any part was quoted.
#[derive(Debug, PartialEq, Eq)]
struct Word {
    text: String,
    quoted: bool,
}

impl Word {
    fn bare(text: &str) -> Self {
        Word {
            text: text.to_string(),
            quoted: false,
        }
    }
}

/// Splits on whitespace, taking single-quoted parts literally.
fn split_words(line: &str) -> Result<Vec<Word>, String> {
    let mut words = Vec::new();
    let mut current: Option<Word> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                let word = current.get_or_insert_with(|| Word::bare(""));
                word.quoted = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(q) => word.text.push(q),
                        None => return Err("unterminated quote".to_string()),
                    }
                }
            }
            c if c.is_whitespace() => words.extend(current.take()),
            c => current.get_or_insert_with(|| Word::bare("")).text.push(c),
        }
    }
    words.extend(current.take());
    Ok(words)
}
