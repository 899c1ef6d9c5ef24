//! The verification workflow: which status changes exist, who may make them
//! and what each requires. The table below is the whole policy.

use super::claim::ClaimStatus;
use super::error::DomainError;
use super::ids::UserId;
use super::role::Role;
use super::text;
use ClaimStatus::*;

/// A verdict's rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rating {
    True,
    MostlyTrue,
    HalfTrue,
    MostlyFalse,
    False,
    Misleading,
    Unproven,
}

impl Rating {
    pub const ALL: [Rating; 7] = [
        Rating::True,
        Rating::MostlyTrue,
        Rating::HalfTrue,
        Rating::MostlyFalse,
        Rating::False,
        Rating::Misleading,
        Rating::Unproven,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Rating::True => "true",
            Rating::MostlyTrue => "mostly_true",
            Rating::HalfTrue => "half_true",
            Rating::MostlyFalse => "mostly_false",
            Rating::False => "false",
            Rating::Misleading => "misleading",
            Rating::Unproven => "unproven",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == value)
    }

    /// How a reader sees it.
    pub fn label(self) -> &'static str {
        match self {
            Rating::True => "True",
            Rating::MostlyTrue => "Mostly true",
            Rating::HalfTrue => "Half true",
            Rating::MostlyFalse => "Mostly false",
            Rating::False => "False",
            Rating::Misleading => "Misleading",
            Rating::Unproven => "Unproven",
        }
    }

    /// Position on schema.org's 1 (worst) to 5 (best) scale, for ratings
    /// that sit on the true–false scale; `None` for misleading and unproven.
    pub fn score(self) -> Option<u8> {
        match self {
            Rating::True => Some(5),
            Rating::MostlyTrue => Some(4),
            Rating::HalfTrue => Some(3),
            Rating::MostlyFalse => Some(2),
            Rating::False => Some(1),
            Rating::Misleading | Rating::Unproven => None,
        }
    }
}

pub const SUMMARY_MAX: usize = 4000;
pub const NOTE_MAX: usize = 4000;

/// A proposed verdict, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub rating: Rating,
    pub summary: String,
}

impl Verdict {
    pub fn parse(rating: Rating, summary: String) -> Result<Self, DomainError> {
        let summary = text::required(summary, SUMMARY_MAX, true)
            .map_err(|m| DomainError::invalid("verdict.summary", m))?;
        Ok(Self { rating, summary })
    }
}

/// Who may make a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// Any user with at least this role.
    AtLeast(Role),
    /// The claim's assignee (a checker or above), or any editor.
    AssigneeOrEditor,
    /// An editor who did not propose the verdict (two-person rule).
    SecondEditor,
}

/// What a change needs besides permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    Nothing,
    Note,
    VerdictAndSource,
}

/// Every allowed change: from, to, who, needs.
pub const TRANSITIONS: [(ClaimStatus, ClaimStatus, Who, Needs); 9] = [
    (
        Unverified,
        InProgress,
        Who::AtLeast(Role::Checker),
        Needs::Nothing,
    ),
    (Unverified, Dismissed, Who::AtLeast(Role::Checker), Needs::Note),
    (InProgress, Unverified, Who::AssigneeOrEditor, Needs::Nothing),
    (
        InProgress,
        InReview,
        Who::AssigneeOrEditor,
        Needs::VerdictAndSource,
    ),
    (InProgress, Dismissed, Who::AssigneeOrEditor, Needs::Note),
    (InReview, Verified, Who::SecondEditor, Needs::Nothing),
    (InReview, InProgress, Who::AtLeast(Role::Editor), Needs::Note),
    (Verified, InProgress, Who::AtLeast(Role::Editor), Needs::Note),
    (Dismissed, Unverified, Who::AtLeast(Role::Editor), Needs::Note),
];

/// Whether a claim in this status is frozen: from the moment a verdict is
/// proposed (`in_review`) until an editor sends it back or reopens it, the
/// claim's wording, offsets and claimant and its sources are the record the
/// verdict was judged on and published with, so they cannot change.
pub fn is_frozen(status: ClaimStatus) -> bool {
    matches!(status, InReview | Verified)
}

