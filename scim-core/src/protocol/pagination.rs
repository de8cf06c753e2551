//! The state of a walk over every page of a query: index-based (RFC 7644 §3.4.2.4) or
//! cursor-based (RFC 9865).
//!
//! A [`Pager`] says which query to send next ([`Pager::next_query`]) and learns from each
//! page ([`Pager::advance`]). It holds no resource: the caller keeps one page at a time.
//! The walk ends on the server's signals only — an empty page, `totalResults` reached, no
//! `nextCursor` — never because a page was shorter than the `count` asked for (servers cap
//! page sizes). A server that ignores `startIndex` and answers the same page again stops
//! the walk with an error instead of looping or yielding duplicates.

use crate::error::{Error, Result};

use crate::resource::SearchRequest;

/// How pages are walked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaginationMethod {
    /// `startIndex` + `count` (RFC 7644 §3.4.2.4).
    Index,
    /// `cursor` + `nextCursor` (RFC 9865).
    Cursor,
    /// Index-based, switching to cursors as soon as the server answers with a
    /// `nextCursor` (a cursor-only server): what the client does when the server's
    /// ServiceProviderConfig is not known.
    Auto,
}

/// What a page of a list response says about the walk.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PageInfo<'a> {
    /// How many resources the page holds.
    pub items: usize,
    /// `totalResults`, when sent.
    pub total_results: Option<u64>,
    /// `startIndex`, when sent.
    pub start_index: Option<u64>,
    /// RFC 9865 `nextCursor`, when sent.
    pub next_cursor: Option<&'a str>,
    /// The `id` of the page's first resource, to recognise a page served twice.
    pub first_id: Option<&'a str>,
}

/// The state of a walk over every page of a query.
///
/// ```
/// use scim_core::protocol::{PageInfo, Pager, PaginationMethod};
/// use scim_core::resource::SearchRequest;
/// let mut pager = Pager::new(SearchRequest { count: Some(2), ..SearchRequest::default() }, PaginationMethod::Index);
/// assert_eq!(pager.next_query().unwrap().start_index, Some(1));
/// pager.advance(&PageInfo { items: 2, total_results: Some(3), first_id: Some("a"), ..PageInfo::default() })?;
/// assert_eq!(pager.next_query().unwrap().start_index, Some(3));
/// pager.advance(&PageInfo { items: 1, total_results: Some(3), first_id: Some("c"), ..PageInfo::default() })?;
/// assert!(pager.next_query().is_none());
/// # Ok::<(), scim_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Pager {
    query: SearchRequest,
    method: PaginationMethod,
    /// The `startIndex` of the next index-based request.
    next_index: u64,
    /// The cursor of the next cursor-based request (`""` for the first page).
    cursor: String,
    finished: bool,
    pages: u64,
    delivered: u64,
    previous_first_id: Option<String>,
    previous_start_index: Option<u64>,
}

impl Pager {
    /// A walk over every page of `query`, starting at its `startIndex` (default 1).
    pub fn new(query: SearchRequest, method: PaginationMethod) -> Self {
        let next_index = query.start_index.unwrap_or(1).max(1);
        let cursor = query.cursor.clone().unwrap_or_default();
        Pager {
            query,
            method,
            next_index,
            cursor,
            finished: false,
            pages: 0,
            delivered: 0,
            previous_first_id: None,
            previous_start_index: None,
        }
    }

    /// The method in use (an `Auto` walk reports `Cursor` once it switched).
    pub fn method(&self) -> PaginationMethod {
        self.method
    }

    /// True once the server signalled the last page.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// How many pages were received so far.
    pub fn pages(&self) -> u64 {
        self.pages
    }

    /// The query of the next page, or `None` when the walk is over.
    pub fn next_query(&self) -> Option<SearchRequest> {
        if self.finished {
            return None;
        }
        let mut q = self.query.clone();
        match self.method {
            PaginationMethod::Cursor => {
                // RFC 9865 §2.1: the cursor is empty for the first page, then the value
                // of the previous page's nextCursor; startIndex is not sent.
                q.start_index = None;
                q.cursor = Some(self.cursor.clone());
            }
            PaginationMethod::Index | PaginationMethod::Auto => {
                q.cursor = None;
                q.start_index = Some(self.next_index);
            }
        }
        Some(q)
    }

    /// Learns from the page answered to [`Pager::next_query`].
    ///
    /// Errors (and finishes the walk) when the server repeats a page: the same first
    /// resource as the previous page, the same `startIndex` for a different request, or
    /// the same `nextCursor` as the cursor just sent.
    pub fn advance(&mut self, page: &PageInfo<'_>) -> Result<()> {
        if self.finished {
            return Err(Error::InvalidInput(
                "the pagination is already finished".into(),
            ));
        }
        self.pages += 1;
        self.delivered += page.items as u64;
        let result = self.advance_inner(page);
        if result.is_err() {
            self.finished = true;
        }
        self.previous_first_id = page.first_id.map(str::to_owned);
        self.previous_start_index = page.start_index;
        result
    }

