//! Local OCR: the engine trait, PP-OCR on rten (default) and ocrs.
