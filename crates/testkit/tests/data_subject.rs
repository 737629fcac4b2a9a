//! Data-subject rights through their doors, on both backends: the access report (GDPR Art.
//! 15/20) for the signed-in person and for their org's admins, in JSON and HTML, in the
//! portal, audited, and refused to everyone else.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use reqwest::Method;
use serde_json::{Value, json};
use skydir_testkit::{TestApp, each_backend_with};

const PW: &str = "correct horse battery staple";

/// Org `acme` with admin `dora`, user `ada` (with personal data) in group `eng`, which is in
/// group `staff`, which is granted the `wiki`; one sub-processor. Returns (dora, ada) tokens.
async fn directory(app: &TestApp) -> (String, String) {
    let ok = |s: u16, b: &Value| assert!((200..300).contains(&s), "{s} {b}");
    let dora = app
        .org_with_admin(
            "acme",
            json!({"name": "Acme Corp", "plan": "annual", "seats": 10}),
            "dora",
            PW,
        )
        .await
        .unwrap();
    let (s, b) = app
        .call(
            Method::POST,
            "/api/v1/orgs/acme/users",
            Some(&dora),
            Some(
                json!({"username": "ada", "email": "ada@acme.test", "password": PW,
                        "given_name": "Ada", "family_name": "Lovelace",
                        "phones": ["+44 20 7946 0000"], "custom": {"badge": "B-1815"}}),
            ),
        )
        .await
        .unwrap();
    ok(s, &b);
    for g in ["eng", "staff"] {
        let (s, b) = app
            .call(
                Method::POST,
                "/api/v1/orgs/acme/groups",
                Some(&dora),
                Some(json!({"name": g})),
            )
            .await
            .unwrap();
        ok(s, &b);
    }
    for path in [
        "/api/v1/orgs/acme/groups/eng/members/users/ada",
        "/api/v1/orgs/acme/groups/staff/members/groups/eng",
    ] {
        let (s, b) = app
            .call(Method::PUT, path, Some(&dora), None)
            .await
            .unwrap();
        ok(s, &b);
    }
    let (s, b) = app
        .call(
            Method::POST,
            "/api/v1/orgs/acme/resources",
            Some(&dora),
            Some(json!({"name": "wiki", "kind": "sso_app"})),
        )
        .await
        .unwrap();
    ok(s, &b);
    let (s, b) = app
        .call(
            Method::POST,
            "/api/v1/orgs/acme/bindings",
            Some(&dora),
            Some(json!({"resource": "wiki", "group": "staff"})),
        )
        .await
        .unwrap();
    ok(s, &b);
    let (s, b) = app
        .op(Method::POST, "/api/v1/privacy/subprocessors",
            Some(json!({"slug": "mailer", "name": "Postal Mail Co", "purpose": "Delivery of the service's email",
                        "data_categories": ["contact details"], "location": "EU (Dublin)",
                        "dpa_date": "2025-02-01"})))
        .await
        .unwrap();
    ok(s, &b);
    let ada = app.login("acme", "ada", PW).await.unwrap();
    (dora, ada)
}

fn data<'a>(report: &'a Value, key: &str) -> &'a Value {
    report["personal_data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["key"] == key)
        .unwrap_or_else(|| panic!("{key} missing from {report}"))
}

