//! The support desk's business-time rules: when support is open, and how much of an SLA target
//! has elapsed.
//!
//! The provider's support policy says support hours are "Monday through Friday – 9am to 5pm
//! Mountain Time (U.S.)", "U.S. Federal holidays excluded", and SLA targets count business time
//! within those hours. This module turns that sentence into data and arithmetic:
//!
//! - [`holidays`]: holiday rules as data, and the eleven US federal holidays of 5 U.S.C. 6103(a).

pub mod holidays;

pub use holidays::{
    DayOfWeek, Holiday, HolidayDate, HolidayRule, HolidayRuleSpec, Observance, observed_holidays,
    us_federal,
};
