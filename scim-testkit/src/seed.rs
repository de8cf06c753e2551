//! Seed data: deterministic users and groups created at start, through the same code as
//! POST requests.
//!
//! User `i` (1-based) has `userName` `user000001`..., a `name`, `displayName`, a work
//! email `user000001@example.com`, `active: true` for odd `i`, and the enterprise
//! extension (`employeeNumber`, `department` `dept-<i % 10>`) for even `i`. Group `j`
//! (`group0001`, ...) lists the users `i` with `i % groups == j - 1`.

use scim_core::{urn, Error};
use serde_json::{json, Value};

use crate::service::Shared;
use crate::store::Kind;

/// The seeded user number `i` (1-based), as sent in a POST.
pub fn user(i: usize) -> Value {
    let name = format!("user{i:06}");
    let mut u = json!({
        "schemas": [urn::USER],
        "userName": name,
        "name": {"givenName": format!("Given{i}"), "familyName": format!("Family{i}")},
        "displayName": format!("Given{i} Family{i}"),
        "emails": [{"value": format!("{name}@example.com"), "type": "work", "primary": true}],
        "active": i % 2 == 1,
    });
    if i % 2 == 0 {
        u["schemas"] = json!([urn::USER, urn::ENTERPRISE_USER]);
        u[urn::ENTERPRISE_USER] =
            json!({"employeeNumber": i.to_string(), "department": format!("dept-{}", i % 10)});
    }
    u
}

fn create(shared: &Shared, kind: Kind, body: Value) -> scim_core::Result<String> {
    shared
        .create_direct(kind, body)
        .map_err(|e| Error::InvalidInput(format!("seeding a {} failed: {}", kind.name(), e.detail)))
}

/// Creates `users` users and `groups` groups.
pub(crate) fn seed(shared: &Shared, users: usize, groups: usize) -> scim_core::Result<()> {
    let mut ids = Vec::with_capacity(users);
    for i in 1..=users {
        ids.push(create(shared, Kind::User, user(i))?);
    }
    for j in 0..groups {
        let members: Vec<Value> = ids
            .iter()
            .enumerate()
            .filter(|(i, _)| i % groups == j)
            .map(|(_, id)| json!({"value": id}))
            .collect();
        let body = json!({"schemas": [urn::GROUP], "displayName": format!("group{:04}", j + 1), "members": members});
        create(shared, Kind::Group, body)?;
    }
    Ok(())
}
