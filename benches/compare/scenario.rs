//! The benchmark's scenarios, how each is run in alternation, and the
//! results: a markdown table and JSON of medians, ratios and targets.

use std::fmt::Write as _;
use std::fs::{self, File};
use std::path::Path;
use std::process::Stdio;

use crate::inputs::restore_input;
use crate::measure::{self, Cost};
use crate::netns;

/// The two programs compared.
pub(crate) struct Tools<'a> {
    pub ours: &'a str,
    pub reference: &'a str,
}

#[derive(Clone, Copy, PartialEq)]
enum Op {
    Restore,
    List,
    Save,
    /// `--apply FILE` of the restore input onto an empty table, against
    /// ipvsadm's `-R` of the same input.
    ApplyFirst,
    /// `--apply FILE` when the table is already FILE's, against our own
    /// `-Sn` (the reference column then holds ours).
    ApplyNoop,
}

/// One measured command on a table of `services` × `dests`.
pub(crate) struct Scenario {
    services: usize,
    dests: usize,
    op: Op,
}

/// Medians of one scenario.
pub(crate) struct Row {
    name: String,
    services: usize,
    dests: usize,
    command: &'static str,
    target: f64,
    reference: Cost,
    ours: Cost,
}

pub(crate) fn all() -> Vec<Scenario> {
    let mut out = vec![Scenario {
        services: 0,
        dests: 0,
        op: Op::List,
    }];
    for (services, dests) in [(2000, 4), (16000, 1)] {
        for op in [Op::Restore, Op::List, Op::Save] {
            out.push(Scenario {
                services,
                dests,
                op,
            });
        }
    }
    for op in [Op::ApplyFirst, Op::ApplyNoop] {
        out.push(Scenario {
            services: 16000,
            dests: 1,
            op,
        });
    }
    out
}

impl Scenario {
    pub(crate) fn name(&self) -> String {
        let op = match self.op {
            Op::ApplyFirst => "--apply first (ipvsadm: -R)",
            Op::ApplyNoop => "--apply no-op (reference: our -Sn)",
            _ => self.command(),
        };
        if self.services == 0 {
            return format!("empty table {op}");
        }
        format!("{} services × {} {op}", self.services, self.dests)
    }

