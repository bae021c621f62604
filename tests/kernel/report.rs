//! Per-test result lines and the closing `N passed, M failed` line of the
//! in-VM run, plus the name filter used to pick tests.

use std::time::{Duration, Instant};

/// Picks tests whose full name contains a substring (all if none given).
#[derive(Debug, Clone, Default)]
pub(crate) struct Filter {
    needle: Option<String>,
}

impl Filter {
    pub(crate) fn new(needle: Option<String>) -> Self {
        Filter {
            needle: needle.filter(|n| !n.is_empty()),
        }
    }

    pub(crate) fn matches(&self, name: &str) -> bool {
        self.needle.as_deref().is_none_or(|n| name.contains(n))
    }

    pub(crate) fn needle(&self) -> Option<&str> {
        self.needle.as_deref()
    }
}

/// Collects outcomes and prints them as they arrive.
#[derive(Debug, Default)]
pub(crate) struct Report {
    passed: usize,
    failed: Vec<String>,
}

impl Report {
    /// Records one test; `detail` explains a failure (indented on print).
    pub(crate) fn record(
        &mut self,
        name: &str,
        outcome: Result<(), String>,
        took: Duration,
    ) {
        let secs = took.as_secs_f64();
        match outcome {
            Ok(()) => {
                self.passed += 1;
                println!("ok     {name} ({secs:.2} s)");
            }
            Err(detail) => {
                self.failed.push(name.to_string());
                println!("FAILED {name} ({secs:.2} s)");
                for line in detail.lines() {
                    println!("    {line}");
                }
            }
        }
    }

    /// Times `test` and records its outcome under `name`.
    pub(crate) fn run(
        &mut self,
        name: &str,
        test: impl FnOnce() -> Result<(), String>,
    ) {
        let start = Instant::now();
        let outcome = test();
        self.record(name, outcome, start.elapsed());
    }

    pub(crate) fn all_passed(&self) -> bool {
        self.failed.is_empty()
    }

    /// The list of failures (if any) and the closing summary line.
    pub(crate) fn finish(&self) -> String {
        let mut text = String::new();
        if !self.failed.is_empty() {
            text.push_str("\nfailed tests:\n");
            for name in &self.failed {
                text.push_str(&format!("    {name}\n"));
            }
        }
        text.push_str(&self.summary());
        text
    }

    /// Exactly `N passed, M failed`.
    pub(crate) fn summary(&self) -> String {
        format!("{} passed, {} failed", self.passed, self.failed.len())
    }
}