#[tokio::test]
async fn a_person_and_their_admin_get_everything_held_with_why_and_nobody_else_does() {
    each_backend_with(&[("SKYDIR_PROCESSING_LOCATION", "EU (Frankfurt)")], |app| async move {
        let (dora, ada) = directory(&app).await;

        // The person themself, signed in.
        let (s, r) = app.call(Method::GET, "/api/v1/me/data-export", Some(&ada), None).await.unwrap();
        assert_eq!(s, 200, "{r}");
        assert_eq!(r["format"], "skydir.access-report/1");
        assert_eq!(r["subject"]["username"], "ada");
        assert_eq!(r["subject"]["organization"], "Acme Corp");
        let email = data(&r, "user.email");
        assert_eq!(email["value"], "ada@acme.test");
        assert_eq!(email["category"], "contact details");
        assert!(email["legal_basis"].as_str().unwrap().contains("Art. 6(1)(b)"));
        assert!(email["retention"].as_str().unwrap().contains("while the account exists"));
        assert_eq!(email["encrypted_under_own_key"], true);
        assert_eq!(data(&r, "user.given_name")["value"], "Ada");
        assert_eq!(data(&r, "user.phones")["value"], json!(["+44 20 7946 0000"]));
        assert_eq!(data(&r, "user.custom")["value"], json!({"badge": "B-1815"}));
        assert_eq!(data(&r, "user.password")["value"], "set", "whether, never the hash");
        assert!(!r.to_string().contains("$argon2"), "no hash anywhere");
        assert_eq!(data(&r, "user.totp")["value"], "not enrolled");
        assert_eq!(r["memberships"]["admin"], false);
        assert_eq!(r["memberships"]["groups"], json!(["eng"]));
        assert_eq!(r["memberships"]["nested_groups"], json!(["staff"]));
        assert_eq!(
            r["memberships"]["access"],
            json!([{"resource": "wiki", "kind": "sso_app", "granted": "through group staff"}])
        );
        let activity = r["activity"].as_array().unwrap();
        assert!(
            activity.iter().any(|a| a["action"] == "user.create" && a["by"] == "an administrator of your organization"),
            "the admin who added ada: {activity:?}"
        );
        assert!(activity.iter().all(|a| !a.to_string().contains("admin:")), "others by kind only");
        assert_eq!(r["recipients"][0]["name"], "Postal Mail Co");
        assert_eq!(r["recipients"][0]["location"], "EU (Dublin)");
        let locations = r["locations"].as_array().unwrap();
        assert!(locations.contains(&json!("EU (Dublin)")));
        assert!(locations.contains(&json!("EU (Frankfurt) (the provider's own servers)")), "{locations:?}");
        let rights: Vec<&str> = r["rights"].as_array().unwrap().iter().map(|x| x["right"].as_str().unwrap()).collect();
        for right in ["access", "rectification", "erasure", "restriction of processing", "data portability", "objection", "complaint"] {
            assert!(rights.contains(&right), "{right} missing: {rights:?}");
        }
        let sections: Vec<&str> = r["other_records"].as_array().unwrap().iter().map(|x| x["key"].as_str().unwrap()).collect();
        assert_eq!(sections, ["user.memberships", "audit.events", "tickets.messages", "privacy.contracts"]);

        // Their admin gets the same report; the admin's own report lists the ticket they opened.
        let (s, by_admin) = app
            .call(Method::GET, "/api/v1/orgs/acme/users/ada/data-export", Some(&dora), None)
            .await
            .unwrap();
        assert_eq!(s, 200, "{by_admin}");
        assert_eq!(by_admin["personal_data"], r["personal_data"]);
        let (s, t) = app
            .call(Method::POST, "/api/v1/orgs/acme/tickets", Some(&dora),
                  Some(json!({"subject": "LDAP bind fails", "category": "how_to",
                              "description": "Which bind DN should our NAS use? We get error 49 from the NAS."})))
            .await
            .unwrap();
        assert_eq!(s, 201, "{t}");
        let (_, mine) = app.call(Method::GET, "/api/v1/me/data-export", Some(&dora), None).await.unwrap();
        assert_eq!(mine["memberships"]["admin"], true);
        // The first admin was created (and invited) by the provider's operator, who never
        // chose her password.
        let dora_activity = mine["activity"].as_array().unwrap();
        assert!(
            dora_activity.iter().any(|a| a["action"] == "user.create" && a["by"] == "the provider's operator"),
            "{dora_activity:?}"
        );
        assert!(dora_activity.iter().all(|a| !a.to_string().contains("operator:")), "others by kind only");
        let ticket = &mine["tickets"][0];
        assert_eq!(ticket["subject"], "LDAP bind fails");
        assert_eq!(ticket["role"], "requester");
        assert!(ticket["messages"][0]["body"].as_str().unwrap().contains("error 49"), "{ticket}");
        assert_eq!(r["tickets"], json!([]), "ada appears in no ticket");

        // Nobody else: not the provider's staff, not another user, not another org's admin.
        let (s, e) = app.op(Method::GET, "/api/v1/orgs/acme/users/ada/data-export", None).await.unwrap();
        assert_eq!(s, 403, "{e}");
        assert!(e["detail"].as_str().unwrap().contains("no access to customers' personal data"), "{e}");
        let (s, _) = app
            .call(Method::GET, "/api/v1/orgs/acme/users/dora/data-export", Some(&ada), None)
            .await
            .unwrap();
        assert_eq!(s, 403);
        let (s, _) = app.op(Method::GET, "/api/v1/me/data-export", None).await.unwrap();
        assert_eq!(s, 403, "the operator is no directory user");
        let (s, _) = app.call(Method::GET, "/api/v1/me/data-export", None, None).await.unwrap();
        assert_eq!(s, 401);
        let (s, e) = app
            .call(Method::GET, "/api/v1/me/data-export?format=xml", Some(&ada), None)
            .await
            .unwrap();
        assert_eq!(s, 400);
        assert!(e["detail"].as_str().unwrap().contains("json or html"), "{e}");

        // HTML, to read; never cached.
        let resp = app.req(Method::GET, "/api/v1/me/data-export?format=html", Some(&ada)).send().await.unwrap();
        assert_eq!(resp.status(), 200);
        assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
        assert_eq!(resp.headers()["cache-control"], "no-store");
        let html = resp.text().await.unwrap();
        for needle in ["Your data", "ada@acme.test", "Lovelace", "through group staff", "Postal Mail Co", "GDPR Art. 17", "EU (Frankfurt)"] {
            assert!(html.contains(needle), "{needle} missing from the HTML report");
        }

        // In the portal, for a user who is no admin: the page and the JSON download.
        let cookie = format!("{}={ada}", skydir_http::SESSION_COOKIE);
        let resp = app.req(Method::GET, "/portal/my-data", None).header("cookie", &cookie).send().await.unwrap();
        assert_eq!(resp.status(), 200);
        let html = resp.text().await.unwrap();
        assert!(html.contains("Download this report as JSON") && html.contains("B-1815"));
        let resp = app.req(Method::GET, "/portal/my-data.json", None).header("cookie", &cookie).send().await.unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.headers()["content-disposition"], "attachment; filename=\"access-report-ada.json\"");
        let file: Value = resp.json().await.unwrap();
        assert_eq!(file["subject"]["username"], "ada");
        let resp = app.req(Method::GET, "/portal/my-data", None).send().await.unwrap();
        assert_eq!(resp.url().path(), "/portal/login", "no session: to the login");

        // Every report is an audited read, and the audit names nobody in clear.
        let (_, events) = app.call(Method::GET, "/api/v1/orgs/acme/audit?limit=1000", Some(&dora), None).await.unwrap();
        let exports: Vec<&Value> = events.as_array().unwrap().iter().filter(|e| e["action"] == "user.data_export").collect();
        assert!(exports.iter().filter(|e| e["outcome"] == "success").count() >= 5, "{exports:?}");
        assert!(exports.iter().any(|e| e["outcome"] == "denied"), "refusals are recorded too");
        assert!(!events.to_string().contains("ada@acme.test"));
        app
    })
    .await;
}

