//! Problems: every mistake a validator finds in one input (a configuration, the scenarios,
//! the policies), each with where it is, reported together once.
//!
//! A validator pushes a `Problem` for each mistake and goes on, so that one run names them
//! all; `Problems::finish` then turns a non-empty list into one error, `N problem(s) in
//! the configuration:` with one problem per line. A problem is built from its place
//! (outermost first: a file, a scenario, a key, a rule), the value found there when the
//! message is about it, and the message, and shows as `place: place = value: message`.
//!
//! This module only collects and words the list; it knows nothing of what is validated,
//! reads nothing and prints nothing.

use std::fmt;

/// One mistake and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    /// Where, outermost first: `data/beleid/cz.toml`, `regel "a"`; or `criteria.aandeel_omzet`.
    place: Vec<String>,
    /// The value at that place as the message shows it (quoted or not, as the caller chose).
    value: Option<String>,
    message: String,
}

impl Problem {
    /// A problem at `place`; add inner places with `inner`, the value with `value`, and the
    /// message with `says`.
    pub(crate) fn at(place: impl Into<String>) -> Problem {
        Problem {
            place: vec![place.into()],
            value: None,
            message: String::new(),
        }
    }

    /// A place inside the one before: a key of a file, a rule of a policy.
    pub(crate) fn inner(mut self, place: impl Into<String>) -> Problem {
        self.place.push(place.into());
        self
    }

    /// The value found at the place: shown as `place = value`.
    pub(crate) fn value(mut self, value: impl fmt::Display) -> Problem {
        self.value = Some(value.to_string());
        self
    }

    /// What is wrong.
    pub(crate) fn says(mut self, message: impl Into<String>) -> Problem {
        self.message = message.into();
        self
    }

    /// Whether the problem is at `place` or inside it.
    pub(crate) fn is_at(&self, place: &str) -> bool {
        self.place.first().is_some_and(|p| p == place)
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.place.join(": "))?;
        if let Some(v) = &self.value {
            write!(f, " = {v}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// The problems of one input, in the order they were found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problems {
    /// What they are in, as the heading names it: `the configuration`.
    of: &'static str,
    list: Vec<Problem>,
}

impl Problems {
    pub(crate) fn new(of: &'static str) -> Problems {
        Problems {
            of,
            list: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, problem: Problem) {
        self.list.push(problem);
    }

    /// Takes in another input's problems, each placed inside `place` (a scenario's
    /// configuration problems inside `scenario "a"`).
    pub(crate) fn within(&mut self, place: &str, other: Problems) {
        self.list.extend(other.list.into_iter().map(|mut p| {
            p.place.insert(0, place.to_string());
            p
        }));
    }

    /// Takes in more problems of the same input, as they are.
    pub(crate) fn append(&mut self, other: Problems) {
        self.list.extend(other.list);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Whether any problem is at `place` or inside it.
    pub(crate) fn any_at(&self, place: &str) -> bool {
        self.list.iter().any(|p| p.is_at(place))
    }

    /// `Ok` when there are none; otherwise all of them, as one error.
    pub(crate) fn finish(self) -> Result<(), Problems> {
        if self.list.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.list.len();
        write!(
            f,
            "{n} problem{} in {}:",
            if n == 1 { "" } else { "s" },
            self.of
        )?;
        for p in &self.list {
            write!(f, "\n  {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_problem_per_line_under_a_counted_heading() {
        let mut ps = Problems::new("the configuration");
        ps.push(
            Problem::at("criteria.aandeel_omzet")
                .value("1.5")
                .says("must be a fraction between 0 and 1"),
        );
        assert_eq!(
            ps.to_string(),
            "1 problem in the configuration:\n  criteria.aandeel_omzet = 1.5: must be a fraction between 0 and 1"
        );
        ps.push(Problem::at("invoer.tarieven").says("missing"));
        let mut all = Problems::new("the scenarios");
        all.push(Problem::at("scenario 1").inner("naam").says("missing"));
        all.within("scenario \"a\"", ps);
        assert_eq!(
            all.to_string(),
            "3 problems in the scenarios:\n  scenario 1: naam: missing\n  \
             scenario \"a\": criteria.aandeel_omzet = 1.5: must be a fraction between 0 and 1\n  \
             scenario \"a\": invoer.tarieven: missing"
        );
        assert!(all.any_at("scenario 1") && !all.any_at("naam"));
        assert!(Problems::new("x").finish().is_ok());
    }
}
