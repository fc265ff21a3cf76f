//! Input types that check themselves once: past [`parse`](InitiativeTitle::parse)
//! a value is known to be valid.

use serde::{Deserialize, Serialize};

/// What an initiative is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InitiativeKind {
    Course,
    Activity,
    Other,
}

impl InitiativeKind {
    pub const ALL: [InitiativeKind; 3] = [
        InitiativeKind::Course,
        InitiativeKind::Activity,
        InitiativeKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InitiativeKind::Course => "course",
            InitiativeKind::Activity => "activity",
            InitiativeKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<InitiativeKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// What someone brings to an initiative from their own strength.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContributionKind {
    Time,
    Materials,
    Space,
    Money,
    Knowledge,
}

impl ContributionKind {
    pub const ALL: [ContributionKind; 5] = [
        ContributionKind::Time,
        ContributionKind::Materials,
        ContributionKind::Space,
        ContributionKind::Money,
        ContributionKind::Knowledge,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ContributionKind::Time => "time",
            ContributionKind::Materials => "materials",
            ContributionKind::Space => "space",
            ContributionKind::Money => "money",
            ContributionKind::Knowledge => "knowledge",
        }
    }

    pub fn parse(s: &str) -> Option<ContributionKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Why a title is not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TitleError {
    #[error("too short")]
    TooShort,
    #[error("too long")]
    TooLong,
}

/// An initiative's title: 5 to 120 characters after trimming.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitiativeTitle(String);

impl InitiativeTitle {
    pub const MIN: usize = 5;
    pub const MAX: usize = 120;

    /// # Errors
    /// [`TitleError`] when the trimmed title is shorter than [`Self::MIN`] or longer than [`Self::MAX`] characters.
    pub fn parse(s: &str) -> Result<InitiativeTitle, TitleError> {
        let t = s.trim();
        let n = t.chars().count();
        if n < Self::MIN {
            Err(TitleError::TooShort)
        } else if n > Self::MAX {
            Err(TitleError::TooLong)
        } else {
            Ok(InitiativeTitle(t.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_trimmed_and_bounded() {
        assert_eq!(
            InitiativeTitle::parse("  Repair café  ").unwrap().as_str(),
            "Repair café"
        );
        assert_eq!(InitiativeTitle::parse("abc"), Err(TitleError::TooShort));
        assert_eq!(
            InitiativeTitle::parse(&"x".repeat(121)),
            Err(TitleError::TooLong)
        );
    }

    #[test]
    fn kinds_round_trip() {
        for k in InitiativeKind::ALL {
            assert_eq!(InitiativeKind::parse(k.as_str()), Some(k));
        }
        for k in ContributionKind::ALL {
            assert_eq!(ContributionKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(InitiativeKind::parse("party"), None);
    }
}