    /// The command ours is measured with.
    fn command(&self) -> &'static str {
        match self.op {
            Op::Restore => "-R",
            Op::List => "-Ln",
            Op::Save => "-Sn",
            Op::ApplyFirst | Op::ApplyNoop => "--apply",
        }
    }

    /// The arguments of the reference (`reference`) or of ours, and
    /// whether the restore input is its stdin (else it is `--apply`'s
    /// FILE).
    fn args<'a>(
        &self,
        reference: bool,
        input: &'a str,
    ) -> (Vec<&'a str>, bool) {
        match (self.op, reference) {
            (Op::ApplyFirst, true) => (vec!["-R"], true),
            (Op::ApplyNoop, true) => (vec!["-Sn"], false),
            (Op::ApplyFirst | Op::ApplyNoop, false) => {
                (vec!["--apply", input], false)
            }
            (_, _) => (vec![self.command()], self.op == Op::Restore),
        }
    }

    /// Whether the table is filled (by our `-R`) before the measured run.
    fn prefilled(&self) -> bool {
        self.services > 0
            && matches!(self.op, Op::List | Op::Save | Op::ApplyNoop)
    }

    /// Whether the result compared is the table saved after the run
    /// rather than what the run printed.
    fn saves_after(&self) -> bool {
        matches!(self.op, Op::Restore | Op::ApplyFirst | Op::ApplyNoop)
    }

    /// The wall-time ratio this row must reach: `-R` 10x, `-Ln` and `-Sn`
    /// 4x at 16,000 services and 3x at 2,000, the empty listing 1x; the
    /// first `--apply` 8x ipvsadm's `-R`, the no-op `--apply` 1x our `-Sn`.
    fn target_ratio(&self) -> f64 {
        match (self.op, self.services) {
            (Op::ApplyFirst, _) => 8.0,
            (Op::ApplyNoop, _) | (_, 0) => 1.0,
            (Op::Restore, _) => 10.0,
            (_, s) if s >= 16_000 => 4.0,
            _ => 3.0,
        }
    }

    /// Runs `rounds` rounds, each timing both programs in fresh namespaces;
    /// checks that both leave or print the same table.
    pub(crate) fn run(
        &self,
        tools: &Tools,
        rounds: usize,
        work: &Path,
    ) -> Result<Row, String> {
        let input = work.join(format!("in-{}x{}", self.services, self.dests));
        if !input.exists() {
            fs::write(&input, restore_input(self.services, self.dests))
                .map_err(|e| format!("{}: {e}", input.display()))?;
        }
        let mut reference = Vec::new();
        let mut ours = Vec::new();
        // The no-op apply is held against our own -Sn.
        let against = match self.op {
            Op::ApplyNoop => tools.ours,
            _ => tools.reference,
        };
        for round in 0..rounds {
            let mut pair = [(against, 0), (tools.ours, 1)];
            if round % 2 == 1 {
                pair.reverse();
            }
            for (program, which) in pair {
                let (sample, result) =
                    self.once(program, which == 0, tools, &input, work)?;
                let kept = work.join(format!("result-{which}"));
                fs::rename(&result, &kept).map_err(|e| format!("{e}"))?;
                if which == 0 {
                    reference.push(sample);
                } else {
                    ours.push(sample);
                }
            }
            let a = fs::read(work.join("result-0")).unwrap_or_default();
            let b = fs::read(work.join("result-1")).unwrap_or_default();
            if a != b {
                return Err(format!(
                    "{}: the two programs' tables differ (see {})",
                    self.name(),
                    work.display()
                ));
            }
        }
        Ok(Row {
            name: self.name(),
            services: self.services,
            dests: self.dests,
            command: self.command(),
            target: self.target_ratio(),
            reference: median(&reference),
            ours: median(&ours),
        })
    }

    /// One measured run in a fresh namespace, of the reference's command
    /// (`reference`) or ours; the sample and a file whose bytes must be
    /// equal for both (the listing, or after a restore or an apply the
    /// saved table).
    fn once(
        &self,
        program: &str,
        reference: bool,
        tools: &Tools,
        input: &Path,
        work: &Path,
    ) -> Result<(Cost, std::path::PathBuf), String> {
        netns::enter_fresh().map_err(|e| format!("namespace: {e}"))?;
        let out = work.join("out");
        if self.prefilled() {
            timed(tools.ours, &["-R"], Some(input), &out)?;
        }
        let path = input.display().to_string();
        let (args, reads_stdin) = self.args(reference, &path);
        let stdin = reads_stdin.then_some(input);
        let sample = timed(program, &args, stdin, &out)?;
        let kept = work.join("kept");
        if self.saves_after() {
            timed(tools.ours, &["-Sn"], None, &kept)?;
        } else {
            fs::rename(&out, &kept).map_err(|e| format!("{e}"))?;
        }
        // Empty the table before the namespace is left: a namespace that
        // dies with thousands of services is flushed by a kernel worker
        // holding the IPVS lock while the next program runs.
        timed(tools.ours, &["-C"], None, &out)?;
        Ok((sample, kept))
    }
}

/// Runs `program args` through the measuring parent with stdin from
/// `input` (or nothing) and stdout to `output`; fails unless it exits 0
/// with nothing on stderr.
fn timed(
    program: &str,
    args: &[&str],
    input: Option<&Path>,
    output: &Path,
) -> Result<Cost, String> {
    let file = |path: &Path, made: std::io::Result<File>| {
        made.map(Stdio::from)
            .map_err(|e| format!("{}: {e}", path.display()))
    };
    let stdin = match input {
        Some(path) => file(path, File::open(path))?,
        None => Stdio::null(),
    };
    let err_path = output.with_extension("err");
    let streams = [
        stdin,
        file(output, File::create(output))?,
        file(&err_path, File::create(&err_path))?,
    ];
    let cost = measure::run_with(program, args, streams)?;
    let errors = fs::read_to_string(&err_path).unwrap_or_default();
    if cost.status != "exit 0" || !errors.is_empty() {
        return Err(format!(
            "{program} {args:?} failed ({}): {errors}",
            cost.status
        ));
    }
    Ok(cost)
}

