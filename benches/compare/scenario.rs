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
    out
}

impl Scenario {
    pub(crate) fn name(&self) -> String {
        let op = self.args()[0];
        if self.services == 0 {
            return format!("empty table {op}");
        }
        format!("{} services × {} {op}", self.services, self.dests)
    }

    fn args(&self) -> &'static [&'static str] {
        match self.op {
            Op::Restore => &["-R"],
            Op::List => &["-Ln"],
            Op::Save => &["-Sn"],
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
        for round in 0..rounds {
            let mut pair = [(tools.reference, 0), (tools.ours, 1)];
            if round % 2 == 1 {
                pair.reverse();
            }
            for (program, which) in pair {
                let (sample, result) =
                    self.once(program, tools, &input, work)?;
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
            command: self.args()[0],
            reference: median(&reference),
            ours: median(&ours),
        })
    }

    /// One measured run in a fresh namespace; the sample and a file whose
    /// bytes must be equal for both programs (the listing, or after a
    /// restore the saved table).
    fn once(
        &self,
        program: &str,
        tools: &Tools,
        input: &Path,
        work: &Path,
    ) -> Result<(Cost, std::path::PathBuf), String> {
        netns::enter_fresh().map_err(|e| format!("namespace: {e}"))?;
        let out = work.join("out");
        if self.op != Op::Restore && self.services > 0 {
            timed(tools.ours, &["-R"], Some(input), &out)?;
        }
        let stdin = (self.op == Op::Restore).then_some(input);
        let sample = timed(program, self.args(), stdin, &out)?;
        let kept = work.join("kept");
        if self.op == Op::Restore {
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
            r.target_ratio(),
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

    /// The wall-time ratio this row must reach: `-R` 10x, `-Ln` and `-Sn`
    /// 4x at 16,000 services and 3x at 2,000, the empty listing 1x.
    fn target_ratio(&self) -> f64 {
        match (self.command, self.services) {
            (_, 0) => 1.0,
            ("-R", _) => 10.0,
            (_, s) if s >= 16_000 => 4.0,
            _ => 3.0,
        }
    }

    /// The most peak RSS ours may have: ipvsadm's, or on the empty table
    /// 512 KiB more.
    fn rss_target_kib(&self) -> i64 {
        let slack = if self.services == 0 { 512 } else { 0 };
        self.reference.max_rss_kib + slack
    }
}

/// The results as JSON: when, how many rounds, and one object per row
/// with both programs' medians, the ratio and the targets.
pub(crate) fn json(rows: &[Row], rounds: usize, date: &str) -> String {
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
            r.target_ratio(),
            r.rss_target_kib(),
        );
    }
    t.push_str("\n  ]\n}\n");
    t
}
