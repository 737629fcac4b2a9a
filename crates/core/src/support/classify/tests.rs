use super::*;

fn category(subject: &str, body: &str) -> Category {
    read(subject, body).category
}

#[test]
fn explicit_markers_win_over_words() {
    let r = read(
        "LDAP error",
        "Category: onboarding\nSeverity: S2\nThe LDAP bind fails with an error.",
    );
    assert_eq!(r.category, Category::Onboarding);
    assert_eq!(r.severity, Some(Severity::S2));
    assert_eq!(
        category("[how_to] LDAP error", "bind fails"),
        Category::HowTo
    );
    assert_eq!(category("[Feedback] idea", "x"), Category::Feedback);
    // An unknown marker is ignored, not an error.
    assert_eq!(
        category(
            "[urgent] question",
            "Category: bananas\nHow do I add a group?"
        ),
        Category::HowTo
    );
}

#[test]
fn broken_things_are_defects_and_protocol_questions_integrations() {
    assert_eq!(
        category("LDAP bind fails", "Since 9am every bind returns error 49."),
        Category::Defect
    );
    assert_eq!(
        category("Help", "Our users cannot log in to the VPN."),
        Category::Defect
    );
    assert_eq!(
        category(
            "RADIUS for our Wi-Fi",
            "How do we point our access points at RADIUS?"
        ),
        Category::Integration
    );
    assert_eq!(
        category("Question", "How do I download the agent for macOS?"),
        Category::HowTo
    );
}

#[test]
fn services_outside_support_are_recognized() {
    assert_eq!(
        category("Training", "Could you train our helpdesk team next week?"),
        Category::Onboarding
    );
    assert_eq!(
        category("Moving from OpenLDAP", "We plan to migrate 400 users."),
        Category::Onboarding
    );
    assert_eq!(
        category("Branding", "Can you customize the login page for us?"),
        Category::Customization
    );
    assert_eq!(
        category("Project", "We would like consulting for our rollout of SSO"),
        Category::ProfessionalServices
    );
    assert_eq!(
        category("Auth", "Our legacy app needs Kerberos authentication"),
        Category::UnsupportedIntegration
    );
    assert_eq!(
        category("Idea", "Feature request: dark mode for the console"),
        Category::Feedback
    );
    assert_eq!(
        category(
            "Login",
            "I am an employee of Acme and my laptop will not sync"
        ),
        Category::EndUserSupport
    );
}

#[test]
fn account_security_requests_say_what_they_ask() {
    let r = read("Password", "Please reset the password for bob@acme.test");
    assert_eq!(r.category, Category::AccountSecurity);
    assert_eq!(r.security, Some(SecurityRequest::ChangePassword));
    let r = read("Admin", "Please make Carol an administrator of our org.");
    assert_eq!(r.security, Some(SecurityRequest::MakeAdmin));
    let r = read(
        "Close",
        "Please delete our organization account, we are leaving.",
    );
    assert_eq!(r.security, Some(SecurityRequest::DeleteOrganization));
    let r = read("Leaver", "Please delete the user bob, he left us.");
    assert_eq!(r.security, Some(SecurityRequest::DeleteAccount));
    let r = read("Access", "Please add me to the finance group.");
    assert_eq!(r.security, Some(SecurityRequest::AddToResource));
    let r = read("Info", "Who are the admins of our account?");
    assert_eq!(
        r.security,
        Some(SecurityRequest::DiscloseAccountInformation)
    );
    // Mentions are not requests.
    assert_eq!(
        category(
            "LDAP",
            "As an administrator I see bind fails with invalid password error 49"
        ),
        Category::Defect
    );
    assert_eq!(
        category("Oops", "I deleted a group by mistake and now sudo fails"),
        Category::Defect
    );
    // Password policy questions are how-to, not a password change.
    assert_eq!(
        category("Policy", "How do I set the password policy for my org?"),
        Category::HowTo
    );
}

#[test]
fn impact_follows_the_words() {
    let r = read("Outage", "LDAP is down, nobody can log in to anything.");
    assert_eq!(r.impact.effect, Effect::Blocked);
    assert!(r.impact.actively_used && !r.impact.workaround);
    let r = read(
        "Slow binds",
        "Binds are slow sometimes; we have a workaround by retrying.",
    );
    assert_eq!(r.impact.effect, Effect::Degraded);
    assert!(r.impact.workaround);
    let r = read("Pilot", "In our test lab, nobody can log in over LDAP.");
    assert_eq!(r.impact.effect, Effect::Blocked);
    assert!(!r.impact.actively_used);
    let r = read("Question", "How do I add a user?");
    assert_eq!(r.impact.effect, Effect::None);
}

#[test]
fn reading_never_panics_on_odd_text() {
    for s in [
        "",
        ":",
        "[",
        "]",
        "[[]]",
        "Category:",
        "ÄÖÜ ß",
        "\u{0}\u{1}",
    ] {
        let _ = read(s, s);
    }
}

#[test]
fn sections_come_from_headings_or_from_lines_that_read_like_them() {
    let (t, e) = sections(
        "LDAP binds fail.\n\nTroubleshooting:\nRestarted slapd proxy\nChecked the password\n\n\
         Error messages: ldap_bind: Invalid credentials (49)\n> quoted old mail: error 1\n",
    );
    assert_eq!(t, "Restarted slapd proxy\nChecked the password");
    assert_eq!(e, "ldap_bind: Invalid credentials (49)");
    let (t, e) = sections(
        "Since 9am the VPN refuses logins.\nWe restarted the concentrator, no change.\n\
         The log says: auth failed code=49\nThanks",
    );
    assert_eq!(t, "We restarted the concentrator, no change.");
    assert_eq!(
        e,
        "Since 9am the VPN refuses logins.\nThe log says: auth failed code=49"
    );
    assert_eq!(sections(""), (String::new(), String::new()));
}

/// Asking staff to add someone is a request they refuse; asking how to add someone is a
/// question they answer.
#[test]
fn asking_to_be_added_is_a_request_and_asking_how_is_a_question() {
    assert_eq!(
        security_request("Please add bob to the VPN group."),
        Some(SecurityRequest::AddToResource)
    );
    assert_eq!(
        security_request("Could you add Ann Lee into the wiki group"),
        Some(SecurityRequest::AddToResource)
    );
    assert_eq!(security_request("How do I add a user to a group?"), None);
    assert_eq!(security_request("How can we add users to the VPN?"), None);
}
