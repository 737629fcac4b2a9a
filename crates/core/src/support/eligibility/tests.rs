//! Tests of the eligibility rules: the whole plan × category matrix, written by hand, and one
//! named test per line of the policy, quoting it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;

const SALES: &str = "sales@example.com";

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// Monday 2 March 2026, 16:00 UTC: the instant every test ticket is opened.
fn now() -> Timestamp {
    ts("2026-03-02T16:00:00Z")
}

fn plain() -> EligibilityContext<'static> {
    EligibilityContext {
        at: now(),
        critical_defect: false,
        english: true,
        sales_contact: SALES,
    }
}

fn critical() -> EligibilityContext<'static> {
    EligibilityContext {
        critical_defect: true,
        ..plain()
    }
}

fn foreign() -> EligibilityContext<'static> {
    EligibilityContext {
        english: false,
        ..plain()
    }
}

fn free() -> Plan {
    Plan::free()
}

fn monthly() -> Plan {
    Plan::new(PlanKind::Monthly, Some(10), None).unwrap()
}

fn annual() -> Plan {
    Plan::new(PlanKind::Annual, Some(100), None).unwrap()
}

fn trial() -> Plan {
    Plan::new(PlanKind::Jumpstart, None, Some(ts("2026-04-01T00:00:00Z"))).unwrap()
}

fn ended_trial() -> Plan {
    Plan::new(PlanKind::Jumpstart, None, Some(ts("2026-03-01T00:00:00Z"))).unwrap()
}

fn code(e: &Eligibility) -> char {
    match e {
        Eligibility::Covered {
            queue: Queue::Support,
        } => 'S',
        Eligibility::Covered {
            queue: Queue::DedicatedSpecialist,
        } => 'D',
        Eligibility::Covered {
            queue: Queue::CustomerSuccess,
        } => 'C',
        Eligibility::Covered {
            queue: Queue::Feedback,
        } => 'F',
        Eligibility::RoutedToSales { .. } => 'R',
        Eligibility::NotCovered { .. } => 'N',
    }
}

fn not_covered(e: Eligibility) -> (String, String) {
    match e {
        Eligibility::NotCovered { reason, remedy } => (reason, remedy),
        other => panic!("expected not covered, got {other:?}"),
    }
}

fn routed(e: Eligibility) -> String {
    match e {
        Eligibility::RoutedToSales { reason } => reason,
        other => panic!("expected routed to sales, got {other:?}"),
    }
}

/// Walks the whole plan × context × category matrix and compares with the table below. Each
/// row is written out by hand so that a change in policy shows up as a changed line here.
#[test]
fn the_whole_plan_category_matrix() {
    // Columns follow Category::ALL: defect, integration, how_to, onboarding, customization,
    // unsupported_integration, professional_services, end_user_support, account_security,
    // feedback.
    // S = covered (support queue), D = covered (dedicated specialist), F = feedback queue,
    // R = routed to sales (Customer Success), N = not covered.
    // Contexts: plain = English, not critical; critical = English, critical defect;
    // foreign = not English.
    let plans = [
        ("free", free()),
        ("monthly", monthly()),
        ("annual", annual()),
        ("jumpstart", trial()),
        ("trial_ended", ended_trial()),
    ];
    let contexts = [
        ("plain", plain()),
        ("critical", critical()),
        ("foreign", foreign()),
    ];
    let expected: [(&str, &str, &str); 15] = [
        ("free", "plain", "NSSNNNNNSF"),
        ("free", "critical", "SSSNNNNNSF"),
        ("free", "foreign", "NNNNNNNNSF"),
        ("monthly", "plain", "SSSRNNNNSF"),
        ("monthly", "critical", "SSSRNNNNSF"),
        ("monthly", "foreign", "NNNRNNNNSF"),
        ("annual", "plain", "SSSRNNNNSF"),
        ("annual", "critical", "SSSRNNNNSF"),
        ("annual", "foreign", "NNNRNNNNSF"),
        ("jumpstart", "plain", "DDDRNNNNDF"),
        ("jumpstart", "critical", "DDDRNNNNDF"),
        ("jumpstart", "foreign", "NNNRNNNNDF"),
        ("trial_ended", "plain", "NSSNNNNNSF"),
        ("trial_ended", "critical", "SSSNNNNNSF"),
        ("trial_ended", "foreign", "NNNNNNNNSF"),
    ];
    let mut rows = expected.iter();
    for (pname, plan) in &plans {
        for (cname, ctx) in &contexts {
            let (ep, ec, row) = rows.next().unwrap();
            assert_eq!((*pname, *cname), (*ep, *ec));
            let got: String = Category::ALL
                .iter()
                .map(|&c| code(&decide(plan, c, ctx)))
                .collect();
            assert_eq!(got, *row, "matrix row for {pname}/{cname}");
        }
    }
    assert!(rows.next().is_none());
}

