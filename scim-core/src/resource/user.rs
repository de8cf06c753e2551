//! The User resource of RFC 7643 §4.1 and its complex and multi-valued attributes.

use std::fmt;

use serde_json::Value;

use super::codec::{scim_struct, Lenient, Present};
use super::{EnterpriseUser, Member, Meta, Resource, ScimObject};
use crate::error::Result;
use crate::urn;

scim_struct! {
    /// A User (RFC 7643 §4.1), with typed access to the enterprise extension (§4.3).
    ///
    /// Every attribute is optional here: a server's response may omit any of them
    /// (`attributes=`/`excludedAttributes=`), and a client builds partial users for PATCH
    /// and search. Extension objects other than the enterprise one, and any attribute this
    /// struct does not model, stay in [`User::extra`] keyed as sent.
    ///
    /// ```
    /// use scim_core::{resource::{Email, Name}, ScimObject, User};
    /// let mut user = User::new("bjensen");
    /// user.name = Some(Name { given_name: Some("Barbara".into()), ..Name::default() });
    /// user.emails = Some(vec![Email::new("bjensen@example.com").with_type("work")]);
    /// user.enterprise_mut().employee_number = Some("701984".into());
    /// let json = user.to_resource().to_json();
    /// assert!(json.contains(r#""urn:ietf:params:scim:schemas:extension:enterprise:2.0:User""#));
    /// ```
    pub struct User [schemas = urn::USER] {
        /// `schemas`: the core User URN and the URNs of the extensions present.
        schemas: Vec<String> = "schemas", codec = crate::resource::codec::Schemas;
        /// `id`: the server-assigned identifier (readOnly).
        id: Option<String> = "id";
        /// `externalId`: the client's identifier for the user.
        external_id: Option<String> = "externalId";
        /// `userName`: the unique login name (REQUIRED on create).
        user_name: Option<String> = "userName";
        /// `name`: the components of the user's name.
        name: Option<Name> = "name";
        /// `displayName`: the name to show.
        display_name: Option<String> = "displayName";
        /// `nickName`: the casual name.
        nick_name: Option<String> = "nickName";
        /// `profileUrl`: a URI of the user's online profile.
        profile_url: Option<String> = "profileUrl";
        /// `emails`.
        emails: Option<Vec<Email>> = "emails";
        /// `addresses`.
        addresses: Option<Vec<Address>> = "addresses";
        /// `phoneNumbers`.
        phone_numbers: Option<Vec<PhoneNumber>> = "phoneNumbers";
        /// `ims`: instant messaging addresses.
        ims: Option<Vec<Im>> = "ims";
        /// `photos`: URIs of images of the user.
        photos: Option<Vec<Photo>> = "photos";
        /// `userType`, e.g. "Employee".
        user_type: Option<String> = "userType";
        /// `title`, e.g. "Vice President".
        title: Option<String> = "title";
        /// `preferredLanguage` (an `Accept-Language` value, e.g. "en-US").
        preferred_language: Option<String> = "preferredLanguage";
        /// `locale`, e.g. "en-US".
        locale: Option<String> = "locale";
        /// `timezone` (IANA name, e.g. "America/Los_Angeles").
        timezone: Option<String> = "timezone";
        /// `active`: the administrative status.
        active: Option<bool> = "active";
        /// `password` (writeOnly); redacted in `Debug`.
        password: Option<Password> = "password";
        /// `groups`: the groups the user belongs to (readOnly; changed through Group).
        groups: Option<Vec<GroupRef>> = "groups";
        /// `x509Certificates`.
        x509_certificates: Option<Vec<X509Certificate>> = "x509Certificates";
        /// `entitlements`.
        entitlements: Option<Vec<Entitlement>> = "entitlements";
        /// `roles`.
        roles: Option<Vec<Role>> = "roles";
        /// The enterprise extension object (RFC 7643 §4.3), keyed by
        /// `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`.
        enterprise: Option<EnterpriseUser> = urn::ENTERPRISE_USER;
        /// `meta` (readOnly).
        meta: Option<Meta> = "meta";
    }
}

