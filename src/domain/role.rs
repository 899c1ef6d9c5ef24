//! Who may do what. Roles are ordered: each has everything the one before it has.

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Reads everything; creates and edits articles and claims.
    Reporter,
    /// Also moves claims through the verification workflow.
    Checker,
    /// Also approves verdicts, archives articles and deletes claims.
    Editor,
    /// Also manages users and sees every API token.
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Reporter, Role::Checker, Role::Editor, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reporter => "reporter",
            Role::Checker => "checker",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(value: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == value)
            .ok_or_else(|| "must be one of reporter, checker, editor, admin".to_owned())
    }

    /// Whether this role includes everything `required` may do.
    pub fn includes(self, required: Role) -> bool {
        self >= required
    }
}

/// Everything the API lets a signed-in caller do, with the least role that
/// may do it. Handlers name an action; this table decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Read,
    WriteArticles,
    WriteClaims,
    TransitionClaims,
    LinkClaims,
    ArchiveArticles,
    DeleteClaims,
    ManageOwnTokens,
    /// Creating an API token: a person's act, never an integration's.
    CreateTokens,
    ManageUsers,
    /// Creating users and changing their role, password or status.
    ChangeUsers,
    SeeAllTokens,
    /// Registering webhook endpoints and reading their deliveries.
    ManageWebhooks,
    /// Downloading claims as CSV.
    ExportClaims,
    /// Adding other publishers' fact-checks.
    ImportFactChecks,
}

impl Action {
    pub fn least_role(self) -> Role {
        match self {
            Action::Read
            | Action::WriteArticles
            | Action::WriteClaims
            | Action::ManageOwnTokens
            | Action::CreateTokens
            | Action::ExportClaims => Role::Reporter,
            Action::TransitionClaims | Action::LinkClaims => Role::Checker,
            Action::ArchiveArticles
            | Action::DeleteClaims
            | Action::ManageWebhooks
            | Action::ImportFactChecks => Role::Editor,
            Action::ManageUsers | Action::ChangeUsers | Action::SeeAllTokens => Role::Admin,
        }
    }

    /// Whether only a person signed in with a password may do this, never an
    /// API token: what could turn a leaked integration token into a takeover
    /// of accounts.
    pub fn needs_person(self) -> bool {
        matches!(
            self,
            Action::CreateTokens | Action::ChangeUsers | Action::ManageWebhooks
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_and_round_trip() {
        assert!(Role::Admin.includes(Role::Editor));
        assert!(Role::Checker.includes(Role::Reporter));
        assert!(!Role::Checker.includes(Role::Editor));
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Ok(r));
        }
        assert!(Role::parse("Admin").is_err());
        assert!(Role::parse("root").is_err());
    }

    /// The permission table, row by row: action → which roles may do it.
    #[test]
    fn permission_table() {
        use Role::*;
        let table: [(Action, [bool; 4]); 15] = [
            //                          reporter checker editor admin
            (Action::Read, [true, true, true, true]),
            (Action::WriteArticles, [true, true, true, true]),
            (Action::WriteClaims, [true, true, true, true]),
            (Action::ManageOwnTokens, [true, true, true, true]),
            (Action::CreateTokens, [true, true, true, true]),
            (Action::ExportClaims, [true, true, true, true]),
            (Action::TransitionClaims, [false, true, true, true]),
            (Action::LinkClaims, [false, true, true, true]),
            (Action::ArchiveArticles, [false, false, true, true]),
            (Action::DeleteClaims, [false, false, true, true]),
            (Action::ManageWebhooks, [false, false, true, true]),
            (Action::ImportFactChecks, [false, false, true, true]),
            (Action::ManageUsers, [false, false, false, true]),
            (Action::ChangeUsers, [false, false, false, true]),
            (Action::SeeAllTokens, [false, false, false, true]),
        ];
        for (action, allowed) in table {
            for (role, expected) in [Reporter, Checker, Editor, Admin].into_iter().zip(allowed) {
                assert_eq!(
                    role.includes(action.least_role()),
                    expected,
                    "{role:?} {action:?}"
                );
            }
        }
        let in_person: Vec<Action> = table
            .iter()
            .map(|(action, _)| *action)
            .filter(|a| a.needs_person())
            .collect();
        assert_eq!(
            in_person,
            [Action::CreateTokens, Action::ManageWebhooks, Action::ChangeUsers]
        );
    }
}