/// 409 when `what` of a claim in `status` may not change now, naming the
/// status and the way out.
pub fn check_editable(status: ClaimStatus, what: &str) -> Result<(), DomainError> {
    let way_out = match status {
        InReview => "an editor sends it back",
        Verified => "an editor reopens it",
        _ => return Ok(()),
    };
    Err(DomainError::Conflict(format!(
        "the claim is {}, so its {what} cannot change: the verdict was judged on them; \
         first {way_out} (POST /api/v1/claims/{{id}}/transitions with {{\"to\": \"in_progress\", \"note\": \"why\"}})",
        status.as_str()
    )))
}

/// What the workflow needs to know about a claim.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimState {
    pub status: ClaimStatus,
    pub assignee: Option<UserId>,
    pub proposed_by: Option<UserId>,
    pub sources: usize,
}

/// A request to change status.
#[derive(Debug, Clone)]
pub struct Request {
    pub to: ClaimStatus,
    pub note: Option<String>,
    pub verdict: Option<Verdict>,
}

/// The checked change, ready to apply.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub from: ClaimStatus,
    pub to: ClaimStatus,
    pub note: Option<String>,
    pub verdict: Option<Verdict>,
    /// The assignee after the change.
    pub assignee: Option<UserId>,
}

fn may(who: Who, actor: UserId, role: Role, state: &ClaimState) -> bool {
    match who {
        Who::AtLeast(least) => role.includes(least),
        Who::AssigneeOrEditor => {
            role.includes(Role::Editor) || (role.includes(Role::Checker) && state.assignee == Some(actor))
        }
        Who::SecondEditor => role.includes(Role::Editor) && state.proposed_by != Some(actor),
    }
}

/// Whether this role could ever make the change, whoever the claim is assigned to.
fn role_may_ever(who: Who, role: Role) -> bool {
    match who {
        Who::AtLeast(least) => role.includes(least),
        Who::AssigneeOrEditor => role.includes(Role::Checker),
        Who::SecondEditor => role.includes(Role::Editor),
    }
}

/// The statuses this actor may move the claim to now.
pub fn allowed(state: &ClaimState, actor: UserId, role: Role) -> Vec<ClaimStatus> {
    TRANSITIONS
        .iter()
        .filter(|(from, _, who, _)| *from == state.status && may(*who, actor, role, state))
        .map(|(_, to, _, _)| *to)
        .collect()
}

/// Checks a status change against the table: 409 when it does not exist
/// from here, 403 when this actor may not make it, 422 when a requirement is
/// missing.
pub fn check(state: &ClaimState, actor: UserId, role: Role, request: Request) -> Result<Change, DomainError> {
    let Some(&(from, to, who, needs)) = TRANSITIONS
        .iter()
        .find(|(f, t, _, _)| *f == state.status && *t == request.to)
    else {
        let options: Vec<&str> = allowed(state, actor, role).iter().map(|s| s.as_str()).collect();
        return Err(DomainError::Conflict(format!(
            "the claim is {}; it cannot move to {}. You can move it to: {}",
            state.status.as_str(),
            request.to.as_str(),
            if options.is_empty() {
                "nothing".to_owned()
            } else {
                options.join(", ")
            }
        )));
    };
    if !may(who, actor, role, state) {
        let why = match who {
            Who::AtLeast(least) => format!("needs the {} role or higher", least.as_str()),
            Who::AssigneeOrEditor if role_may_ever(who, role) => {
                "is for the claim's assignee or an editor".to_owned()
            }
            Who::AssigneeOrEditor => "needs the checker role or higher".to_owned(),
            Who::SecondEditor if role_may_ever(who, role) => {
                "needs a second editor: the one who proposed the verdict cannot also approve it".to_owned()
            }
            Who::SecondEditor => "needs the editor role or higher".to_owned(),
        };
        return Err(DomainError::Forbidden(format!(
            "{} → {} {why}",
            from.as_str(),
            to.as_str()
        )));
    }
    let note = request
        .note
        .map(|n| text::required(n, NOTE_MAX, true))
        .transpose()
        .map_err(|m| DomainError::invalid("note", m))?;
    let mut verdict = None;
    match needs {
        Needs::Nothing => {}
        Needs::Note if note.is_none() => {
            return Err(DomainError::invalid(
                "note",
                format!("{} → {} needs a note saying why", from.as_str(), to.as_str()),
            ));
        }
        Needs::Note => {}
        Needs::VerdictAndSource => {
            let mut errors = super::error::Errors::default();
            if request.verdict.is_none() {
                errors.add("verdict", "proposing a verdict needs {rating, summary}");
            }
            if state.sources == 0 {
                errors.add("sources", "add at least one source before proposing a verdict");
            }
            errors.into_result()?;
            verdict = request.verdict;
        }
    }
    let assignee = match to {
        InProgress if from == Unverified => state.assignee.or(Some(actor)),
        Unverified => None,
        _ => state.assignee,
    };
    Ok(Change {
        from,
        to,
        note,
        verdict,
        assignee,
    })
}