impl User {
    /// A user with `schemas` set to the core User URN and the given `userName`.
    pub fn new(user_name: impl Into<String>) -> Self {
        User {
            schemas: vec![urn::USER.to_owned()],
            user_name: Some(user_name.into()),
            ..User::default()
        }
    }

    /// The enterprise extension, when present.
    pub fn enterprise(&self) -> Option<&EnterpriseUser> {
        self.enterprise.as_ref()
    }

    /// The enterprise extension, created empty if absent; its URN is added to `schemas`
    /// (RFC 7643 §3: extension URNs are listed in `schemas`).
    pub fn enterprise_mut(&mut self) -> &mut EnterpriseUser {
        if !self
            .schemas
            .iter()
            .any(|s| s.eq_ignore_ascii_case(urn::ENTERPRISE_USER))
        {
            if self.schemas.is_empty() {
                self.schemas.push(urn::USER.to_owned());
            }
            self.schemas.push(urn::ENTERPRISE_USER.to_owned());
        }
        self.enterprise.get_or_insert_with(EnterpriseUser::default)
    }

    /// The primary email's value, or the first email's when none is marked primary.
    pub fn primary_email(&self) -> Option<&str> {
        let emails = self.emails.as_deref()?;
        emails
            .iter()
            .find(|e| e.primary == Some(true))
            .or_else(|| emails.first())?
            .value
            .as_deref()
    }

    /// True when `schemas` is empty or lists the enterprise URN (nothing to complete).
    fn lists_enterprise(&self) -> bool {
        self.schemas.is_empty()
            || self
                .schemas
                .iter()
                .any(|s| s.eq_ignore_ascii_case(urn::ENTERPRISE_USER))
    }

    /// Adds the enterprise URN to a non-empty `schemas` when the extension is set but not
    /// listed (RFC 7643 §3: "schemas ... Each String value must be a unique URI. All
    /// representations of SCIM schemas MUST include a non-empty array with value(s) of the
    /// URIs supported by that representation.").
    fn complete_schemas(map: &mut serde_json::Map<String, Value>, has_enterprise: bool) {
        let Some(Value::Array(list)) = map.get_mut("schemas") else {
            return;
        };
        let listed = |u: &str| {
            list.iter()
                .any(|s| s.as_str().is_some_and(|s| s.eq_ignore_ascii_case(u)))
        };
        if has_enterprise && !listed(urn::ENTERPRISE_USER) {
            list.push(Value::String(urn::ENTERPRISE_USER.to_owned()));
        }
    }
}

impl ScimObject for User {
    const SCHEMA: Option<&'static str> = Some(urn::USER);

    fn from_resource(resource: Resource) -> Result<Self> {
        User::from_value(resource.into_value())
    }

    fn to_resource(&self) -> Resource {
        let mut map = self.to_map();
        User::complete_schemas(&mut map, self.enterprise.is_some());
        Resource::from(map)
    }

    fn from_json(json: &str) -> Result<Self> {
        User::from_json(json)
    }

    fn to_json(&self) -> String {
        if self.enterprise.is_some() && !self.lists_enterprise() {
            return self.to_resource().to_json();
        }
        User::to_json(self)
    }
}

impl TryFrom<Resource> for User {
    type Error = crate::Error;
    fn try_from(resource: Resource) -> Result<Self> {
        User::from_resource(resource)
    }
}

impl From<User> for Resource {
    fn from(user: User) -> Self {
        user.to_resource()
    }
}

scim_struct! {
    /// The components of a user's name (RFC 7643 §4.1.1 `name`).
    pub struct Name {
        /// `formatted`: the full name, formatted for display.
        formatted: Option<String> = "formatted";
        /// `familyName`.
        family_name: Option<String> = "familyName";
        /// `givenName`.
        given_name: Option<String> = "givenName";
        /// `middleName`.
        middle_name: Option<String> = "middleName";
        /// `honorificPrefix`, e.g. "Ms.".
        honorific_prefix: Option<String> = "honorificPrefix";
        /// `honorificSuffix`, e.g. "III".
        honorific_suffix: Option<String> = "honorificSuffix";
    }
}

