//! The enterprise User extension of RFC 7643 §4.3.

use super::codec::scim_struct;

scim_struct! {
    /// The enterprise User extension (RFC 7643 §4.3), the object keyed by
    /// `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User` in a User.
    ///
    /// It is not a resource of its own, so it has no `ScimObject` impl: reach it through
    /// [`User::enterprise`](super::User::enterprise), or decode the extension object with
    /// [`EnterpriseUser::from_value`].
    pub struct EnterpriseUser {
        /// `employeeNumber`.
        employee_number: Option<String> = "employeeNumber";
        /// `costCenter`.
        cost_center: Option<String> = "costCenter";
        /// `organization`.
        organization: Option<String> = "organization";
        /// `division`.
        division: Option<String> = "division";
        /// `department`.
        department: Option<String> = "department";
        /// `manager`: the user's manager.
        manager: Option<Manager> = "manager";
    }
}

scim_struct! {
    /// The `manager` of an [`EnterpriseUser`] (RFC 7643 §4.3).
    pub struct Manager {
        /// `value`: the manager's `id`.
        value: Option<String> = "value";
        /// `$ref`: the URI of the manager's User resource.
        ref_: Option<String> = "$ref";
        /// `displayName`: the manager's display name (readOnly).
        display_name: Option<String> = "displayName";
    }
}