/// Policy: "Paying Customers – Our customers who are currently engaged in month-to-month or
/// annual contract billing plans … receive the benefit of full support assistance."
#[test]
fn paying_customers_receive_full_support_assistance() {
    for plan in [monthly(), annual()] {
        for c in [Category::Defect, Category::Integration, Category::HowTo] {
            // Any defect, critical or not.
            assert_eq!(
                decide(&plan, c, &plain()),
                Eligibility::Covered {
                    queue: Queue::Support
                },
                "{:?} {c}",
                plan.kind
            );
        }
    }
}

/// Policy: "Free Account Customers – Support assistance, Knowledge Base access, and research
/// and analysis of critical defects that affect the customer base are all available to free
/// account customers."
#[test]
fn free_accounts_get_support_assistance_and_research_of_critical_defects() {
    let support = Eligibility::Covered {
        queue: Queue::Support,
    };
    // Support assistance: questions and integration help through supported protocols.
    assert_eq!(decide(&free(), Category::HowTo, &plain()), support);
    assert_eq!(decide(&free(), Category::Integration, &plain()), support);
    // Research and analysis of critical defects that affect the customer base.
    assert_eq!(decide(&free(), Category::Defect, &critical()), support);
    // Any other defect is answered with the Knowledge Base.
    let (reason, remedy) = not_covered(decide(&free(), Category::Defect, &plain()));
    assert!(
        reason.starts_with("On the free plan, support researches"),
        "{reason}"
    );
    assert!(
        reason.contains("critical or affect our customer base"),
        "{reason}"
    );
    assert!(remedy.contains("Knowledge Base"), "{remedy}");
    assert!(remedy.contains("reply and tell us so"), "{remedy}");
    assert!(remedy.contains("starting a JumpStart trial"), "{remedy}");
}

/// Policy: "JumpStart™ Program Participants – … a trial program … This program includes a
/// dedicated support specialist to assist you in setting up quickly."
#[test]
fn jumpstart_participants_get_a_dedicated_support_specialist_while_the_trial_runs() {
    let specialist = Eligibility::Covered {
        queue: Queue::DedicatedSpecialist,
    };
    for c in [
        Category::Defect,
        Category::Integration,
        Category::HowTo,
        Category::AccountSecurity,
    ] {
        assert_eq!(decide(&trial(), c, &plain()), specialist, "{c}");
    }
    // Set-up help beyond questions is Customer Success's, and the reason points back to the
    // specialist for set-up questions.
    let reason = routed(decide(&trial(), Category::Onboarding, &plain()));
    assert!(reason.contains("on the JumpStart trial"), "{reason}");
    assert!(reason.contains("dedicated support specialist"), "{reason}");
    // The trial ends at its end instant; from then on the org is supported as a free org.
    let at_end = EligibilityContext {
        at: ts("2026-04-01T00:00:00Z"),
        ..plain()
    };
    assert_eq!(
        decide(&trial(), Category::HowTo, &at_end),
        Eligibility::Covered {
            queue: Queue::Support
        }
    );
    let (reason, remedy) = not_covered(decide(&ended_trial(), Category::Defect, &plain()));
    assert!(
        reason.contains("your JumpStart trial has ended"),
        "{reason}"
    );
    assert!(!remedy.contains("starting a JumpStart trial"), "{remedy}");
    assert!(remedy.contains("monthly or annual plan"), "{remedy}");
}