scim_struct! {
    /// One value of a multi-valued attribute with the standard sub-attributes of RFC 7643
    /// §2.4 (`value`, `display`, `type`, `primary`): emails, phoneNumbers, ims, photos,
    /// entitlements, roles and x509Certificates share this shape.
    pub struct MultiValue {
        /// `value`: the attribute's significant value (an address, a number, a URI,
        /// base64 DER for a certificate).
        value: Option<String> = "value";
        /// `display`: a human-readable name (readOnly).
        display: Option<String> = "display";
        /// `type`: a label such as "work" or "home" (canonical values vary by attribute).
        type_: Option<String> = "type";
        /// `primary`: true for at most one value, the preferred one.
        primary: Option<bool> = "primary";
    }
}

impl MultiValue {
    /// A value with only `value` set.
    pub fn new(value: impl Into<String>) -> Self {
        MultiValue {
            value: Some(value.into()),
            ..MultiValue::default()
        }
    }

    /// Sets `type`.
    pub fn with_type(mut self, type_: impl Into<String>) -> Self {
        self.type_ = Some(type_.into());
        self
    }

    /// Sets `primary: true`.
    pub fn primary(mut self) -> Self {
        self.primary = Some(true);
        self
    }
}

/// An email address (RFC 7643 §4.1.2 `emails`; canonical types "work", "home", "other").
pub type Email = MultiValue;
/// A phone number (RFC 7643 §4.1.2 `phoneNumbers`; value per RFC 3966 `tel:` when possible).
pub type PhoneNumber = MultiValue;
/// An instant messaging address (RFC 7643 §4.1.2 `ims`).
pub type Im = MultiValue;
/// A URI of an image of the user (RFC 7643 §4.1.2 `photos`; types "photo", "thumbnail").
pub type Photo = MultiValue;
/// An entitlement (RFC 7643 §4.1.2 `entitlements`).
pub type Entitlement = MultiValue;
/// A role (RFC 7643 §4.1.2 `roles`).
pub type Role = MultiValue;
/// A certificate, base64 DER in `value` (RFC 7643 §4.1.2 `x509Certificates`).
pub type X509Certificate = MultiValue;
/// A group the user belongs to (RFC 7643 §4.1.2 `groups`): `value` is the group's `id`,
/// `$ref` its URI, `type` "direct" or "indirect". Same shape as a group's [`Member`].
pub type GroupRef = Member;

scim_struct! {
    /// A physical mailing address (RFC 7643 §4.1.2 `addresses`).
    pub struct Address {
        /// `formatted`: the full address, for display (may contain newlines).
        formatted: Option<String> = "formatted";
        /// `streetAddress`.
        street_address: Option<String> = "streetAddress";
        /// `locality`: the city.
        locality: Option<String> = "locality";
        /// `region`: the state or region.
        region: Option<String> = "region";
        /// `postalCode`.
        postal_code: Option<String> = "postalCode";
        /// `country`: ISO 3166-1 alpha-2 code, e.g. "US".
        country: Option<String> = "country";
        /// `type`: "work", "home" or "other".
        type_: Option<String> = "type";
        /// `primary`.
        primary: Option<bool> = "primary";
    }
}

/// A password (RFC 7643 §4.1.1, writeOnly): a string whose `Debug` output is redacted so
/// that logging a [`User`] never leaks it.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// The clear-text password.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

impl From<String> for Password {
    fn from(s: String) -> Self {
        Password(s)
    }
}

impl From<&str> for Password {
    fn from(s: &str) -> Self {
        Password(s.to_owned())
    }
}

impl Lenient for Password {
    fn deserialize_lenient<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize_lenient(d).map(Password)
    }
}

impl serde::Serialize for Password {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl Present for Password {}
