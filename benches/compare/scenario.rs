//! The benchmark's scenarios, how each is run in alternation, and the
//! markdown table of medians and ratios.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use crate::inputs::restore_input;
use crate::measure::{self, Sample};
use crate::netns;

/// The two programs compared.
pub struct Tools<'a> {
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
pub struct Scenario {
    services: usize,
    dests: usize,
    op: Op,
}

/// Medians of one scenario.
pub struct Row {
    name: String,
    reference: Sample,
    ours: Sample,
}

pub fn all() -> Vec<Scenario> {
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
    pub fn name(&self) -> String {
        let op = match self.op {
            Op::Restore => "-R",
            Op::List => "-Ln",
            Op::Save => "-Sn",
        };
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
    pub fn run(
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
    ) -> Result<(Sample, std::path::PathBuf), String> {
        netns::enter_fresh().map_err(|e| format!("namespace: {e}"))?;
        let out = work.join("out");
        if self.op != Op::Restore && self.services > 0 {
            measure::run(tools.ours, &["-R"], Some(input), &out)?;
        }
        let stdin = (self.op == Op::Restore).then_some(input);
        let sample = measure::run(program, self.args(), stdin, &out)?;
        let kept = work.join("kept");
        if self.op == Op::Restore {
            measure::run(tools.ours, &["-Sn"], None, &kept)?;
        } else {
            fs::rename(&out, &kept).map_err(|e| format!("{e}"))?;
        }
        // Empty the table before the namespace is left: a namespace that
        // dies with thousands of services is flushed by a kernel worker
        // holding the IPVS lock while the next program runs.
        measure::run(tools.ours, &["-C"], None, &out)?;
        Ok((sample, kept))
    }
}

fn median(samples: &[Sample]) -> Sample {
    let pick = |f: fn(&Sample) -> f64| {
        let mut v: Vec<f64> = samples.iter().map(f).collect();
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(0.0)
    };
    Sample {
        wall_ms: pick(|s| s.wall_ms),
        user_ms: pick(|s| s.user_ms),
        sys_ms: pick(|s| s.sys_ms),
        max_rss_kib: pick(|s| s.max_rss_kib as f64) as i64,
    }
}

/// The results as a markdown table.
pub fn markdown(rows: &[Row], rounds: usize) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "| scenario | ipvsadm 1.31 | ours | ratio | ipvsadm user / sys \
         | ours user / sys | ipvsadm peak RSS | ours peak RSS |"
    );
    let _ = writeln!(
        t,
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    for r in rows {
        let _ = writeln!(
            t,
            "| {} | {:.1} ms | {:.1} ms | {:.1}× | {:.0} / {:.0} ms \
             | {:.0} / {:.0} ms | {} KiB | {} KiB |",
            r.name,
            r.reference.wall_ms,
            r.ours.wall_ms,
            r.reference.wall_ms / r.ours.wall_ms.max(1e-3),
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
