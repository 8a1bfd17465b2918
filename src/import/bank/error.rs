//! What can go wrong reading a bank statement. Every error names the file, and
//! the line (or sheet row) when one row is at fault, in English ([`Display`])
//! and in Chinese ([`BankError::zh`]).
//!
//! [`Display`]: std::fmt::Display

/// Why a statement (or a profile) could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BankError {
    #[error("{file}: cannot read: {reason}")]
    Io { file: String, reason: String },
    /// A pass over a text statement found other bytes than the first one
    /// read (another program wrote to it meanwhile).
    #[error("{file}: the file changed while it was being imported; nothing was imported, import it again")]
    Changed { file: String },
    /// The file was not read (not a regular file, too large): see `import::input`.
    #[error("{file}: {reason}")]
    Input { file: String, reason: String, reason_zh: String },
    #[error("{file}: the file is empty")]
    Empty { file: String },
    #[error("{file}: the file is binary data, not a statement (not text, XLS or XLSX)")]
    Binary { file: String },
    #[error("{file}: cannot read the {format} workbook: {reason}")]
    Workbook { file: String, format: &'static str, reason: String },
    /// Beyond the budget a workbook must fit (`budget.rs`).
    #[error("{file}: the {format} workbook is too large to read safely: {reason}")]
    OverBudget { file: String, format: &'static str, reason: String, reason_zh: String },
    #[error("{file}: unknown encoding '{name}' (use utf-8, gbk, gb18030 or latin-1)")]
    UnknownEncoding { file: String, name: String },
    #[error("{file}: no known header; pass --profile")]
    NoHeader { file: String },
    /// No header, but a row came close: it lacks the columns named.
    #[error("{file}: no known header; pass --profile (the closest is line {line}, which has no {missing} column)")]
    NoHeaderNear { file: String, line: u64, missing: String, missing_zh: String },
    #[error("{file}: the header of profile '{profile}' was not found in the first {lines} lines")]
    HeaderNotFound { file: String, profile: String, lines: usize },
    #[error("{file}: no transactions found")]
    NoTransactions { file: String },
    /// A workbook's number cell of more digits than a spreadsheet keeps.
    #[error(
        "{file}:{line}: cell {cell} holds the number {number}, more digits than a spreadsheet number keeps (15): its \
         last digits are lost; format the column as text, type the numbers again, or import the CSV the system \
         exported"
    )]
    Imprecise { file: String, line: u64, cell: String, number: String },
    #[error("{file}:{line}: '{text}' is not a date")]
    BadDate { file: String, line: u64, text: String },
    #[error("{file}:{line}: '{text}' is not an amount")]
    BadAmount { file: String, line: u64, text: String },
    #[error("{file}:{line}: the amount '{text}' is masked; export the statement again with full amounts")]
    MaskedAmount { file: String, line: u64, text: String },
    #[error("{file}:{line}: '{text}' is not a known direction (profile '{profile}' knows {known})")]
    BadDirection { file: String, line: u64, text: String, profile: String, known: String },
    #[error("profile '{name}': {reason}")]
    BadProfile { name: String, reason: String, reason_zh: String },
}

impl BankError {
    /// The same message in Chinese.
    pub fn zh(&self) -> String {
        match self {
            BankError::Io { file, reason } => format!("{file}：无法读取：{reason}"),
            BankError::Changed { file } => format!("{file}：导入过程中文件被改动；未导入任何数据，请重新导入"),
            BankError::Input { file, reason_zh, .. } => format!("{file}：{reason_zh}"),
            BankError::Empty { file } => format!("{file}：文件为空"),
            BankError::Binary { file } => format!("{file}：文件是二进制数据，不是对账单（既非文本，也非 XLS/XLSX）"),
            BankError::Workbook { file, format, reason } => format!("{file}：无法读取 {format} 工作簿：{reason}"),
            BankError::Imprecise { file, line, cell, number } => format!(
                "{file}:{line}: 单元格 {cell} 的数字 {number} 超过电子表格数字可保留的 15 位有效数字，末位已丢失；\
                 请将该列设为文本格式后重新录入，或导入系统导出的 CSV"
            ),
            BankError::OverBudget { file, format, reason_zh, .. } => {
                format!("{file}：{format} 工作簿过大，无法安全读取：{reason_zh}")
            }
            BankError::UnknownEncoding { file, name } => {
                format!("{file}：未知编码“{name}”（可用 utf-8、gbk、gb18030 或 latin-1）")
            }
            BankError::NoHeader { file } => format!("{file}：未找到可识别的表头；请用 --profile 指定格式"),
            BankError::NoHeaderNear { file, line, missing_zh, .. } => {
                format!(
                    "{file}：未找到可识别的表头；请用 --profile 指定格式（最接近的是第 {line} 行，缺少{missing_zh}列）"
                )
            }
            BankError::HeaderNotFound { file, profile, lines } => {
                format!("{file}：前 {lines} 行中未找到格式“{profile}”的表头")
            }
            BankError::NoTransactions { file } => format!("{file}：未找到任何交易"),
            BankError::BadDate { file, line, text } => format!("{file}:{line}：“{text}”不是有效日期"),
            BankError::BadAmount { file, line, text } => format!("{file}:{line}：“{text}”不是有效金额"),
            BankError::MaskedAmount { file, line, text } => {
                format!("{file}:{line}：金额“{text}”被遮盖；请重新导出显示完整金额的对账单")
            }
            BankError::BadDirection { file, line, text, profile, known } => {
                format!("{file}:{line}：“{text}”不是已知的收支方向（格式“{profile}”认得 {known}）")
            }
            BankError::BadProfile { name, reason_zh, .. } => format!("格式文件“{name}”：{reason_zh}"),
        }
    }

    /// The line (CSV) or sheet row (XLS/XLSX) at fault, when it is one row.
    pub fn line(&self) -> Option<u64> {
        match self {
            BankError::BadDate { line, .. }
            | BankError::BadAmount { line, .. }
            | BankError::MaskedAmount { line, .. }
            | BankError::BadDirection { line, .. } => Some(*line),
            _ => None,
        }
    }
}