/// Policy: "Support Includes: Product defect and issue triaging, analysis and resolution".
#[test]
fn support_includes_defect_triage_analysis_and_resolution() {
    for plan in [monthly(), annual(), trial()] {
        assert!(matches!(
            decide(&plan, Category::Defect, &plain()),
            Eligibility::Covered { .. }
        ));
    }
    assert!(matches!(
        decide(&free(), Category::Defect, &critical()),
        Eligibility::Covered { .. }
    ));
}

/// Policy: "Support Includes: Product integration assistance with resources through
/// [our]-supported protocols"; "Support Does Not Include: Resource integration assistance
/// through unsupported protocols, equipment, or software".
#[test]
fn integration_help_is_included_through_supported_protocols_only() {
    for plan in [free(), monthly(), annual(), trial(), ended_trial()] {
        assert!(matches!(
            decide(&plan, Category::Integration, &plain()),
            Eligibility::Covered { .. }
        ));
        let (reason, remedy) =
            not_covered(decide(&plan, Category::UnsupportedIntegration, &critical()));
        assert!(
            reason.contains("protocols, equipment or software we do not support"),
            "{reason}"
        );
        assert!(remedy.contains("supported protocols"), "{remedy}");
    }
}

/// Policy: "Product training, implementation, and migration assistance services can also be
/// provided by our Customer Success team. To learn more please contact us at sales@…".
#[test]
fn training_implementation_and_migration_go_to_customer_success_through_sales() {
    for (plan, name) in [
        (monthly(), "the monthly plan"),
        (annual(), "the annual plan"),
        (trial(), "the JumpStart trial"),
    ] {
        let e = decide(&plan, Category::Onboarding, &plain());
        assert_eq!(e.queue(), Some(Queue::CustomerSuccess));
        let reason = routed(e);
        assert!(reason.contains(name), "{reason}");
        assert!(reason.contains("Customer Success team"), "{reason}");
        assert!(
            reason.contains("To learn more, please contact us at sales@example.com."),
            "{reason}"
        );
    }
}

/// Policy: "Support Does Not Include: Product on-boarding, training, or migration planning for
/// free accounts".
#[test]
fn free_accounts_get_no_onboarding_training_or_migration_planning() {
    for plan in [free(), ended_trial()] {
        let (reason, remedy) = not_covered(decide(&plan, Category::Onboarding, &critical()));
        assert!(
            reason.starts_with("Product on-boarding, training and migration planning are not"),
            "{reason}"
        );
        assert!(reason.contains("the free plan"), "{reason}");
        assert!(remedy.contains("Knowledge Base"), "{remedy}");
        assert!(remedy.contains(SALES), "{remedy}");
    }
}

/// Policy: "Support Does Not Include: End-user support".
#[test]
fn end_user_support_goes_through_the_organizations_admin() {
    for plan in [free(), monthly(), annual(), trial()] {
        let (reason, remedy) = not_covered(decide(&plan, Category::EndUserSupport, &plain()));
        assert!(
            reason.contains("administrators, not to its end users"),
            "{reason}"
        );
        assert!(
            remedy.starts_with("End-user support goes through your organization's admin"),
            "{remedy}"
        );
    }
}

/// Policy: "Support Does Not Include: Product customizations".
#[test]
fn product_customizations_are_not_included() {
    for plan in [free(), monthly(), annual(), trial()] {
        let (reason, remedy) = not_covered(decide(&plan, Category::Customization, &plain()));
        assert!(
            reason.starts_with("Product customizations are not included"),
            "{reason}"
        );
        assert!(remedy.contains("feedback"), "{remedy}");
    }
}

