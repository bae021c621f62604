//! A hand-written scanner with the semantics of libpopt 1.19's
//! `poptGetNextOpt` for ipvsadm's option table: short-option clusters,
//! attached values (one `=` stripped), `--long=value`, popt's optional
//! argument rule, `--`, plain arguments collected as leftovers,
//! `POSIXLY_CORRECT`, and popt's `!#:+` next-argument substitution.

use std::borrow::Cow;

use super::args::ArgList;
use super::options::{self, ArgKind, OptSpec};

/// A popt error (`POPT_ERROR_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ScanError {
    /// `POPT_ERROR_BADOPT`.
    UnknownOption,
    /// `POPT_ERROR_NOARG`.
    MissingArgument,
    /// `POPT_ERROR_UNWANTEDARG`.
    UnwantedArgument,
}

impl ScanError {
    /// popt's `poptStrerror` text.
    pub(super) fn reason(self) -> &'static str {
        match self {
            ScanError::UnknownOption => "unknown option",
            ScanError::MissingArgument => "missing argument",
            ScanError::UnwantedArgument => "option does not take an argument",
        }
    }
}

/// Scanning state over one argument vector (without `argv[0]`). Arguments
/// are bytes, as the C library hands them over: nothing here needs them
/// to be UTF-8. Values are borrowed from the arguments unless a `!#:+`
/// substitution built them.
pub(super) struct PoptScanner<'a, A: ?Sized> {
    args: &'a A,
    /// Index of the next element to look at (popt's `os->next`).
    next: usize,
    /// Pending short options: element index and byte offset.
    cluster: Option<(usize, usize)>,
    /// After `--` (or the first plain argument under POSIX rules) every
    /// element is a plain argument.
    rest_leftover: bool,
    posix: bool,
    /// Elements taken by a `!#:+` substitution (empty until one is).
    taken: Vec<bool>,
    leftovers: Vec<&'a [u8]>,
}

/// Whether popt's POSIX rule applies (`POSIXLY_CORRECT` or
/// `POSIX_ME_HARDER` set). Read once: nothing here changes the
/// environment, and `-R` parses every line.
pub(crate) fn posix_mode() -> bool {
    static POSIX: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *POSIX.get_or_init(|| {
        std::env::var_os("POSIXLY_CORRECT").is_some()
            || std::env::var_os("POSIX_ME_HARDER").is_some()
    })
}

/// popt's next-argument mark in a value.
const MARK: &[u8] = b"!#:+";

/// An option's value: `None` when an optional value was not given.
pub(super) type OptionValue<'a> = Option<Cow<'a, [u8]>>;

impl<'a, A: ArgList + ?Sized> PoptScanner<'a, A> {
    pub(super) fn new(args: &'a A, posix: bool) -> Self {
        PoptScanner {
            args,
            next: 0,
            cluster: None,
            rest_leftover: false,
            posix,
            taken: Vec::new(),
            leftovers: Vec::new(),
        }
    }

