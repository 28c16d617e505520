//! Free ports, and who holds a taken one (Linux: /proc), so that `serve`
//! can say which port is taken, by what, and which flag picks another.

use std::net::{Ipv4Addr, TcpListener};

/// A port for `what` on 127.0.0.1: `port` if it is free, or any free one
/// for 0; otherwise why not, naming the holder and the flag that picks another.
pub fn claim(port: u16, what: &str, flag: &str, env: &str) -> Result<u16, String> {
    match TcpListener::bind((Ipv4Addr::LOCALHOST, port)) {
        Ok(listener) => listener
            .local_addr()
            .map(|a| a.port())
            .map_err(|e| format!("cannot read the port picked for {what}: {e}")),
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
            let by = holder(port).map_or(String::new(), |h| format!(" by {h}"));
            Err(format!(
                "port {port} ({what}) is already in use{by}: stop that program, or pick another port with {flag} N (or {env}=N; 0 picks a free one)"
            ))
        }
        Err(e) => Err(format!("cannot listen on 127.0.0.1:{port} ({what}): {e}")),
    }
}

/// The program listening on TCP `port`, as "name (pid N)", where /proc tells.
pub fn holder(port: u16) -> Option<String> {
    let inode = ["/proc/net/tcp", "/proc/net/tcp6"]
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .flat_map(|text| text.lines().skip(1).map(str::to_owned).collect::<Vec<_>>())
        .find_map(|line| listening_inode(&line, port))?;
    let wanted = format!("socket:[{inode}]");
    for proc_entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let name = proc_entry.file_name();
        let Some(pid) = name
            .to_str()
            .filter(|n| n.bytes().all(|b| b.is_ascii_digit()))
        else {
            continue;
        };
        let Ok(fds) = std::fs::read_dir(proc_entry.path().join("fd")) else {
            continue;
        };
        if fds
            .flatten()
            .any(|fd| std::fs::read_link(fd.path()).is_ok_and(|l| l.as_os_str() == wanted.as_str()))
        {
            let comm = std::fs::read_to_string(proc_entry.path().join("comm")).unwrap_or_default();
            return Some(format!("{} (pid {pid})", comm.trim()));
        }
    }
    None
}

/// The socket inode of a /proc/net/tcp line that listens on `port`.
fn listening_inode(line: &str, port: u16) -> Option<u64> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    let local_port = fields.get(1)?.rsplit(':').next()?;
    let listening = *fields.get(3)? == "0A";
    (listening && u16::from_str_radix(local_port, 16).ok()? == port)
        .then(|| fields.get(9)?.parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_taken_port_names_its_holder_and_the_flag() {
        let held = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let port = held.local_addr().unwrap().port();
        let e = claim(port, "the app", "--port", "WSLAB_PORT").unwrap_err();
        assert!(
            e.contains(&format!("port {port} (the app) is already in use by ")),
            "{e}"
        );
        assert!(e.contains(&format!("(pid {})", std::process::id())), "{e}");
        assert!(e.contains("--port N"), "{e}");
        drop(held);
        assert!(claim(0, "the app", "--port", "WSLAB_PORT").is_ok_and(|p| p != 0));
    }

    #[test]
    fn proc_net_tcp_lines_are_read() {
        let line = "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 12345 1 0000000000000000 100 0 0 10 0";
        assert_eq!(listening_inode(line, 8080), Some(12345));
        assert_eq!(listening_inode(line, 8081), None);
        let established = line.replace(" 0A ", " 01 ");
        assert_eq!(listening_inode(&established, 8080), None);
    }
}