/// Policy: "Support Does Not Include: Professional services or product implementation".
#[test]
fn professional_services_and_product_implementation_are_not_included() {
    for plan in [free(), monthly(), annual(), trial()] {
        let (reason, remedy) = not_covered(decide(&plan, Category::ProfessionalServices, &plain()));
        assert!(
            reason.starts_with("Professional services and product implementation are not"),
            "{reason}"
        );
        assert!(remedy.contains(SALES), "{remedy}");
    }
}

/// Policy: "Support Does Not Include: Support communication in languages other than
/// English".
#[test]
fn support_is_given_in_english_only() {
    for plan in [free(), monthly(), annual(), trial(), ended_trial()] {
        for c in [Category::Defect, Category::Integration, Category::HowTo] {
            let (reason, remedy) = not_covered(decide(&plan, c, &foreign()));
            assert!(reason.ends_with("is provided in English only."), "{reason}");
            assert_eq!(
                remedy,
                "Please write to us again in English and we will be glad to help."
            );
        }
        // A critical defect in another language is still asked to be written in English.
        assert!(matches!(
            decide(
                &plan,
                Category::Defect,
                &EligibilityContext {
                    critical_defect: true,
                    ..foreign()
                }
            ),
            Eligibility::NotCovered { .. }
        ));
    }
}

/// Policy (security): account-security requests are handled by the verification flow — so the
/// desk accepts every one, on every plan and in any language, rather than refusing it.
#[test]
fn account_security_requests_are_always_accepted_for_verification() {
    for plan in [free(), monthly(), annual(), trial(), ended_trial()] {
        for ctx in [plain(), critical(), foreign()] {
            assert!(matches!(
                decide(&plan, Category::AccountSecurity, &ctx),
                Eligibility::Covered {
                    queue: Queue::Support | Queue::DedicatedSpecialist
                }
            ));
        }
    }
}

#[test]
fn feedback_always_goes_to_the_feedback_queue() {
    for plan in [free(), monthly(), annual(), trial(), ended_trial()] {
        for ctx in [plain(), critical(), foreign()] {
            assert_eq!(
                decide(&plan, Category::Feedback, &ctx),
                Eligibility::Covered {
                    queue: Queue::Feedback
                }
            );
        }
    }
}

/// Every refusal and every routing is a customer-facing English sentence naming the plan,
/// with a remedy.
#[test]
fn every_reason_names_the_plan_and_says_what_to_do_instead() {
    let plans = [
        (free(), "the free plan"),
        (monthly(), "the monthly plan"),
        (annual(), "the annual plan"),
        (trial(), "the JumpStart trial"),
        (
            ended_trial(),
            "the free plan (your JumpStart trial has ended)",
        ),
    ];
    for (plan, name) in &plans {
        for ctx in [plain(), critical(), foreign()] {
            for c in Category::ALL {
                match decide(plan, c, &ctx) {
                    Eligibility::Covered { .. } => {}
                    Eligibility::RoutedToSales { reason } => {
                        assert!(reason.contains(name) && reason.contains(SALES), "{reason}");
                        assert!(reason.ends_with('.'), "{reason}");
                    }
                    Eligibility::NotCovered { reason, remedy } => {
                        assert!(reason.contains(name), "{c}: {reason}");
                        assert!(reason.ends_with('.') && remedy.ends_with('.'), "{c}");
                        assert!(remedy.len() > 20, "{c}: {remedy}");
                        assert!(
                            !reason.contains("  ") && !remedy.contains("  "),
                            "{reason} / {remedy}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn outcomes_have_a_tagged_serde_form() {
    let json = serde_json::to_value(decide(&trial(), Category::HowTo, &plain())).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"outcome": "covered", "queue": "dedicated_specialist"})
    );
    let json = serde_json::to_value(decide(&monthly(), Category::Onboarding, &plain())).unwrap();
    assert_eq!(json["outcome"], "routed_to_sales");
    let e = decide(&free(), Category::Customization, &plain());
    let json = serde_json::to_value(&e).unwrap();
    assert_eq!(json["outcome"], "not_covered");
    assert_eq!(serde_json::from_value::<Eligibility>(json).unwrap(), e);
    assert_eq!(e.queue(), None);
}
