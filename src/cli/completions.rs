//! Shell completions (bash, zsh, fish) generated from the option table,
//! so they list exactly the options the scanner accepts. The generated
//! files live in `completions/`; a test regenerates them and fails when
//! they differ (`IPVSADM_BLESS=1 cargo test completions` rewrites them).

use std::fmt::Write;

use super::options::{ArgKind, OPTIONS, OptSpec};

/// Schedulers of current kernels, offered after `-s`.
const SCHEDULERS: &str = "rr wrr lc wlc lblc lblcr dh sh sed nq fo ovf mh twos";

/// What a value of an option can be completed with.
enum Values {
    None,
    Words(String),
    Files,
    Namespaces,
}

fn values(spec: &OptSpec) -> Values {
    match (spec.arg, spec.long, spec.value_name) {
        (ArgKind::None, ..) => Values::None,
        (_, "scheduler", _) => Values::Words(SCHEDULERS.to_string()),
        (_, "apply", _) => Values::Files,
        (_, "netns", _) => Values::Namespaces,
        (_, _, name) if name.contains('|') => {
            Values::Words(name.replace('|', " "))
        }
        _ => Values::None,
    }
}

/// The long name, unless an earlier row has it already (`-l` repeats
/// `--list`).
fn long_of(spec: &OptSpec) -> Option<&'static str> {
    let first = OPTIONS.iter().position(|o| o.long == spec.long);
    let this = OPTIONS.iter().position(|o| std::ptr::eq(o, spec));
    (first == this).then_some(spec.long)
}

/// `ipvsadm.bash`: `complete -F _ipvsadm ipvsadm`.
pub(crate) fn bash() -> String {
    let mut s = String::from(
        "# bash completion for ipvsadm. Generated from the option table \
         (src/cli/completions.rs); do not edit.\n\
         _ipvsadm() {\n    local cur=${COMP_WORDS[COMP_CWORD]}\n    \
         local prev=${COMP_WORDS[COMP_CWORD-1]}\n    case $prev in\n",
    );
    for spec in OPTIONS {
        let mut names: Vec<String> = Vec::new();
        if let Some(c) = spec.short {
            names.push(format!("-{c}"));
        }
        if let Some(l) = long_of(spec) {
            names.push(format!("--{l}"));
        }
        let reply = match values(spec) {
            Values::Words(w) => format!("COMPREPLY=($(compgen -W \"{w}\" -- \"$cur\"))"),
            Values::Files => "COMPREPLY=($(compgen -f -- \"$cur\"))".to_string(),
            Values::Namespaces => "COMPREPLY=($(compgen -W \"$(ls /run/netns 2>/dev/null)\" -f -- \"$cur\"))".to_string(),
            Values::None if spec.arg == ArgKind::Required => "COMPREPLY=()".to_string(),
            Values::None => continue,
        };
        let _ = writeln!(
            s,
            "        {})\n            {reply}\n            return ;;",
            names.join("|")
        );
    }
    let mut words: Vec<String> = Vec::new();
    for spec in OPTIONS {
        if let Some(c) = spec.short {
            words.push(format!("-{c}"));
        }
        if let Some(l) = long_of(spec) {
            words.push(format!("--{l}"));
        }
    }
    let _ = write!(
        s,
        "    esac\n    COMPREPLY=($(compgen -W \"{}\" -- \"$cur\"))\n}}\n\
         complete -F _ipvsadm ipvsadm\n",
        words.join(" ")
    );
    s
}

/// zsh's `[...]` description text with its special characters escaped.
fn zsh_text(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('[', "\\[")
        .replace(']', "\\]")
        .replace(':', "\\:")
        .replace('\'', "'\\''")
}

/// `_ipvsadm`: a zsh `#compdef` function.
pub(crate) fn zsh() -> String {
    let mut s = String::from(
        "#compdef ipvsadm\n# zsh completion for ipvsadm. Generated from the \
         option table (src/cli/completions.rs); do not edit.\n\n\
         _arguments -s \\\n",
    );
    for spec in OPTIONS {
        let names = match (spec.short, long_of(spec)) {
            (Some(c), Some(l)) => format!("'(-{c} --{l})'{{-{c},--{l}}}'"),
            (Some(c), None) => format!("'-{c}"),
            (None, Some(l)) => format!("'--{l}"),
            (None, None) => continue,
        };
        let colons = match spec.arg {
            ArgKind::None => "",
            ArgKind::Required => ":",
            ArgKind::Optional => "::",
        };
        let action = match values(spec) {
            _ if spec.arg == ArgKind::None => String::new(),
            Values::Words(w) => format!("({w})"),
            Values::Files => "_files".to_string(),
            Values::Namespaces => "_files -W /run/netns".to_string(),
            Values::None => " ".to_string(),
        };
        let value = if spec.arg == ArgKind::None {
            String::new()
        } else {
            format!("{colons}{}:{action}", zsh_text(spec.value_name))
        };
        let _ = writeln!(s, "  {names}[{}]{value}' \\", zsh_text(spec.help));
    }
    s.push_str("  '*: :'\n");
    s
}

/// `ipvsadm.fish`: one `complete` line per option.
pub(crate) fn fish() -> String {
    let mut s = String::from(
        "# fish completion for ipvsadm. Generated from the option table \
         (src/cli/completions.rs); do not edit.\ncomplete -c ipvsadm -f\n",
    );
    for spec in OPTIONS {
        let mut line = String::from("complete -c ipvsadm");
        if let Some(c) = spec.short {
            let _ = write!(line, " -s {c}");
        }
        if let Some(l) = long_of(spec) {
            let _ = write!(line, " -l {l}");
        }
        match values(spec) {
            Values::Words(w) => {
                let _ = write!(line, " -x -a '{w}'");
            }
            Values::Files => line.push_str(" -r -F"),
            Values::Namespaces => {
                line.push_str(" -x -a '(ls /run/netns 2>/dev/null)'");
            }
            Values::None if spec.arg == ArgKind::Required => {
                line.push_str(" -x")
            }
            Values::None => {}
        }
        let _ = writeln!(
            line,
            " -d '{}'",
            spec.help.replace('\\', "\\\\").replace('\'', "\\'")
        );
        s.push_str(&line);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/completions");

    /// Compares a generated file with the committed one; with
    /// `IPVSADM_BLESS` set, writes it instead.
    fn check(name: &str, generated: String) {
        let path = format!("{DIR}/{name}");
        if std::env::var_os("IPVSADM_BLESS").is_some() {
            std::fs::create_dir_all(DIR).unwrap();
            std::fs::write(&path, &generated).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "{path} is out of date with the option table; run \
             IPVSADM_BLESS=1 cargo test completions"
        );
    }

    #[test]
    fn bash_completion_is_current() {
        check("ipvsadm.bash", bash());
    }

    #[test]
    fn zsh_completion_is_current() {
        check("_ipvsadm", zsh());
    }

    #[test]
    fn fish_completion_is_current() {
        check("ipvsadm.fish", fish());
    }

    #[test]
    fn every_option_is_offered_by_every_shell() {
        let (b, z, f) = (bash(), zsh(), fish());
        for spec in OPTIONS {
            let long = format!("--{}", spec.long);
            assert!(b.contains(&format!(" {long}")), "bash {long}");
            assert!(z.contains(&long), "zsh {long}");
            assert!(f.contains(&format!("-l {}", spec.long)), "fish {long}");
            if let Some(c) = spec.short {
                assert!(f.contains(&format!("-s {c}")), "fish -{c}");
                assert!(z.contains(&format!("-{c}")), "zsh -{c}");
            }
        }
    }
}
