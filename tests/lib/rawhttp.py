"""rawhttp.py - requests as raw bytes on a socket, for what http.client will not send or
read (control bytes, a missing Host, lying framing, pipelining, a body sent slowly)."""
import socket


def connect(port, source="127.0.0.1", timeout=5):
    """A connection to the server on 127.0.0.1:port from the loopback address source."""
    return socket.create_connection(("127.0.0.1", port), timeout=timeout,
                                    source_address=(source, 0))


def head(method, path, headers=(), version=b"HTTP/1.1", host=True):
    """A request head as bytes; path and method may hold any byte."""
    lines = [method + b" " + path + b" " + version]
    if host:
        lines.append(b"Host: 127.0.0.1")
    lines += [h if isinstance(h, bytes) else h.encode() for h in headers]
    return b"\r\n".join(lines) + b"\r\n\r\n"


def session_headers(c):
    """The header lines that carry client c's session and CSRF token."""
    return [f"Cookie: salespm_session={c.cookie}", f"X-CSRF-Token: {c.csrf}"]


def read_answer(s, timeout=5):
    """Status, head and body of one answer on s (b"" status when none came)."""
    s.settimeout(timeout)
    out = b""
    try:
        while b"\r\n\r\n" not in out:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
        hd, _, body = out.partition(b"\r\n\r\n")
        length = 0
        for line in hd.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        while len(body) < length:
            chunk = s.recv(65536)
            if not chunk:
                break
            body += chunk
    except (socket.timeout, ConnectionResetError):
        hd, _, body = out.partition(b"\r\n\r\n")
    status = hd.split(b" ")[1] if hd.startswith(b"HTTP/") else b""
    return status, hd, body


def _send(s, data):
    try:
        s.sendall(data)
    except (BrokenPipeError, ConnectionResetError):
        pass  # answered and closed before all was sent: the answer tells


def raw(port, data, timeout=5):
    """Send data on a new connection; status, head and body of the answer (read_answer)."""
    s = connect(port, timeout=timeout)
    try:
        _send(s, data)
        return read_answer(s, timeout)
    finally:
        s.close()


def raw_all(port, data, timeout=5):
    """Send data (pipelined requests, the last saying Connection: close) on a new
    connection; every byte the server sends until it closes it."""
    s = connect(port, timeout=timeout)
    out = b""
    try:
        _send(s, data)
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
    finally:
        s.close()
    return out