fn median(samples: &[Cost]) -> Cost {
    let pick = |f: fn(&Cost) -> f64| {
        let mut v: Vec<f64> = samples.iter().map(f).collect();
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(0.0)
    };
    Cost {
        status: "exit 0".to_string(),
        wall_ms: pick(|s| s.wall_ms),
        user_ms: pick(|s| s.user_ms),
        sys_ms: pick(|s| s.sys_ms),
        max_rss_kib: pick(|s| s.max_rss_kib as f64) as i64,
    }
}

/// The results as a markdown table.
pub(crate) fn markdown(rows: &[Row], rounds: usize) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "| scenario | ipvsadm 1.31 | ours | ratio | target | ipvsadm user / sys \
         | ours user / sys | ipvsadm peak RSS | ours peak RSS |"
    );
    let _ = writeln!(
        t,
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    for r in rows {
        let _ = writeln!(
            t,
            "| {} | {:.1} ms | {:.1} ms | {:.1}× | {:.0}× | {:.0} / {:.0} ms \
             | {:.0} / {:.0} ms | {} KiB | {} KiB |",
            r.name,
            r.reference.wall_ms,
            r.ours.wall_ms,
            r.ratio(),
            r.target,
            r.reference.user_ms,
            r.reference.sys_ms,
            r.ours.user_ms,
            r.ours.sys_ms,
            r.reference.max_rss_kib,
            r.ours.max_rss_kib,
        );
    }
    let _ = writeln!(
        t,
        "\nMedians of {rounds} rounds; wall time, CPU time and peak RSS from \
         wait4; ratio = ipvsadm's wall time / ours."
    );
    t
}

impl Row {
    /// ipvsadm's wall time over ours.
    fn ratio(&self) -> f64 {
        self.reference.wall_ms / self.ours.wall_ms.max(1e-3)
    }

    /// The most peak RSS ours may have: ipvsadm's, or on the empty table
    /// 512 KiB more.
    fn rss_target_kib(&self) -> i64 {
        let slack = if self.services == 0 { 512 } else { 0 };
        self.reference.max_rss_kib + slack
    }
}

/// The results as JSON: when, how many rounds, and one object per row
/// with both programs' medians, the ratio and the targets; `extra` (the
/// supervisor rows' member, with its leading comma, or "") after them.
pub(crate) fn json(
    rows: &[Row],
    rounds: usize,
    date: &str,
    extra: &str,
) -> String {
    let cost = |c: &Cost| {
        format!(
            "{{\"wall_ms\": {:.1}, \"user_ms\": {:.1}, \"sys_ms\": {:.1}, \
             \"max_rss_kib\": {}}}",
            c.wall_ms, c.user_ms, c.sys_ms, c.max_rss_kib
        )
    };
    let mut t = format!(
        "{{\n  \"date\": \"{date}\",\n  \"rounds\": {rounds},\n  \"rows\": ["
    );
    for (i, r) in rows.iter().enumerate() {
        let _ = write!(
            t,
            "{}\n    {{\"scenario\": \"{}\", \"services\": {}, \"dests\": {}, \
             \"command\": \"{}\",\n     \"ipvsadm\": {},\n     \
             \"ours\": {},\n     \"ratio\": {:.2}, \"target_ratio\": {:.1}, \
             \"rss_target_kib\": {}}}",
            if i == 0 { "" } else { "," },
            r.name,
            r.services,
            r.dests,
            r.command,
            cost(&r.reference),
            cost(&r.ours),
            r.ratio(),
            r.target,
            r.rss_target_kib(),
        );
    }
    t.push_str("\n  ]");
    t.push_str(extra);
    t.push_str("\n}\n");
    t
}