    /// The argv element popt blames for the last option or error
    /// (`poptBadOption`): the last element consumed.
    pub(super) fn bad_option(&self) -> &'a [u8] {
        let args = self.args;
        let last = self.next.checked_sub(1).and_then(|i| args.arg(i));
        last.unwrap_or(b"")
    }

    /// Plain arguments seen so far, in order.
    pub(super) fn leftovers(&self) -> &[&'a [u8]] {
        &self.leftovers
    }

    /// The next option and its value, or `Ok(None)` at the end.
    pub(super) fn next_opt(
        &mut self,
    ) -> Result<Option<(&'static OptSpec, OptionValue<'a>)>, ScanError> {
        let args = self.args;
        loop {
            let mut long_value: Option<&'a [u8]> = None;
            let found: &'static OptSpec;
            if self.cluster.is_none() {
                let Some(element) = args.arg(self.next) else {
                    return Ok(None);
                };
                let index = self.next;
                self.next += 1;
                if self.is_taken(index) {
                    continue;
                }
                if self.rest_leftover
                    || !element.starts_with(b"-")
                    || element == b"-"
                {
                    if self.posix {
                        self.rest_leftover = true;
                    }
                    self.leftovers.push(element);
                    continue;
                }
                match *element {
                    [b'-', b'-'] => {
                        self.rest_leftover = true;
                        continue;
                    }
                    // One short option alone, the usual form: no cluster
                    // is left after it.
                    [b'-', c] => {
                        found = options::find_short(c)
                            .ok_or(ScanError::UnknownOption)?;
                        return self.value_for(found, None).map(Some);
                    }
                    _ => {}
                }
                match element.strip_prefix(b"--") {
                    Some(body) => {
                        let (name, value) = match body
                            .iter()
                            .position(|&b| b == b'=')
                        {
                            Some(eq) => (&body[..eq], Some(&body[eq + 1..])),
                            None => (body, None),
                        };
                        found = std::str::from_utf8(name)
                            .ok()
                            .and_then(options::find_long)
                            .ok_or(ScanError::UnknownOption)?;
                        long_value = value;
                    }
                    // A single dash never names a long option here:
                    // the element is a cluster of short options.
                    None => {
                        self.cluster = Some((index, 1));
                        found = self.next_short()?;
                    }
                }
            } else {
                found = self.next_short()?;
            }
            return self.value_for(found, long_value).map(Some);
        }
    }

    /// Takes the next character of the pending cluster as a short option.
    fn next_short(&mut self) -> Result<&'static OptSpec, ScanError> {
        let Some((index, offset)) = self.cluster.take() else {
            return Err(ScanError::UnknownOption);
        };
        let bytes = self.args.arg(index).unwrap_or_default();
        let c = bytes.get(offset).copied().unwrap_or(0);
        let found = options::find_short(c).ok_or(ScanError::UnknownOption)?;
        if offset + 1 < bytes.len() {
            self.cluster = Some((index, offset + 1));
        }
        Ok(found)
    }

    #[inline(always)]
    fn value_for(
        &mut self,
        found: &'static OptSpec,
        long_value: Option<&'a [u8]>,
    ) -> Result<(&'static OptSpec, OptionValue<'a>), ScanError> {
        let args = self.args;
        if found.arg == ArgKind::None {
            let attached_eq = self.cluster.is_some_and(|(i, o)| {
                args.arg(i).and_then(|a| a.get(o)) == Some(&b'=')
            });
            if long_value.is_some() || attached_eq {
                return Err(ScanError::UnwantedArgument);
            }
            return Ok((found, None));
        }
        let raw: Option<&'a [u8]> = if let Some(v) = long_value {
            Some(v)
        } else if let Some((index, offset)) = self.cluster.take() {
            let rest = args.arg(index).and_then(|a| a.get(offset..));
            let rest = rest.unwrap_or_default();
            Some(rest.strip_prefix(b"=").unwrap_or(rest))
        } else {
            match args.arg(self.next) {
                None if found.arg == ArgKind::Optional => None,
                None => return Err(ScanError::MissingArgument),
                Some(next)
                    if found.arg == ArgKind::Optional
                        && next.starts_with(b"-") =>
                {
                    None
                }
                Some(next) => {
                    self.next += 1;
                    Some(next)
                }
            }
        };
        Ok((found, raw.map(|v| self.expand(v))))
    }

    /// popt's `expandNextArg`: each `!#:+` in a value is replaced by the
    /// next plain argument after the current position, which is then
    /// skipped by the scan. Without such an argument the text stays as
    /// it is (popt 1.19 loops forever when elements remain but none is
    /// plain; we keep the text instead).
    fn expand(&mut self, value: &'a [u8]) -> Cow<'a, [u8]> {
        if find_mark(value).is_none() {
            return Cow::Borrowed(value);
        }
        let mut out = Vec::with_capacity(value.len());
        let mut substitute: Option<&'a [u8]> = None;
        let mut rest = value;
        while let Some(pos) = find_mark(rest) {
            out.extend_from_slice(&rest[..pos]);
            if substitute.is_none() {
                substitute = self.take_next_plain();
            }
            out.extend_from_slice(substitute.unwrap_or(MARK));
            rest = &rest[pos + MARK.len()..];
        }
        out.extend_from_slice(rest);
        Cow::Owned(out)
    }

    fn take_next_plain(&mut self) -> Option<&'a [u8]> {
        let args = self.args;
        let (index, plain) = (self.next..args.count())
            .filter(|&i| !self.is_taken(i))
            .filter_map(|i| Some((i, args.arg(i)?)))
            .find(|(_, a)| !a.starts_with(b"-"))?;
        if self.taken.is_empty() {
            self.taken = vec![false; args.count()];
        }
        if let Some(taken) = self.taken.get_mut(index) {
            *taken = true;
        }
        Some(plain)
    }

    fn is_taken(&self, index: usize) -> bool {
        self.taken.get(index).copied().unwrap_or(false)
    }
}