/// Checks a change of assignee. A checker may take a claim or let go of
/// their own; an editor may give it to any active checker or above.
/// `target` is the new assignee's role and whether they are disabled.
pub fn check_assignment(
    actor: UserId,
    role: Role,
    current: Option<UserId>,
    new: Option<UserId>,
    target: Option<(Role, bool)>,
) -> Result<(), DomainError> {
    if !role.includes(Role::Checker) {
        return Err(DomainError::Forbidden(
            "assigning claims needs the checker role or higher".into(),
        ));
    }
    if !role.includes(Role::Editor) {
        // A checker may take a claim nobody has, or let go of their own;
        // a claim another checker is working on is theirs until an editor
        // moves it.
        let free_or_own = current.is_none() || current == Some(actor);
        let to_self_or_nobody = new.is_none_or(|user| user == actor);
        if !(free_or_own && to_self_or_nobody) {
            return Err(DomainError::Forbidden(
                "a checker may only take an unassigned claim or release their own; ask an editor to reassign it"
                    .into(),
            ));
        }
    }
    if new.is_some() {
        match target {
            None => return Err(DomainError::invalid("assignee_id", "no user has this id")),
            Some((_, true)) => return Err(DomainError::invalid("assignee_id", "this user is disabled")),
            Some((r, false)) if !r.includes(Role::Checker) => {
                return Err(DomainError::invalid(
                    "assignee_id",
                    "claims can only be assigned to checkers, editors or admins",
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(status: ClaimStatus, assignee: Option<UserId>, proposed_by: Option<UserId>) -> ClaimState {
        ClaimState {
            status,
            assignee,
            proposed_by,
            sources: 1,
        }
    }

    fn request(to: ClaimStatus) -> Request {
        Request {
            to,
            note: Some("because".into()),
            verdict: Some(Verdict::parse(Rating::False, "No record of it.".into()).unwrap()),
        }
    }

    /// Every row of the table, for every kind of actor: allowed or refused.
    #[test]
    fn the_transition_table() {
        let me = UserId::generate();
        let other = UserId::generate();
        // (from, to, assignee is me?, proposer is me?, [reporter, checker, editor, admin] allowed)
        let rows: [(ClaimStatus, ClaimStatus, bool, bool, [bool; 4]); 12] = [
            (Unverified, InProgress, false, false, [false, true, true, true]),
            (Unverified, Dismissed, false, false, [false, true, true, true]),
            (InProgress, Unverified, true, false, [false, true, true, true]),
            (InProgress, Unverified, false, false, [false, false, true, true]),
            (InProgress, InReview, true, false, [false, true, true, true]),
            (InProgress, InReview, false, false, [false, false, true, true]),
            (InProgress, Dismissed, true, false, [false, true, true, true]),
            (InReview, Verified, false, false, [false, false, true, true]),
            (InReview, Verified, false, true, [false, false, false, false]),
            (InReview, InProgress, false, false, [false, false, true, true]),
            (Verified, InProgress, false, false, [false, false, true, true]),
            (Dismissed, Unverified, false, false, [false, false, true, true]),
        ];
        for (from, to, assigned, proposed, allowed_for) in rows {
            let s = state(
                from,
                assigned.then_some(me).or(Some(other)).filter(|_| assigned),
                proposed.then_some(me),
            );
            for (role, expected) in Role::ALL.into_iter().zip(allowed_for) {
                let result = check(&s, me, role, request(to));
                assert_eq!(
                    result.is_ok(),
                    expected,
                    "{from:?} → {to:?} as {role:?} (assigned {assigned}, proposer {proposed}): {result:?}"
                );
                if !expected {
                    assert!(matches!(result, Err(DomainError::Forbidden(_))), "{result:?}");
                }
            }
        }
    }

    #[test]
    fn anything_else_is_a_conflict_naming_the_options() {
        let me = UserId::generate();
        let s = state(Unverified, None, None);
        let Err(DomainError::Conflict(message)) = check(&s, me, Role::Editor, request(Verified)) else {
            panic!()
        };
        assert!(
            message.contains("unverified") && message.contains("in_progress, dismissed"),
            "{message}"
        );
        let Err(DomainError::Conflict(_)) = check(&s, me, Role::Editor, request(Unverified)) else {
            panic!()
        };
    }

    #[test]
    fn requirements_are_422() {
        let me = UserId::generate();
        let no_note = Request {
            to: Dismissed,
            note: None,
            verdict: None,
        };
        assert!(matches!(
            check(&state(Unverified, None, None), me, Role::Checker, no_note),
            Err(DomainError::Invalid(_))
        ));
        let bare = Request {
            to: InReview,
            note: None,
            verdict: None,
        };
        let mut s = state(InProgress, Some(me), None);
        s.sources = 0;
        let Err(DomainError::Invalid(errors)) = check(&s, me, Role::Checker, bare) else {
            panic!()
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["verdict", "sources"]);
    }

    #[test]
    fn assignment_rules() {
        let (me, other) = (UserId::generate(), UserId::generate());
        let checker = Some((Role::Checker, false));
        assert!(check_assignment(me, Role::Checker, None, Some(me), checker).is_ok());
        assert!(check_assignment(me, Role::Checker, Some(me), None, None).is_ok());
        assert!(matches!(
            check_assignment(me, Role::Checker, None, Some(other), checker),
            Err(DomainError::Forbidden(_))
        ));
        assert!(matches!(
            check_assignment(me, Role::Checker, Some(other), None, None),
            Err(DomainError::Forbidden(_))
        ));
        assert!(matches!(
            check_assignment(me, Role::Reporter, None, Some(me), checker),
            Err(DomainError::Forbidden(_))
        ));
        // Taking a claim another checker holds is an editor's call.
        assert!(matches!(
            check_assignment(me, Role::Checker, Some(other), Some(me), checker),
            Err(DomainError::Forbidden(_))
        ));
        assert!(check_assignment(me, Role::Checker, Some(me), Some(me), checker).is_ok());
        assert!(check_assignment(me, Role::Editor, Some(other), Some(me), checker).is_ok());
        assert!(check_assignment(me, Role::Editor, Some(other), Some(other), checker).is_ok());
        assert!(matches!(
            check_assignment(me, Role::Editor, None, Some(other), Some((Role::Reporter, false))),
            Err(DomainError::Invalid(_))
        ));
        assert!(matches!(
            check_assignment(me, Role::Editor, None, Some(other), Some((Role::Checker, true))),
            Err(DomainError::Invalid(_))
        ));
        assert!(matches!(
            check_assignment(me, Role::Editor, None, Some(other), None),
            Err(DomainError::Invalid(_))
        ));
    }

    #[test]
    fn starting_assigns_and_releasing_unassigns() {
        let me = UserId::generate();
        let started = check(
            &state(Unverified, None, None),
            me,
            Role::Checker,
            request(InProgress),
        )
        .unwrap();
        assert_eq!(started.assignee, Some(me));
        let released = check(
            &state(InProgress, Some(me), None),
            me,
            Role::Checker,
            request(Unverified),
        )
        .unwrap();
        assert_eq!(released.assignee, None);
    }
}
