//! Cedar interop.
