//! Translation memory and history in SQLite (being written).