/// "The customer and the data subject have complete control over this personal data and can
/// add, edit, or delete the personal data at any time": the person adds and deletes fields of
/// their own, their admin edits and deletes fields too — and the provider's staff can do none
/// of it.
#[tokio::test]
async fn the_person_and_their_admin_add_edit_and_delete_personal_data_at_any_time() {
    each_backend_with(&[], |app| async move {
        let (dora, ada) = directory(&app).await;
        let path = "/api/v1/orgs/acme/users/ada";
        let patch = |token: String, body: Value| {
            let app = &app;
            async move {
                let (s, b) = app
                    .call(Method::PATCH, path, Some(&token), Some(body))
                    .await
                    .unwrap();
                assert_eq!(s, 200, "{b}");
                b
            }
        };
        // The person adds an address and a custom attribute, and deletes her phone numbers.
        let b = patch(
            ada.clone(),
            json!({"addresses": [{"street": "12 St James's Square", "locality": "London",
                                  "country": "GB"}],
                   "custom": {"badge": "B-1815", "pronouns": "she/her"},
                   "phones": []}),
        )
        .await;
        assert_eq!(b["phones"], json!([]));
        assert_eq!(b["addresses"][0]["locality"], "London");
        assert_eq!(b["custom"]["pronouns"], "she/her");
        // Her admin edits a field (the family name) and deletes another (the address) and
        // one custom attribute.
        let b = patch(
            dora.clone(),
            json!({"family_name": "King", "addresses": [], "custom": {"pronouns": "she/her"}}),
        )
        .await;
        assert_eq!(b["family_name"], "King");
        assert_eq!(b["addresses"], json!([]));
        assert_eq!(b["custom"], json!({"pronouns": "she/her"}));
        // She deletes her family name altogether (null clears it).
        let b = patch(ada.clone(), json!({"family_name": null})).await;
        assert!(b.get("family_name").is_none_or(Value::is_null), "{b}");
        // What she reads back is what is held: nothing deleted lingers.
        let (s, me) = app.call(Method::GET, path, Some(&ada), None).await.unwrap();
        assert_eq!(s, 200);
        assert!(me.get("family_name").is_none_or(Value::is_null), "{me}");
        assert_eq!(me["phones"], json!([]));
        assert_eq!(me["addresses"], json!([]));
        assert_eq!(me["given_name"], "Ada");
        // Every change is in the org's audit log as a change of personal data, naming fields
        // only.
        let (_, audit) = app
            .call(
                Method::GET,
                "/api/v1/orgs/acme/audit?limit=200",
                Some(&dora),
                None,
            )
            .await
            .unwrap();
        let changes = audit
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "user.personal.update")
            .count();
        assert!(changes >= 3, "{audit}");
        assert!(!audit.to_string().contains("London"));
        // The provider's staff can neither add, edit nor delete any of it.
        let (s, _) = app
            .op(
                Method::PATCH,
                path,
                Some(json!({"phones": ["+1 555 0100"]})),
            )
            .await
            .unwrap();
        assert_eq!(s, 403);
        app
    })
    .await;
}
