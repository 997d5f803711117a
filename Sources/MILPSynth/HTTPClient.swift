import CCurlShim
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An HTTP response: status, body, and the delay a Retry-After header asks for.
package struct HTTPResponse: Sendable {
    /// The HTTP status code, including 4xx and 5xx (they are not errors here).
    public var status: Int
    /// The response body.
    public var body: Data
    /// Seconds from a `Retry-After: <seconds>` header, if any.
    public var retryAfter: Double? = nil
}

/// Why an HTTP request failed before a response arrived.
package struct HTTPError: Error, CustomStringConvertible, Sendable {
    /// What failed; never contains header values.
    public var description: String
    /// True when a connect or read timeout expired.
    public var timedOut = false
}

/// A minimal HTTP/1.1 POST client: `http://` over POSIX sockets (local servers such as llama.cpp,
/// vLLM), `https://` through libcurl loaded with dlopen on first use. Nothing here links a
/// library at process start. Header values are never included in errors.
package struct HTTPClient: Sendable {
    /// Seconds to wait for the TCP connection.
    public var connectTimeout: Double
    /// Seconds to wait for the whole response once the request is sent, or, when `idleTimeout`,
    /// for each next part of it.
    public var readTimeout: Double
    /// Whether `readTimeout` bounds the wait between parts (a streamed reply, which may take long
    /// in all while each token comes quickly) rather than the whole response.
    public var idleTimeout: Bool

    /// A client with the given timeouts, in seconds.
    public init(connectTimeout: Double = 10, readTimeout: Double = 120, idleTimeout: Bool = false) {
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
        self.idleTimeout = idleTimeout
    }

    /// POSTs `body` with `headers` to an `http://` or `https://` URL and returns the response, whatever
    /// its status; throws when no response arrives or the URL's scheme is neither.
    public func post(_ url: String, headers: [(String, String)], body: Data) throws(HTTPError) -> HTTPResponse {
        let lower = url.lowercased()
        if lower.hasPrefix("https://") { return try postWithCurl(url, headers: headers, body: body) }
        guard lower.hasPrefix("http://") else { throw HTTPError(description: "unsupported URL \"\(url)\": use http:// or https://") }
        return try postOverSocket(url, headers: headers, body: body)
    }

    /// POST through libcurl (any scheme libcurl supports); used for https://.
    func postWithCurl(_ url: String, headers: [(String, String)], body: Data) throws(HTTPError) -> HTTPResponse {
        let lines = headers.map { "\($0.0): \($0.1)" }
        var response = withCStrings(lines) { pointers in
            body.withUnsafeBytes { raw in
                curl_shim_post(url, pointers, Int32(lines.count), raw.bindMemory(to: CChar.self).baseAddress, body.count,
                               Int(connectTimeout * 1000), Int(((idleTimeout ? 0 : connectTimeout) + readTimeout) * 1000), idleTimeout ? 1 : 0)
            }
        }
        defer { curl_shim_free(&response) }
        let message = withUnsafeBytes(of: response.error) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        guard response.ok == 1 else {
            throw HTTPError(description: "\(hostOf(url)): \(message)", timedOut: response.timed_out == 1)
        }
        let data = response.body.map { Data(bytes: $0, count: response.body_length) } ?? Data()
        return HTTPResponse(status: response.status, body: data, retryAfter: response.retry_after >= 0 ? response.retry_after : nil)
    }

    func postOverSocket(_ url: String, headers: [(String, String)], body: Data) throws(HTTPError) -> HTTPResponse {
        let rest = url.dropFirst("http://".count)
        let authority = String(rest.prefix { $0 != "/" && $0 != "?" })
        let path = rest.dropFirst(authority.count).isEmpty ? "/" : String(rest.dropFirst(authority.count))
        var host = authority, port = "80"
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { port = String(after.dropFirst()) }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            port = String(authority[authority.index(after: colon)...])
        }
        guard !host.isEmpty, UInt16(port) != nil else { throw HTTPError(description: "bad URL \"\(url)\"") }

        let fd = try connect(host: host, port: port)
        defer { close(fd) }
        var request = "POST \(path) HTTP/1.1\r\nHost: \(authority)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        let deadline = ContinuousClock.now + .milliseconds(Int64(readTimeout * 1000))
        try send(fd, Data(request.utf8) + body, deadline: deadline, host: authority)
        return try receive(fd, deadline: deadline, host: authority)
    }

    private func connect(host: String, port: String) throws(HTTPError) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, port, &hints, &list)
        guard status == 0, let first = list else {
            throw HTTPError(description: "\(host): cannot resolve host (\(String(cString: gai_strerror(status))))")
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var timedOut = false
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let a = cursor {
            cursor = a.pointee.ai_next
            let fd = socket(a.pointee.ai_family, a.pointee.ai_socktype, a.pointee.ai_protocol)
            guard fd >= 0 else { lastError = String(cString: strerror(errno)); continue }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            if Glibc.connect(fd, a.pointee.ai_addr, a.pointee.ai_addrlen) == 0 { return fd }
            if errno == EINPROGRESS {
                var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                let ready = poll(&p, 1, Int32(connectTimeout * 1000))
                var error: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                if ready == 1, getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0, error == 0 { return fd }
                if ready == 0 {
                    timedOut = true
                    lastError = "connect timed out after \(connectTimeout) s"
                } else {
                    lastError = String(cString: strerror(error != 0 ? error : errno))
                }
            } else {
                lastError = String(cString: strerror(errno))
            }
            close(fd)
        }
        throw HTTPError(description: "\(host):\(port): cannot connect: \(lastError)", timedOut: timedOut)
    }

    /// Milliseconds left before `deadline`, at least 0.
    private func remaining(_ deadline: ContinuousClock.Instant) -> Int32 {
        let left = deadline - ContinuousClock.now
        return Int32(max(0, min(Double(Int32.max), left.seconds * 1000)))
    }

    private func wait(_ fd: Int32, _ events: Int32, _ deadline: ContinuousClock.Instant, _ host: String) throws(HTTPError) {
        var p = pollfd(fd: fd, events: Int16(events), revents: 0)
        while true {
            let ready = poll(&p, 1, remaining(deadline))
            if ready > 0 { return }
            if ready == 0 { throw HTTPError(description: "\(host): no complete response within \(readTimeout) s (read timeout)", timedOut: true) }
            if errno != EINTR { throw HTTPError(description: "\(host): \(String(cString: strerror(errno)))") }
        }
    }

    private func send(_ fd: Int32, _ data: Data, deadline: ContinuousClock.Instant, host: String) throws(HTTPError) {
        var offset = 0
        while offset < data.count {
            try wait(fd, Int32(POLLOUT), deadline, host)
            let n = data.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, data.count - offset, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EAGAIN || errno == EINTR { continue }
                throw HTTPError(description: "\(host): sending the request failed: \(String(cString: strerror(errno)))")
            }
            offset += n
        }
    }

    private func receive(_ fd: Int32, deadline: ContinuousClock.Instant, host: String) throws(HTTPError) -> HTTPResponse {
        var buffer = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 65536)
        var head: Head?
        var deadline = deadline
        while true {
            if let h = head, let length = h.length, buffer.count - h.bodyStart >= length { break }
            if let h = head, h.chunked, let body = dechunk(buffer[h.bodyStart...]) { return HTTPResponse(status: h.status, body: body, retryAfter: h.retryAfter) }
            try wait(fd, Int32(POLLIN), deadline, host)
            let n = recv(fd, &chunk, chunk.count, 0)
            if n < 0 {
                if errno == EAGAIN || errno == EINTR { continue }
                throw HTTPError(description: "\(host): reading the response failed: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            buffer += chunk[0..<n]
            if idleTimeout { deadline = ContinuousClock.now + .milliseconds(Int64(readTimeout * 1000)) }
            if head == nil { head = try parseHead(buffer, host) }
        }
        guard let h = head else { throw HTTPError(description: "\(host): the connection closed before an HTTP response arrived") }
        let body = buffer[h.bodyStart...]
        if h.chunked {
            guard let data = dechunk(body) else { throw HTTPError(description: "\(host): truncated chunked response") }
            return HTTPResponse(status: h.status, body: data, retryAfter: h.retryAfter)
        }
        if let length = h.length {
            guard body.count >= length else { throw HTTPError(description: "\(host): truncated response (\(body.count) of \(length) bytes)") }
            return HTTPResponse(status: h.status, body: Data(body.prefix(length)), retryAfter: h.retryAfter)
        }
        return HTTPResponse(status: h.status, body: Data(body), retryAfter: h.retryAfter)
    }

    /// What the status line and headers say.
    private struct Head {
        var status: Int
        var bodyStart: Int
        var length: Int?
        var chunked: Bool
        var retryAfter: Double?
    }

    /// The status line and headers, once the blank line has arrived.
    private func parseHead(_ buffer: [UInt8], _ host: String) throws(HTTPError) -> Head? {
        guard let end = buffer.indices.dropLast(3).first(where: { buffer[$0] == 13 && buffer[$0 + 1] == 10 && buffer[$0 + 2] == 13 && buffer[$0 + 3] == 10 }) else { return nil }
        let lines = String(decoding: buffer[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let parts = lines[0].split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let status = Int(parts[1]) else {
            throw HTTPError(description: "\(host): not an HTTP response: \"\(lines[0].prefix(80))\"")
        }
        var length: Int?
        var chunked = false
        var retryAfter: Double?
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased(), value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if name == "content-length" { length = Int(value) }
            if name == "transfer-encoding" && value.lowercased().contains("chunked") { chunked = true }
            if name == "retry-after", let seconds = Double(value), seconds >= 0 { retryAfter = seconds }
        }
        return Head(status: status, bodyStart: end + 4, length: chunked ? nil : length, chunked: chunked, retryAfter: retryAfter)
    }

    /// The body of a complete chunked transfer, or nil while incomplete.
    private func dechunk(_ bytes: ArraySlice<UInt8>) -> Data? {
        var out = Data()
        var i = bytes.startIndex
        while true {
            guard let lineEnd = bytes[i...].indices.dropLast().first(where: { bytes[$0] == 13 && bytes[$0 + 1] == 10 }) else { return nil }
            let sizeText = String(decoding: bytes[i..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { return nil }
            let start = lineEnd + 2
            if size == 0 { return out }
            guard bytes.endIndex >= start + size + 2 else { return nil }
            out += bytes[start..<(start + size)]
            i = start + size + 2
        }
    }
}

/// "host:port" of a URL, for messages (never the path or query, which may carry secrets).
func hostOf(_ url: String) -> String {
    let rest = url.components(separatedBy: "://").dropFirst().first ?? url
    return String(rest.prefix { $0 != "/" && $0 != "?" })
}

/// Calls `body` with a C array of C strings valid for the call.
private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    let pointers = copies.map { UnsafePointer<CChar>($0) } + [nil]
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
