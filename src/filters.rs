//! Replacement rules applied to OCR text before translation and to translations after (being written).
