//! Tests of the account-security rules.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;

const VERIFIED: Verification = Verification {
    from_active_admin: true,
    identity_confirmed: true,
};

fn forbidden(r: CoreResult<()>) -> String {
    match r {
        Err(CoreError::Forbidden { reason }) => reason,
        other => panic!("expected forbidden, got {other:?}"),
    }
}

/// Policy (security): support staff never change passwords.
#[test]
fn support_staff_never_change_a_password_even_on_a_verified_request() {
    let SecurityHandling::Never { reason, instead } = handling(SecurityRequest::ChangePassword)
    else {
        panic!("a password change must never be done by support");
    };
    assert!(reason.contains("never change a password"), "{reason}");
    assert!(instead.contains("administrator"), "{instead}");
    let e = forbidden(may_carry_out(SecurityRequest::ChangePassword, &VERIFIED));
    assert!(e.contains("never change a password"), "{e}");
}

/// Policy (security): support staff never add anyone to a resource.
#[test]
fn support_staff_never_add_anyone_to_a_resource_even_on_a_verified_request() {
    assert!(matches!(
        handling(SecurityRequest::AddToResource),
        SecurityHandling::Never { .. }
    ));
    let e = forbidden(may_carry_out(SecurityRequest::AddToResource, &VERIFIED));
    assert!(e.contains("never add anyone to a resource"), "{e}");
    assert!(
        e.contains("administrator of your organization grants access"),
        "{e}"
    );
}

/// Policy (security): support staff never make anyone an administrator — a role is access
/// the org's admins give; the request is answered with how they do it.
#[test]
fn support_staff_never_make_anyone_an_administrator_even_on_a_verified_request() {
    let SecurityHandling::Never { reason, instead } = handling(SecurityRequest::MakeAdmin) else {
        panic!("an admin role must never be given by support");
    };
    assert!(
        reason.contains("never make anyone an administrator"),
        "{reason}"
    );
    assert!(instead.contains("admin console"), "{instead}");
    let e = forbidden(may_carry_out(SecurityRequest::MakeAdmin, &VERIFIED));
    assert!(e.contains("even on a verified request"), "{e}");
}

/// Policy (security): deleting an account and disclosing account information need a verified
/// request.
#[test]
fn deletion_and_disclosure_need_a_verified_request() {
    for (request, words) in [
        (SecurityRequest::DeleteAccount, "delete an account"),
        (
            SecurityRequest::DeleteOrganization,
            "delete your organization's account",
        ),
        (
            SecurityRequest::DiscloseAccountInformation,
            "disclose account information",
        ),
    ] {
        let SecurityHandling::VerifiedRequestOnly { reason } = handling(request) else {
            panic!("{request:?} must need a verified request");
        };
        assert!(
            reason.contains(words) && reason.contains("verified"),
            "{reason}"
        );
        assert!(may_carry_out(request, &VERIFIED).is_ok());
        let e = forbidden(may_carry_out(request, &Verification::default()));
        assert!(
            e.contains("did not come from an active administrator"),
            "{e}"
        );
        let e = forbidden(may_carry_out(
            request,
            &Verification {
                from_active_admin: true,
                identity_confirmed: false,
            },
        ));
        assert!(e.contains("identity has not been confirmed"), "{e}");
        let e = forbidden(may_carry_out(
            request,
            &Verification {
                from_active_admin: false,
                identity_confirmed: true,
            },
        ));
        assert!(e.contains("active administrator"), "{e}");
    }
}

/// Every request, written out: N = never, V = verified request only.
#[test]
fn the_whole_request_table() {
    let expected = "NNNVVV";
    let got: String = SecurityRequest::ALL
        .iter()
        .map(|&r| match handling(r) {
            SecurityHandling::Never { .. } => 'N',
            SecurityHandling::VerifiedRequestOnly { .. } => 'V',
        })
        .collect();
    assert_eq!(got, expected);
    // Nothing is carried out without verification.
    for r in SecurityRequest::ALL {
        assert!(may_carry_out(r, &Verification::default()).is_err(), "{r:?}");
    }
}

#[test]
fn requests_and_handling_have_a_serde_form() {
    assert_eq!(
        serde_json::to_string(&SecurityRequest::DiscloseAccountInformation).unwrap(),
        "\"disclose_account_information\""
    );
    let json = serde_json::to_value(handling(SecurityRequest::DeleteAccount)).unwrap();
    assert_eq!(json["handling"], "verified_request_only");
}

/// "No JumpCloud employee will ever ask you for your password": requests for one are caught,
/// the promise itself and ordinary advice about passwords are not.
#[test]
fn a_request_for_a_password_is_caught_and_the_promise_is_not() {
    for asks in [
        "Please send us your password so we can check the account.",
        "What is your password?",
        "To verify you, reply with your current passphrase.",
        "Could you tell me the password you used",
        "We need your password to continue",
        "Share it with us: your LDAP password",
    ] {
        assert!(asks_for_a_password(asks), "{asks}");
        assert!(never_ask_for_a_password("body", asks).is_err());
    }
    for fine in [
        "We never ask for your password.",
        "Nobody else knows or chooses your password — not your administrators and not our \
         staff, who will never ask you for it.",
        "Users change their own password; an administrator of your organization can send a \
         password reset.",
        "Choose your password here: https://example.test/portal/invitation/x",
        "An administrator of Acme sent you a link to set a new password for your account.",
        "Please send us the error message you see.",
        "Do not send us your password: we will never ask for it.",
    ] {
        assert!(!asks_for_a_password(fine), "{fine}");
    }
}
