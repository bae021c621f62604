//! The command/option compatibility matrix and the tunnel-type/option
//! matrix of ipvsadm, as data, and the checks that walk them.

use super::options::{CommandKind, TrackedOption};
use crate::Error;

/// One row per command, one cell per [`TrackedOption`] in index order:
/// `+` compulsory, `x` illegal, `1` at most one of the `1` options,
/// `.` optional.
#[rustfmt::skip]
const fn row(cmd: CommandKind) -> &'static [u8; 34] {
    match cmd {
        //                       n c svc s p M r fwd w x y mc ... tunnel
        CommandKind::AddService =>    b"xx+...xxxxxxxxxxxxxxx...xxxxxxxxxx",
        CommandKind::EditService =>   b"xx+...xxxxxxxxxxxxxxx...xxxxxxxxxx",
        CommandKind::DeleteService => b"xx+xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        CommandKind::Flush =>         b"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        CommandKind::List =>          b".11xxxxxxxxx11.......xxxxxxx.xxxxx",
        CommandKind::AddServer =>     b"xx+xxx+....xxxxxxxxxxxxxxxxxx.....",
        CommandKind::DeleteServer =>  b"xx+xxx+xxxxxxxxxxxxxxxxxxxxxxxxxxx",
        CommandKind::EditServer =>    b"xx+xxx+....xxxxxxxxxxxxxxxxxx.....",
        CommandKind::SetTimeouts =>   b"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        CommandKind::StartDaemon =>   b"xxxxxxxxxxx.xxxxxxx.xxxx....xxxxxx",
        CommandKind::StopDaemon =>    b"xxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxx",
        CommandKind::Restore =>       b"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        CommandKind::Save =>          b".xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        CommandKind::Zero =>          b"xx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        CommandKind::Apply =>         b"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        CommandKind::Top =>           b".x.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    }
}

/// The cell of the matrix for a command and an option.
pub(super) fn cell(cmd: CommandKind, col: TrackedOption) -> u8 {
    row(cmd)[col.index()]
}

/// ipvsadm's `generic_opt_check`: walk the columns in order; the first
/// violation is the error. Options that break no rule of the row, as on
/// nearly every line, need no walk.
pub(super) fn check_command(cmd: CommandKind, given: u64) -> Result<(), Error> {
    if COMMAND_RULES[cmd.index()].allow(given) {
        return Ok(());
    }
    walk_command(cmd, given)
}

fn walk_command(cmd: CommandKind, given: u64) -> Result<(), Error> {
    walk(
        TrackedOption::ALL.iter().map(|&c| (c, cell(cmd, c))),
        given,
        cmd.name(),
        "command",
    )
}

/// The cells of one row as sets of columns.
#[derive(Debug, Clone, Copy)]
struct Rules {
    /// `+` cells.
    required: u64,
    /// `x` cells.
    illegal: u64,
    /// `1` cells.
    exclusive: u64,
}

impl Rules {
    const fn of(cells: &[u8], columns: &[TrackedOption]) -> Rules {
        let mut rules = Rules {
            required: 0,
            illegal: 0,
            exclusive: 0,
        };
        let mut i = 0;
        while i < cells.len() && i < columns.len() {
            let bit = columns[i].bit();
            match cells[i] {
                b'+' => rules.required |= bit,
                b'x' => rules.illegal |= bit,
                b'1' => rules.exclusive |= bit,
                _ => {}
            }
            i += 1;
        }
        rules
    }

    /// Whether the walk over these cells finds nothing wrong with `given`.
    fn allow(self, given: u64) -> bool {
        given & self.illegal == 0
            && given & self.required == self.required
            && (given & self.exclusive).count_ones() <= 1
    }
}

const COMMAND_RULES: [Rules; CommandKind::ALL.len()] = {
    let mut rules = [Rules::of(b"", &[]); CommandKind::ALL.len()];
    let mut i = 0;
    while i < rules.len() {
        rules[i] = Rules::of(row(CommandKind::ALL[i]), &TrackedOption::ALL);
        i += 1;
    }
    rules
};

/// Tunnel types as ipvsadm numbers them (`IP_VS_CONN_F_TUNNEL_TYPE_*`).
pub(super) fn tunnel_name(tun_type: u8) -> &'static str {
    match tun_type {
        1 => "gue",
        2 => "gre",
        _ => "ipip",
    }
}

/// ipvsadm's `tunnel_opt_check` over tun-port, tun-nocsum, tun-csum and
/// tun-remcsum.
pub(super) fn check_tunnel(tun_type: u8, given: u64) -> Result<(), Error> {
    const RULES: [Rules; 3] = [
        Rules::of(tunnel_cells(0), &TUNNEL_COLUMNS),
        Rules::of(tunnel_cells(1), &TUNNEL_COLUMNS),
        Rules::of(tunnel_cells(2), &TUNNEL_COLUMNS),
    ];
    // Types above 2 have the row of type 0 (ipip).
    let rules = RULES.get(usize::from(tun_type)).unwrap_or(&RULES[0]);
    if rules.allow(given) {
        return Ok(());
    }
    walk_tunnel(tun_type, given)
}

