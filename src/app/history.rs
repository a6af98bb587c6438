//! The history window's messages and their answers (filled in by the history-window work).