    fn advance_inner(&mut self, page: &PageInfo<'_>) -> Result<()> {
        if self.method == PaginationMethod::Auto {
            if let Some(next) = page.next_cursor.filter(|c| !c.is_empty()) {
                self.method = PaginationMethod::Cursor;
                self.cursor = next.to_owned();
                return Ok(());
            }
        }
        match self.method {
            PaginationMethod::Cursor => self.advance_cursor(page),
            PaginationMethod::Index | PaginationMethod::Auto => self.advance_index(page),
        }
    }

    fn advance_cursor(&mut self, page: &PageInfo<'_>) -> Result<()> {
        // RFC 9865 §2.2: nextCursor is returned when there are more results; its absence
        // marks the last page.
        match page.next_cursor.filter(|c| !c.is_empty()) {
            None => self.finished = true,
            Some(next) if next == self.cursor => {
                return Err(repeated(format!(
                    "the server answered nextCursor {next:?} again"
                )))
            }
            Some(next) => self.cursor = next.to_owned(),
        }
        Ok(())
    }

    fn advance_index(&mut self, page: &PageInfo<'_>) -> Result<()> {
        let requested = self.next_index;
        if self.pages > 1 && page.items > 0 {
            let same_first =
                page.first_id.is_some() && page.first_id == self.previous_first_id.as_deref();
            let same_start = page.start_index.is_some()
                && page.start_index == self.previous_start_index
                && page.start_index != Some(requested);
            if same_first || same_start {
                return Err(repeated(format!(
                    "the server ignored startIndex={requested} and answered the previous page again"
                )));
            }
        }
        // RFC 7644 §3.4.2.4: an empty page (itemsPerPage 0) or an index past
        // totalResults means there is nothing more.
        if page.items == 0 {
            self.finished = true;
            return Ok(());
        }
        self.next_index = requested.saturating_add(page.items as u64);
        if let Some(total) = page.total_results {
            if self.next_index > total {
                self.finished = true;
            }
        }
        Ok(())
    }
}

fn repeated(message: String) -> Error {
    Error::Decode {
        message: format!("{message}; stopping instead of looping over the same results"),
        path: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page<'a>(items: usize, total: Option<u64>, first: &'a str) -> PageInfo<'a> {
        PageInfo {
            items,
            total_results: total,
            first_id: Some(first),
            ..PageInfo::default()
        }
    }

    #[test]
    fn index_walk_ends_on_total_not_on_short_pages() {
        let mut p = Pager::new(
            SearchRequest {
                count: Some(10),
                ..SearchRequest::default()
            },
            PaginationMethod::Index,
        );
        // The server caps pages at 3 although 10 were asked for.
        p.advance(&page(3, Some(7), "a")).unwrap();
        assert_eq!(p.next_query().unwrap().start_index, Some(4));
        p.advance(&page(3, Some(7), "d")).unwrap();
        p.advance(&page(1, Some(7), "g")).unwrap();
        assert!(p.next_query().is_none());
    }

    #[test]
    fn index_walk_without_total_ends_on_an_empty_page() {
        let mut p = Pager::new(SearchRequest::default(), PaginationMethod::Index);
        p.advance(&page(2, None, "a")).unwrap();
        p.advance(&page(2, None, "c")).unwrap();
        assert!(!p.is_finished());
        p.advance(&page(0, None, "")).unwrap();
        assert!(p.is_finished());
    }

    #[test]
    fn a_repeated_page_is_an_error() {
        let mut p = Pager::new(SearchRequest::default(), PaginationMethod::Index);
        p.advance(&page(2, Some(10), "a")).unwrap();
        let e = p.advance(&page(2, Some(10), "a")).unwrap_err();
        assert!(e.to_string().contains("ignored startIndex=3"), "{e}");
        assert!(p.next_query().is_none());
        // Same reported startIndex for a different request, even without ids.
        let mut p = Pager::new(SearchRequest::default(), PaginationMethod::Index);
        let first = PageInfo {
            items: 2,
            start_index: Some(1),
            ..PageInfo::default()
        };
        p.advance(&first).unwrap();
        assert!(p.advance(&first).is_err());
    }

    #[test]
    fn cursor_walk_follows_next_cursor() {
        let mut p = Pager::new(SearchRequest::default(), PaginationMethod::Cursor);
        assert_eq!(p.next_query().unwrap().cursor.as_deref(), Some(""));
        p.advance(&PageInfo {
            items: 2,
            next_cursor: Some("c2"),
            ..PageInfo::default()
        })
        .unwrap();
        let q = p.next_query().unwrap();
        assert_eq!((q.cursor.as_deref(), q.start_index), (Some("c2"), None));
        assert!(p
            .advance(&PageInfo {
                items: 2,
                next_cursor: Some("c2"),
                ..PageInfo::default()
            })
            .is_err());
    }

    #[test]
    fn auto_switches_to_cursors_when_the_server_sends_them() {
        let mut p = Pager::new(SearchRequest::default(), PaginationMethod::Auto);
        assert_eq!(p.next_query().unwrap().start_index, Some(1));
        p.advance(&PageInfo {
            items: 2,
            next_cursor: Some("n"),
            ..PageInfo::default()
        })
        .unwrap();
        assert_eq!(p.method(), PaginationMethod::Cursor);
        assert_eq!(p.next_query().unwrap().cursor.as_deref(), Some("n"));
        p.advance(&PageInfo {
            items: 1,
            ..PageInfo::default()
        })
        .unwrap();
        assert!(p.is_finished());
    }
}
