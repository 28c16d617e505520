//! Reusable components, one per file.

mod accept_calculator;
mod annotated_lines;
mod bit_diagram;
mod copy_button;
mod echo_probe;
mod footer;
mod header;
mod hex_dump;
mod mask_table;
mod nav;
mod sequence_diagram;

pub use accept_calculator::{AcceptCalculator, AcceptCalculatorProps};
pub use annotated_lines::{AnnotatedLines, AnnotatedLinesProps, LineProblem};
pub use bit_diagram::{BitDiagram, BitDiagramProps};
pub use copy_button::{CopyButton, CopyButtonProps};
pub use echo_probe::{DEFAULT_ECHO_URL, EchoProbe, EchoProbeProps};
pub use footer::Footer;
pub use header::Header;
pub use hex_dump::{Bytes, HexDump, HexDumpProps};
pub use mask_table::{MaskTable, MaskTableProps};
pub use nav::Nav;
pub use sequence_diagram::{SequenceDiagram, SequenceDiagramProps, Step};
