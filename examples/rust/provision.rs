//! The main example: provision users and groups to a SCIM 2.0 server, then read, filter,
//! change and remove them, the way an identity provider's connector does.
//!
//! Run: `cargo run -p scim-examples --example provision`
//!
//! With no `SCIM_URL` it starts the project's in-process test server (scim-testkit) and
//! needs nothing else. With `SCIM_URL` (and `SCIM_TOKEN` for a bearer token) it works
//! against that server instead; every resource it creates carries a run-unique prefix and
//! is deleted at the end. `SCIM_EXAMPLE_USERS` sets how many users (default 300).

use std::time::Instant;

use futures::{stream, StreamExt, TryStreamExt};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use scim_core::client::Client;
use scim_core::filter::Filter;
use scim_core::patch::{self, DiffOptions};
use scim_core::resource::{Email, Member, Name};
use scim_core::{Group, ScimObject, User};
use scim_testkit::{Config, TestServer};

/// How many requests are in flight at once while provisioning.
const CONCURRENCY: usize = 16;
/// How many groups the users are spread over.
const GROUPS: usize = 5;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let user_count: usize = match std::env::var("SCIM_EXAMPLE_USERS") {
        Ok(n) => n.parse()?,
        Err(_) => 300,
    };

    // 1. Connect: to SCIM_URL, or to a fresh in-process test server.
    let (server, url) = match std::env::var("SCIM_URL") {
        Ok(url) => (None, url),
        Err(_) => {
            let server = TestServer::start(Config::default()).await?;
            let url = server.url().to_owned();
            (Some(server), url)
        }
    };
    let mut builder = Client::builder(&url).user_agent("scim-example/provision");
    if let Ok(token) = std::env::var("SCIM_TOKEN") {
        builder = builder.bearer_token(token);
    }
    let client = builder.build()?;
    let started = Instant::now();

    // 2. Discover what the server supports; the client negotiates from it from now on.
    let config = client.service_provider_config().await?;
    let types = client.resource_types().await?;
    let registry = client.schema_registry().await?;
    println!("server      {url}");
    println!(
        "supports    patch={} bulk={} filter={} sort={} etag={}; resource types: {}",
        config.patch_supported(),
        config.bulk_supported(),
        config.filter_supported(),
        config.sort_supported(),
        config.etag_supported(),
        types
            .iter()
            .filter_map(|t| t.name.as_deref())
            .collect::<Vec<_>>()
            .join(", ")
    );

    // 3. Provision users, CONCURRENCY at a time, with a progress bar on stderr (hidden
    //    when stderr is not a terminal).
    let prefix = format!(
        "example-{}-{}-",
        std::process::id(),
        started.elapsed().as_nanos() % 1_000_000
    );
    let bar = progress(user_count as u64, "users");
    let users: Vec<User> = stream::iter(0..user_count)
        .map(|i| {
            let client = &client;
            let user = new_user(&prefix, i);
            async move { client.users().create(&user).await }
        })
        .buffer_unordered(CONCURRENCY)
        .inspect(|_| bar.inc(1))
        .try_collect()
        .await?;
    bar.finish_and_clear();

    // 4. Groups, each with a share of the users as members.
    let mut groups = Vec::new();
    for g in 0..GROUPS {
        let mut group = Group::new(format!("{prefix}group-{g}"));
        group.members = Some(
            users
                .iter()
                .skip(g)
                .step_by(GROUPS)
                .filter_map(|u| u.id.as_deref().map(Member::user))
                .collect(),
        );
        groups.push(client.groups().create(&group).await?);
    }

    // 5. List and filter. Builder filters escape their values: a hostile userName could
    //    never change the filter's structure.
    let mine = Filter::sw("userName", prefix.as_str())?;
    let first_page = client
        .users()
        .list()
        .filter(mine.clone())
        .count(10)
        .send()
        .await?;
    let inactive = client
        .users()
        .list()
        .filter(mine.clone() & Filter::eq("active", false)?)
        .count(1)
        .send()
        .await?;
    let work_mail = Filter::parse(&format!(
        r#"userName sw {} and emails[type eq "work" and value ew "@example.com"]"#,
        serde_json::Value::from(prefix.as_str())
    ))?;
    let with_work_mail = client
        .users()
        .list()
        .filter(work_mail)
        .count(1)
        .send()
        .await?;

    // 6. Change some users with a PATCH computed by diff: only what changed is sent.
    let to_change = users.len().min(20);
    let mut patch_operations = 0;
    let users_endpoint = client.users();
    for user in &users[..to_change] {
        let id = user
            .id
            .as_deref()
            .ok_or("the server returned a user without id")?;
        let old = client.users().get(id).send().await?;
        let mut new = old.clone();
        new.title = Some("Tour Guide".into());
        new.active = Some(true);
        if let Some(emails) = new.emails.as_mut() {
            emails.push(Email::new(format!("{id}@home.example.org")).with_type("home"));
        }
        let ops = patch::diff(
            &old.to_resource(),
            &new.to_resource(),
            &registry,
            &DiffOptions::default(),
        );
        patch_operations += ops.operations.len();
        let mut request = users_endpoint.patch(id, ops);
        if let Some(version) = old.to_resource().version() {
            request = request.if_match(version);
        }
        request.send().await?;
    }

    // One member more in the first group: diff sends one small `add`, not the whole list.
    let group = &groups[0];
    let group_id = group
        .id
        .as_deref()
        .ok_or("the server returned a group without id")?;
    let old_group = client.groups().get(group_id).send().await?;
    let mut new_group = old_group.clone();
    let newcomer = users[1].id.clone().ok_or("user without id")?;
    new_group
        .members
        .get_or_insert_with(Vec::new)
        .push(Member::user(&newcomer));
    let group_ops = patch::diff(
        &old_group.to_resource(),
        &new_group.to_resource(),
        &registry,
        &DiffOptions::default(),
    );
    let group_op_count = group_ops.operations.len();
    client.groups().patch(group_id, group_ops).send().await?;

    // 7. Read every user back through the iterator: one page in memory at a time.
    let bar = progress(user_count as u64, "read back");
    let mut read_back = 0usize;
    let mut titled = 0usize;
    let mut all = client.users().iter().filter(mine.clone()).count(100);
    while let Some(user) = all.try_next().await? {
        read_back += 1;
        titled += usize::from(user.title.as_deref() == Some("Tour Guide"));
        bar.inc(1);
    }
    bar.finish_and_clear();

    // 8. Clean up everything this run created.
    for group in &groups {
        if let Some(id) = group.id.as_deref() {
            client.groups().delete(id).send().await?;
        }
    }
    stream::iter(users.iter().filter_map(|u| u.id.clone()))
        .map(|id| {
            let client = &client;
            async move { client.users().delete(&id).send().await }
        })
        .buffer_unordered(CONCURRENCY)
        .try_collect::<Vec<()>>()
        .await?;
    let left = client.users().list().filter(mine).count(1).send().await?;

    println!(
        "provisioned {} users and {} groups",
        users.len(),
        groups.len()
    );
    println!(
        "filtered    {} users match the run prefix (first page: {}), {} inactive, {} with a work mail",
        first_page.total_results.unwrap_or(first_page.resources.len() as u64),
        first_page.resources.len(),
        inactive.total_results.unwrap_or(0),
        with_work_mail.total_results.unwrap_or(0)
    );
    println!(
        "patched     {to_change} users with {patch_operations} diff operations; 1 new group member in {group_op_count} operation"
    );
    println!("read back   {read_back} users through the iterator ({titled} with the new title)");
    println!(
        "cleaned up  {} users left; {:.2?} in all",
        left.total_results.unwrap_or(left.resources.len() as u64),
        started.elapsed()
    );
    if let Some(server) = server {
        server.shutdown().await;
    }
    Ok(())
}

/// The `i`-th user of this run: every fifth one inactive, each with a work email.
fn new_user(prefix: &str, i: usize) -> User {
    let mut user = User::new(format!("{prefix}{i:04}"));
    user.name = Some(Name {
        given_name: Some(format!("Given{i}")),
        family_name: Some(format!("Family{i}")),
        ..Name::default()
    });
    user.display_name = Some(format!("Given{i} Family{i}"));
    user.active = Some(!i.is_multiple_of(5));
    user.emails = Some(vec![
        Email::new(format!("{prefix}{i:04}@example.com")).with_type("work")
    ]);
    user
}

/// A progress bar on stderr that stays hidden when stderr is not a terminal.
fn progress(len: u64, what: &'static str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} {per_sec}")
            .map(|s| s.progress_chars("=> "))
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(what);
    bar
}