const TUNNEL_COLUMNS: [TrackedOption; 4] = [
    TrackedOption::TunPort,
    TrackedOption::TunNocsum,
    TrackedOption::TunCsum,
    TrackedOption::TunRemcsum,
];

/// The tunnel matrix row of a tunnel type, over [`TUNNEL_COLUMNS`].
const fn tunnel_cells(tun_type: u8) -> &'static [u8; 4] {
    match tun_type {
        1 => b"+111",
        2 => b"x11x",
        _ => b"xxxx",
    }
}

fn walk_tunnel(tun_type: u8, given: u64) -> Result<(), Error> {
    walk(
        TUNNEL_COLUMNS
            .iter()
            .copied()
            .zip(tunnel_cells(tun_type).iter().copied()),
        given,
        tunnel_name(tun_type),
        "tunnel type",
    )
}

fn walk(
    cells: impl Iterator<Item = (TrackedOption, u8)>,
    given: u64,
    what: &str,
    kind: &str,
) -> Result<(), Error> {
    let mut first_exclusive: Option<TrackedOption> = None;
    for (col, cell) in cells {
        let present = given & col.bit() != 0;
        if !present {
            if cell == b'+' {
                return Err(Error::invalid(format!(
                    "You need to supply the '{}' option for the '{}' {}",
                    col.name(),
                    what,
                    kind
                )));
            }
            continue;
        }
        if cell == b'x' {
            return Err(Error::invalid(format!(
                "Illegal '{}' option with the '{}' {}",
                col.name(),
                what,
                kind
            )));
        }
        if cell == b'1' {
            match first_exclusive {
                None => first_exclusive = Some(col),
                Some(earlier) => {
                    return Err(Error::invalid(format!(
                        "The option '{}' conflicts with the '{}' option in \
                         the '{}' {}",
                        col.name(),
                        earlier.name(),
                        what,
                        kind
                    )));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::TestRng;

    fn msg(r: Result<(), Error>) -> String {
        match r {
            Err(Error::Invalid(m)) => m.to_string(),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn compulsory_is_reported_in_column_order() {
        let given = TrackedOption::Weight.bit();
        assert_eq!(
            msg(check_command(CommandKind::AddServer, given)),
            "You need to supply the 'service-address' option for the \
             'add-server' command"
        );
    }

    #[test]
    fn exclusive_names_later_option_first() {
        let given = TrackedOption::Timeout.bit() | TrackedOption::Daemon.bit();
        assert_eq!(
            msg(check_command(CommandKind::List, given)),
            "The option 'daemon' conflicts with the 'timeout' option in the \
             'list' command"
        );
    }

    /// Sets of given options: none, every one, two and three of them,
    /// and a spread of larger ones.
    fn given_sets() -> impl Iterator<Item = u64> {
        let n = TrackedOption::ALL.len();
        let bit = |i: usize| 1u64 << i;
        let small = (0..n).flat_map(move |i| {
            (i..n).flat_map(move |j| {
                (j..n).map(move |k| bit(i) | bit(j) | bit(k))
            })
        });
        let mut rng = TestRng::new(0x9e37_79b9_7f4a_7c15);
        let spread = std::iter::repeat_with(move || {
            let x = rng.next_u64();
            x & x.rotate_left(11) & ((1 << n) - 1)
        });
        std::iter::once(0).chain(small).chain(spread.take(20_000))
    }

    #[test]
    fn rules_allow_exactly_what_the_walk_allows() {
        for cmd in CommandKind::ALL {
            for given in given_sets() {
                assert_eq!(
                    check_command(cmd, given).is_ok(),
                    walk_command(cmd, given).is_ok(),
                    "{cmd:?} {given:#x}"
                );
            }
        }
        for tun_type in 0..=3 {
            for given in given_sets() {
                assert_eq!(
                    check_tunnel(tun_type, given).is_ok(),
                    walk_tunnel(tun_type, given).is_ok(),
                    "{tun_type} {given:#x}"
                );
            }
        }
    }

    #[test]
    fn tunnel_matrix() {
        assert_eq!(
            msg(check_tunnel(1, 0)),
            "You need to supply the 'tun-port' option for the 'gue' tunnel \
             type"
        );
        assert_eq!(
            msg(check_tunnel(2, TrackedOption::TunRemcsum.bit())),
            "Illegal 'tun-remcsum' option with the 'gre' tunnel type"
        );
        assert!(check_tunnel(0, 0).is_ok());
    }
}
