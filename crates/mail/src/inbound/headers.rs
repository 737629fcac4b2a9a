//! The header fields of an inbound message the desk reads: ids for threading, the sender, the
//! recipients (whose plus-address picks the org) and the date.

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use jiff::tz::Offset;
use mail_parser::{Address, DateTime, HeaderForm, HeaderName, HeaderValue, Message};
use std::borrow::Cow;

/// `Message-ID` without angle brackets, if present and not blank.
pub(super) fn message_id(message: &Message<'_>) -> Option<String> {
    message.message_id().and_then(clean_id)
}

/// The ids of an `In-Reply-To` or `References` value, without angle brackets, in the order
/// written (oldest first for `References`).
pub(super) fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    match value {
        HeaderValue::Text(id) => clean_id(id).into_iter().collect(),
        HeaderValue::TextList(list) => list.iter().filter_map(|id| clean_id(id)).collect(),
        _ => Vec::new(),
    }
}

fn clean_id(id: &str) -> Option<String> {
    let id = id
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim();
    (!id.is_empty()).then(|| id.to_owned())
}

/// The first `From:` address and its display name.
pub(super) fn sender(message: &Message<'_>) -> (Option<String>, Option<String>) {
    let Some(first) = message.from().and_then(Address::first) else {
        return (None, None);
    };
    (non_blank(first.address()), non_blank(first.name()))
}

fn non_blank(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Every recipient address of `To`, `Cc`, `Delivered-To` and `X-Original-To`, in that order,
/// each once (compared without regard to case).
pub(super) fn recipients(message: &Message<'_>) -> Vec<String> {
    let delivered_to = message.header_as(HeaderName::DeliveredTo, HeaderForm::Addresses);
    let original_to = message.header_as(
        HeaderName::Other(Cow::Borrowed("X-Original-To")),
        HeaderForm::Addresses,
    );
    let lists = message
        .all_to()
        .chain(message.all_cc())
        .chain(delivered_to.iter().filter_map(HeaderValue::as_address))
        .chain(original_to.iter().filter_map(HeaderValue::as_address));
    let mut out: Vec<String> = Vec::new();
    for address in lists.flat_map(Address::iter).filter_map(|a| a.address()) {
        let address = address.trim();
        if !address.is_empty() && !out.iter().any(|a| a.eq_ignore_ascii_case(address)) {
            out.push(address.to_owned());
        }
    }
    out
}

/// `Date:` as an instant, if present and a real date.
pub(super) fn date(message: &Message<'_>) -> Option<Timestamp> {
    message.date().and_then(timestamp)
}

fn timestamp(d: &DateTime) -> Option<Timestamp> {
    // Not `DateTime::is_valid`, which refuses the leap second RFC 5322 allows; jiff checks
    // the calendar (no 31 February) and the offset.
    let date = Date::new(
        i16::try_from(d.year).ok()?,
        i8::try_from(d.month).ok()?,
        i8::try_from(d.day).ok()?,
    )
    .ok()?;
    // A leap second (`:60`) is read as the last second of its minute.
    let time = Time::new(
        i8::try_from(d.hour).ok()?,
        i8::try_from(d.minute).ok()?,
        i8::try_from(d.second.min(59)).ok()?,
        0,
    )
    .ok()?;
    let magnitude = i32::from(d.tz_hour) * 3600 + i32::from(d.tz_minute) * 60;
    let offset = Offset::from_seconds(if d.tz_before_gmt {
        -magnitude
    } else {
        magnitude
    })
    .ok()?;
    offset.to_timestamp(date.to_datetime(time)).ok()
}
