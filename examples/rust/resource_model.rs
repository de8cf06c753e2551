//! Reads a SCIM user, looks attributes up case-insensitively and writes it back unchanged.
//!
//! Run: `cargo run -p scim-examples --example resource_model`

use scim_core::{urn, Resource};

fn main() -> Result<(), scim_core::Error> {
    let user = Resource::from_json(
        r#"{
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
            "id": "2819c223-7f76-453a-919d-413861904646",
            "userName": "bjensen@example.com",
            "name": {"givenName": "Barbara", "familyName": "Jensen"},
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
                "manager": {"value": "26118915-6090-4610-87e4-49d8ca9f808d"}
            },
            "meta": {"version": "W/\"3694e05e9dff591\""},
            "x-vendor-field": [1, 2, 3]
        }"#,
    )?;
    println!("userName  = {}", user.get("USERNAME").unwrap_or_default());
    println!(
        "givenName = {}",
        user.get_path("name.givenname").unwrap_or_default()
    );
    let manager = format!("{}:manager.value", urn::ENTERPRISE_USER);
    println!(
        "manager   = {}",
        user.get_path(&manager).unwrap_or_default()
    );
    println!(
        "version   = {}",
        user.version().map(|v| v.to_string()).unwrap_or_default()
    );
    println!(
        "unchanged = {}",
        user.to_json().contains(r#""x-vendor-field":[1,2,3]"#)
    );
    Ok(())
}
