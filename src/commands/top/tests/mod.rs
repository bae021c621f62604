//! Tests of `--top`'s rows: rates from counter differences, shares,
//! sorting, filtering, the snapshot text and the keys; the metrics
//! endpoint's down marks.

mod health;
mod view;
