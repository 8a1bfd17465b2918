//! `huikuan customer list | head -1`: a reader that goes away early is not an error.

use std::io::{BufRead, BufReader, Read};
use std::process::Stdio;

use crate::common::TestEnv;

#[test]
fn a_closed_stdout_pipe_ends_the_command_quietly_with_success() {
    let env = TestEnv::new();
    let mut csv = String::from("code,name,credit_limit\n");
    for i in 0..5_000 {
        csv.push_str(&format!("C{i:05},客户 {i} 有限公司,{i}000\n"));
    }
    env.write_file("many.csv", csv);
    env.ok(&["customer", "import", "many.csv"]);

    // Each format writes differently (one big table, CSV rows, streamed JSON).
    for format in ["table", "csv", "json"] {
        let mut child = env
            .spawnable(&["customer", "list", "--format", format])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn huikuan");
        let mut first = String::new();
        {
            let mut out = BufReader::new(child.stdout.take().expect("stdout"));
            out.read_line(&mut first).expect("read one line");
            // Dropping the reader closes our end of the pipe, like `head -1`.
        }
        let mut err = String::new();
        child.stderr.take().expect("stderr").read_to_string(&mut err).expect("read stderr");
        let status = child.wait().expect("wait");
        assert!(!first.is_empty(), "{format}: the first line arrived");
        assert!(status.success(), "{format}: a closed pipe is not a failure, got {status}; stderr: {err}");
        assert!(
            !err.contains("error") && !err.contains("panicked") && !err.contains("错误"),
            "{format}: nothing to say about a closed pipe, got: {err}"
        );
    }
}
