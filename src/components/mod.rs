//! Reusable components, one per file.

mod accept_calculator;
mod annotated_lines;
mod bit_diagram;
mod close_form;
mod code_block;
mod copy_button;
mod deflate_lab;
mod footer;
mod header;
mod hex_dump;
mod lesson_view;
mod mask_table;
mod message_log;
mod nav;
mod progress_bar;
mod sequence_diagram;
mod state_diagram;
mod wire_view;

pub use accept_calculator::{AcceptCalculator, AcceptCalculatorProps};
pub use annotated_lines::{AnnotatedLines, AnnotatedLinesProps, LineProblem};
pub use bit_diagram::{BitDiagram, BitDiagramProps};
pub use close_form::{CloseForm, CloseFormProps, close_rule};
pub use code_block::{CodeBlock, CodeBlockProps};
pub use copy_button::{CopyButton, CopyButtonProps};
pub use deflate_lab::DeflateLab;
pub use footer::Footer;
pub use header::Header;
pub use hex_dump::{Bytes, HexDump, HexDumpProps};
pub use lesson_view::{LessonView, LessonViewProps};
pub use mask_table::{MaskTable, MaskTableProps};
pub use message_log::{MessageLog, MessageLogProps};
pub use nav::Nav;
pub use progress_bar::{LabDone, LabDoneProps, ProgressBar, ProgressBarProps};
pub use sequence_diagram::{SequenceDiagram, SequenceDiagramProps, Step};
pub use state_diagram::{StateDiagram, StateDiagramProps};
pub use wire_view::{WireView, WireViewProps};