/// Where the first `!#:+` starts.
fn find_mark(value: &[u8]) -> Option<usize> {
    // Most values have no `!` at all.
    if !value.contains(&MARK[0]) {
        return None;
    }
    value.windows(MARK.len()).position(|w| w == MARK)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::options::Opt;

    fn args<'a>(v: &[&'a str]) -> Vec<&'a [u8]> {
        v.iter().map(|s| s.as_bytes()).collect()
    }

    /// All options with values, stopping at the first error.
    fn scan(v: &[&str]) -> (Vec<(Opt, Option<String>)>, Option<ScanError>) {
        let a = args(v);
        let mut s = PoptScanner::new(&a, false);
        let mut out = Vec::new();
        loop {
            match s.next_opt() {
                Ok(Some((spec, val))) => out.push((
                    spec.opt,
                    val.map(|v| String::from_utf8_lossy(&v).into_owned()),
                )),
                Ok(None) => return (out, None),
                Err(e) => return (out, Some(e)),
            }
        }
    }

    #[test]
    fn cluster_of_flags() {
        let (opts, err) = scan(&["-Lnc"]);
        assert_eq!(err, None);
        assert_eq!(opts.len(), 3);
        assert_eq!(opts[1].0, Opt::Numeric);
    }

    #[test]
    fn attached_value_strips_one_equals() {
        let (opts, _) = scan(&["-s=rr", "-p600", "-s==x"]);
        assert_eq!(opts[0].1.as_deref(), Some("rr"));
        assert_eq!(opts[1].1.as_deref(), Some("600"));
        assert_eq!(opts[2].1.as_deref(), Some("=x"));
    }

    #[test]
    fn optional_value_rules() {
        let (opts, _) = scan(&["-p", "-s", "rr", "-p", "600", "-p"]);
        assert_eq!(opts[0], (Opt::Persistent, None));
        assert_eq!(opts[2], (Opt::Persistent, Some("600".into())));
        assert_eq!(opts[3], (Opt::Persistent, None));
    }

    #[test]
    fn long_value_forms() {
        let (opts, _) = scan(&["--scheduler=rr", "--weight", "5"]);
        assert_eq!(opts[0].1.as_deref(), Some("rr"));
        assert_eq!(opts[1].1.as_deref(), Some("5"));
    }

    #[test]
    fn flag_with_value_is_unwanted() {
        assert_eq!(scan(&["--numeric=1"]).1, Some(ScanError::UnwantedArgument));
        assert_eq!(scan(&["-n=1"]).1, Some(ScanError::UnwantedArgument));
    }

    #[test]
    fn unknown_and_missing() {
        assert_eq!(scan(&["-Lz"]).1, Some(ScanError::UnknownOption));
        assert_eq!(scan(&["--lis"]).1, Some(ScanError::UnknownOption));
        assert_eq!(scan(&["-t"]).1, Some(ScanError::MissingArgument));
    }

    #[test]
    fn single_dash_long_name_is_a_cluster() {
        let (opts, err) = scan(&["-list"]);
        assert_eq!(err, None);
        let ids: Vec<Opt> = opts.iter().map(|o| o.0).collect();
        assert_eq!(ids[1..], [Opt::Ipip, Opt::Scheduler]);
        assert_eq!(opts[2].1.as_deref(), Some("t"));
    }

    #[test]
    fn plain_arguments_and_double_dash() {
        let a = args(&["a", "-L", "-", "--", "-n", "b"]);
        let mut s = PoptScanner::new(&a, false);
        while let Ok(Some(_)) = s.next_opt() {}
        assert_eq!(s.leftovers(), &args(&["a", "-", "-n", "b"])[..]);
    }

    #[test]
    fn posix_stops_at_first_plain_argument() {
        let a = args(&["-L", "x", "-n"]);
        let mut s = PoptScanner::new(&a, true);
        let mut n = 0;
        while let Ok(Some(_)) = s.next_opt() {
            n += 1;
        }
        assert_eq!(n, 1);
        assert_eq!(s.leftovers(), &args(&["x", "-n"])[..]);
    }

    #[test]
    fn bad_option_is_last_consumed_element() {
        let a = args(&["-L", "--start-daemon", "master"]);
        let mut s = PoptScanner::new(&a, false);
        let _ = s.next_opt();
        let _ = s.next_opt();
        assert_eq!(s.bad_option(), b"master");
    }

    #[test]
    fn next_argument_substitution() {
        let (opts, _) = scan(&["-s", "r!#:+", "-n", "r"]);
        assert_eq!(opts[0].1.as_deref(), Some("rr"));
        assert_eq!(opts.len(), 2);
        let (opts, _) = scan(&["-s", "r!#:+"]);
        assert_eq!(opts[0].1.as_deref(), Some("r!#:+"));
    }

    #[test]
    fn bytes_that_are_not_utf8_pass_through() {
        let a: Vec<&[u8]> = vec![b"-s", b"r\xff!#:+", b"\xfe", b"--\xff=1"];
        let mut s = PoptScanner::new(&a, false);
        let (_, value) = s.next_opt().unwrap().unwrap();
        assert_eq!(value.as_deref(), Some(&b"r\xff\xfe"[..]));
        assert_eq!(s.next_opt().unwrap_err(), ScanError::UnknownOption);
        assert_eq!(s.bad_option(), b"--\xff=1");
        let a: Vec<&[u8]> = vec![b"-L\xff"];
        let mut s = PoptScanner::new(&a, false);
        assert!(s.next_opt().is_ok());
        assert_eq!(s.next_opt().unwrap_err(), ScanError::UnknownOption);
        assert_eq!(s.bad_option(), b"-L\xff");
    }
}
