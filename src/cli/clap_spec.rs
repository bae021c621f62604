//! A clap description of ipvsadm's command line, built from the same
//! option table as the scanner. It is not used to parse (clap cannot
//! reproduce popt's behaviour and messages) but to generate shell
//! completions and to check that documentation stays in step.

use clap::{Arg, ArgAction, ArgGroup};

use super::table::{ArgKind, OPTIONS, Opt};

/// Every option of the table as a clap argument; the commands form one
/// group of which at most one may be given.
pub fn clap_command() -> clap::Command {
    let mut cmd = clap::Command::new("ipvsadm")
        .about("Linux Virtual Server administration")
        .version("1.31")
        .disable_help_flag(true)
        .disable_version_flag(true);
    let mut commands = Vec::new();
    for spec in OPTIONS {
        // `-l` is the second row of `--list`: an alias of `-L`.
        if spec.short == Some('l') {
            continue;
        }
        let mut arg = Arg::new(spec.long).long(spec.long).help(spec.help);
        if let Some(short) = spec.short {
            arg = arg.short(short);
        }
        if spec.long == "list" {
            arg = arg.short_alias('l');
        }
        arg = match (spec.opt, spec.arg) {
            (Opt::Help, _) => arg.action(ArgAction::Help),
            (Opt::Version, _) => arg.action(ArgAction::Version),
            (Opt::Command(super::table::Cmd::SetTimeouts), _) => arg
                .num_args(3)
                .value_names(["tcp", "tcpfin", "udp"])
                .action(ArgAction::Set),
            (_, ArgKind::None) => arg.action(ArgAction::SetTrue),
            (_, ArgKind::Required) => arg
                .num_args(1)
                .value_name(spec.value_name)
                .action(ArgAction::Set),
            (_, ArgKind::Optional) => arg
                .num_args(0..=1)
                .value_name(spec.value_name)
                .default_missing_value("360")
                .action(ArgAction::Set),
        };
        if matches!(spec.opt, Opt::Command(_) | Opt::Help | Opt::Version) {
            commands.push(spec.long);
        }
        cmd = cmd.arg(arg);
    }
    cmd.group(ArgGroup::new("command").args(commands).multiple(false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clap_description_is_consistent() {
        clap_command().debug_assert();
    }

    #[test]
    fn clap_knows_every_option() {
        let cmd = clap_command();
        for spec in OPTIONS {
            assert!(
                cmd.get_arguments().any(|a| a.get_long() == Some(spec.long)),
                "{} missing",
                spec.long
            );
        }
    }

    #[test]
    fn clap_accepts_a_typical_line() {
        let m = clap_command()
            .try_get_matches_from([
                "ipvsadm",
                "-A",
                "-t",
                "10.0.0.1:80",
                "-s",
                "rr",
                "-p",
            ])
            .unwrap();
        assert!(m.get_flag("add-service"));
        assert_eq!(
            m.get_one::<String>("persistent").map(String::as_str),
            Some("360")
        );
        let m = clap_command()
            .try_get_matches_from(["ipvsadm", "-ln"])
            .unwrap();
        assert!(m.get_flag("list"));
    }
}
