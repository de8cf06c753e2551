//! The client's provisioning flow (CRUD, filters, pagination, PATCH with value paths,
//! ETags with a stale-version 412, bulk with bulkId references, groups with members),
//! run against scim-testkit as it runs against scim2-server.

#[path = "../../../scim-core/tests/it/client_flow.rs"]
#[allow(dead_code)]
mod client_flow;

use scim_testkit::{Capabilities, Config, TestServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn testkit_provisioning_flow() {
    let server = TestServer::start(Config {
        token: Some("flow-token".into()),
        capabilities: Capabilities {
            default_page_size: 5,
            ..Capabilities::default()
        },
        ..Config::default()
    })
    .await
    .unwrap();
    let report = client_flow::provisioning_flow(server.url(), Some("flow-token"))
        .await
        .unwrap();
    assert_eq!(report.users, 23);
    assert!(report.pages_walked >= 5, "{report:?}");
    assert!(report.etag_checked && report.bulk_checked, "{report:?}");
    assert_eq!(server.user_count(), 0, "the flow removed what it created");
    server.shutdown().await;
}
