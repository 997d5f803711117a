import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An HTTP/1.1 server on 127.0.0.1 with an ephemeral port, serving one connection at a time on a
/// plain Thread. The handler sees each request and chooses the reply (status, body, delay, chunked).
final class LoopbackServer: @unchecked Sendable {
    struct Request {
        var method: String
        var path: String
        var headers: [String: String]  // lowercased names
        var body: Data
    }

    struct Reply {
        var status: Int = 200
        var body: String
        var delay: Double = 0
        var chunked = false
        /// Extra header lines, e.g. ("Retry-After", "1").
        var headers: [(String, String)] = []
        var contentType = "application/json"
        /// Chunks a chunked body is sent in, with `gap` seconds between them.
        var pieces = 2
        var gap: Double = 0
    }

    let port: UInt16
    private let listener: Int32
    private let lock = NSLock()
    private var received: [Request] = []
    private let done = DispatchSemaphore(value: 0)

    var requests: [Request] { lock.withLock { received } }
    var url: String { "http://127.0.0.1:\(port)/v1" }

    init(_ handler: @escaping @Sendable (Request) -> Reply) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, listen(fd, 8) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in serve(handler) }
        thread.start()
    }

    /// Stops accepting and waits for the server thread to end.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        done.wait()
        close(listener)
    }

    private func serve(_ handler: (Request) -> Reply) {
        defer { done.signal() }
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 { return }
            defer { close(fd) }
            guard let request = read(fd) else { continue }
            lock.withLock { received.append(request) }
            let reply = handler(request)
            if reply.delay > 0 { Thread.sleep(forTimeInterval: reply.delay) }
            let body = Data(reply.body.utf8)
            var head = "HTTP/1.1 \(reply.status) \(reply.status < 400 ? "OK" : "Error")\r\nContent-Type: \(reply.contentType)\r\nConnection: close\r\n"
            for (name, value) in reply.headers { head += "\(name): \(value)\r\n" }
            func write(_ bytes: Data) { _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, bytes.count, Int32(MSG_NOSIGNAL)) } }
            if reply.chunked {
                write(Data((head + "Transfer-Encoding: chunked\r\n\r\n").utf8))
                let size = (body.count + reply.pieces - 1) / max(1, reply.pieces)
                for start in stride(from: 0, to: body.count, by: max(1, size)) {
                    let piece = body[start..<min(start + size, body.count)]
                    write(Data(String(piece.count, radix: 16).utf8) + Data("\r\n".utf8) + piece + Data("\r\n".utf8))
                    if reply.gap > 0 { Thread.sleep(forTimeInterval: reply.gap) }
                }
                write(Data("0\r\n\r\n".utf8))
            } else {
                write(Data((head + "Content-Length: \(body.count)\r\n\r\n").utf8) + body)
            }
        }
    }

    private func read(_ fd: Int32) -> Request? {
        var buffer = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 65536)
        var headEnd: Int?
        var length = 0
        while true {
            if let h = headEnd, buffer.count >= h + 4 + length { break }
            let n = recv(fd, &chunk, chunk.count, 0)
            if n <= 0 { return nil }
            buffer += chunk[0..<n]
            if headEnd == nil, let end = buffer.indices.dropLast(3).first(where: { buffer[$0] == 13 && buffer[$0 + 1] == 10 && buffer[$0 + 2] == 13 && buffer[$0 + 3] == 10 }) {
                headEnd = end
                let text = String(decoding: buffer[..<end], as: UTF8.self)
                for line in text.components(separatedBy: "\r\n") where line.lowercased().hasPrefix("content-length:") {
                    length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
                }
            }
        }
        let lines = String(decoding: buffer[..<headEnd!], as: UTF8.self).components(separatedBy: "\r\n")
        let first = lines[0].split(separator: " ")
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Request(method: String(first[0]), path: String(first[1]), headers: headers, body: Data(buffer[(headEnd! + 4)...]))
    }
}

/// A chat-completions reply whose assistant message is `content`.
func completion(_ content: String) -> String {
    let object: [String: Any] = [
        "id": "chatcmpl-test", "object": "chat.completion", "model": "test-model",
        "choices": [["index": 0, "message": ["role": "assistant", "content": content], "finish_reason": "stop"]],
    ]
    return String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
}

/// A streamed chat-completions reply (server-sent events) whose deltas spell `parts`, ending with
/// `data: [DONE]` unless `done` is false.
func streamedCompletion(_ parts: [String], done: Bool = true) -> String {
    let events = parts.map { part -> String in
        let object: [String: Any] = ["id": "chatcmpl-test", "object": "chat.completion.chunk", "model": "test-model",
                                     "choices": [["index": 0, "delta": ["content": part], "finish_reason": NSNull()]]]
        return "data: " + String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self) + "\n\n"
    }
    return events.joined() + (done ? "data: [DONE]\n\n" : "")
}

/// The messages of a chat-completions request.
func messages(_ request: LoopbackServer.Request) -> [[String: String]] {
    let object = try? JSONSerialization.jsonObject(with: request.body) as? [String: Any]
    return object?["messages"] as? [[String: String]] ?? []
}
