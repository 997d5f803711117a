import Foundation
import MILP
#if canImport(Glibc)
import Glibc
#endif

/// The messages between ``WorkerPoolSolver`` and its `milp worker` processes, as binary frames on
/// a Unix socket: an 8-byte length, then the payload. Numbers travel as their bit patterns in the
/// machine's byte order (both ends are the same binary on the same machine), so a model arrives
/// exactly as it was sent, without a text format to write and parse.
package enum WorkerFrames {
    /// A solve request: the lowered model, its MIP start and the options a child honours.
    package static func request(_ form: StandardForm, options: SolveOptions) -> [UInt8] {
        var w = FrameWriter()
        w.int(form.columnCount)
        w.int(form.rowCount)
        w.array(form.columnStarts)
        w.array(form.rowIndices)
        w.array(form.values)
        w.array(form.columnLower)
        w.array(form.columnUpper)
        w.array(form.isInteger.map { UInt8($0 ? 1 : 0) })
        w.array(form.objective)
        w.double(form.objectiveConstant)
        w.bool(form.sense == .maximize)
        w.array(form.rowLower)
        w.array(form.rowUpper)
        w.int(form.sos.count)
        for set in form.sos {
            w.int(set.type.rawValue)
            w.array(set.columns)
            w.array(set.weights)
        }
        w.array(form.start.map(\.column))
        w.array(form.start.map(\.value))
        w.optional(options.timeLimit)
        w.optional(options.relativeGap)
        w.optional(options.absoluteGap)
        w.optional(options.nodeLimit.map(Double.init))
        w.optional(options.solutionLimit.map(Double.init))
        w.optional(options.threads.map(Double.init))
        w.optional(options.seed.map(Double.init))
        w.optional(options.preprocessing.map { $0 ? 1 : 0 })
        w.optional(options.presolve.map { $0 ? 1 : 0 })
        w.bool(options.useStart)
        // Whether the worker sends progress frames, and how often.
        w.bool(options.progress != nil || options.onIncumbent != nil)
        w.double(options.progressInterval)
        return w.bytes
    }

    /// The model and options of a request (the options without an interrupt flag or callbacks), and
    /// whether the parent wants progress frames.
    package static func readRequest(_ bytes: [UInt8]) throws -> (model: Model, options: SolveOptions, wantsProgress: Bool) {
        var r = FrameReader(bytes)
        var data = SparseModelData()
        let columnCount = try r.count(), rowCount = try r.count()
        let columnStarts: [Int32] = try r.array(), rowIndices: [Int32] = try r.array()
        let values: [Double] = try r.array()
        data.lowerBounds = try r.array()
        data.upperBounds = try r.array()
        data.kinds = try (r.array() as [UInt8]).map { $0 != 0 ? .integer : .continuous }
        data.objective = try r.array()
        data.objectiveConstant = try r.double()
        data.sense = try r.bool() ? .maximize : .minimize
        data.rowLowerBounds = try r.array()
        data.rowUpperBounds = try r.array()
        for _ in 0..<(try r.count()) {
            guard let type = SOSConstraint.SOSType(rawValue: try r.int()) else { throw FrameError("unknown SOS type") }
            data.sos.append(SOSConstraint(type: type, columns: try r.array(), weights: try r.array()))
        }
        let startColumns: [Int32] = try r.array(), startValues: [Double] = try r.array()
        var options = SolveOptions()
        options.timeLimit = try r.optional()
        options.relativeGap = try r.optional()
        options.absoluteGap = try r.optional()
        options.nodeLimit = try r.optional().map { Int($0) }
        options.solutionLimit = try r.optional().map { Int($0) }
        options.threads = try r.optional().map { Int($0) }
        options.seed = try r.optional().map { Int($0) }
        options.preprocessing = try r.optional().map { $0 != 0 }
        options.presolve = try r.optional().map { $0 != 0 }
        options.useStart = try r.bool()
        let wantsProgress = try r.bool()
        options.progressInterval = try r.double()
        try r.end()

        let sized = [data.lowerBounds.count, data.upperBounds.count, data.kinds.count, data.objective.count]
        guard columnStarts.count == columnCount + 1, sized.allSatisfy({ $0 == columnCount }),
              data.rowLowerBounds.count == rowCount, data.rowUpperBounds.count == rowCount,
              rowIndices.count == values.count, startColumns.count == startValues.count,
              columnStarts.first == 0, Int(columnStarts.last!) == values.count,
              zip(columnStarts, columnStarts.dropFirst()).allSatisfy({ $0 <= $1 }),
              rowIndices.allSatisfy({ $0 >= 0 && Int($0) < rowCount }),
              startColumns.allSatisfy({ $0 >= 0 && Int($0) < columnCount }) else {
            throw FrameError("inconsistent model sizes")
        }
        (data.rowStarts, data.rowColumns, data.rowCoefficients) =
            rowMajor(columnStarts: columnStarts, rowIndices: rowIndices, values: values, rowCount: rowCount)
        var model = Model(data)
        if !startColumns.isEmpty {
            var start = [Double](repeating: 0, count: columnCount)
            for (column, value) in zip(startColumns, startValues) { start[Int(column)] = value }
            model.setStart(values: start)
        }
        return (model, options, wantsProgress)
    }

    /// A reply: `result`'s status, point, bound and trace, the bound and trace without the
    /// objective constant (as `SolverOutput` has them).
    package static func reply(_ result: SolveResult, objectiveConstant: Double) -> [UInt8] {
        var output = SolverOutput(termination: result.termination, limit: result.limit, values: result.values,
                                  bestBound: result.bestBound - objectiveConstant)
        output.nodes = result.nodes
        output.iterations = result.iterations
        output.incumbentTrace = result.incumbentTrace?.map { [$0[0], $0[1] - objectiveConstant] }
        output.message = result.message
        return reply(output)
    }

    /// A reply for a request the worker could not serve.
    package static func failure(_ message: String) -> [UInt8] {
        var output = SolverOutput(termination: .error, bestBound: .nan)
        output.message = message
        return reply(output)
    }

    private static func reply(_ output: SolverOutput) -> [UInt8] {
        var w = FrameWriter()
        w.bool(false)
        w.string(output.termination.rawValue)
        w.string(output.limit?.rawValue ?? "")
        w.double(output.bestBound)
        w.int(output.nodes)
        w.optional(output.iterations.map(Double.init))
        w.bool(output.values != nil)
        w.array(output.values ?? [])
        let trace = output.incumbentTrace ?? []
        w.array(trace.map { $0[0] })
        w.array(trace.map { $0[1] })
        w.string(output.message ?? "")
        return w.bytes
    }

    /// A snapshot of the search, sent while it runs; `improved` when the incumbent is new
    /// (`SolveOptions.onIncumbent`), else a periodic report (`SolveOptions.progress`).
    package static func progress(_ state: SolveProgress, improved: Bool) -> [UInt8] {
        var w = FrameWriter()
        w.bool(true)
        w.bool(improved)
        w.double(state.seconds)
        w.optional(state.incumbent)
        w.double(state.bestBound)
        w.int(state.nodes)
        w.optional(state.iterations.map(Double.init))
        return w.bytes
    }

    /// A frame from a worker: a progress snapshot during the solve, or the reply that ends it.
    package enum Message {
        case progress(SolveProgress, improved: Bool)
        case reply(SolverOutput)
    }

    /// The message a frame from a worker carries.
    package static func readMessage(_ bytes: [UInt8]) throws -> Message {
        var r = FrameReader(bytes)
        guard try r.bool() else { return .reply(try readReply(&r)) }
        let improved = try r.bool()
        var state = SolveProgress(seconds: try r.double(), incumbent: try r.optional(), bestBound: try r.double(), nodes: try r.int())
        state.iterations = try r.optional().map { Int($0) }
        try r.end()
        return .progress(state, improved: improved)
    }

    private static func readReply(_ r: inout FrameReader) throws -> SolverOutput {
        guard let termination = TerminationReason(rawValue: try r.string()) else { throw FrameError("unknown status") }
        let limitName = try r.string()
        var output = SolverOutput(termination: termination, limit: SolveLimit(rawValue: limitName), bestBound: try r.double())
        output.nodes = try r.int()
        output.iterations = try r.optional().map { Int($0) }
        let hasValues = try r.bool()
        let values: [Double] = try r.array()
        output.values = hasValues ? values : nil
        let times: [Double] = try r.array(), objectives: [Double] = try r.array()
        output.incumbentTrace = times.isEmpty ? nil : zip(times, objectives).map { [$0, $1] }
        let message = try r.string()
        output.message = message.isEmpty ? nil : message
        try r.end()
        return output
    }
}

/// The row-major arrays (`SparseModelData`'s) of a column-major matrix.
package func rowMajor(columnStarts: [Int32], rowIndices: [Int32], values: [Double], rowCount: Int)
    -> (starts: [Int], columns: [Int32], coefficients: [Double]) {
    var starts = [Int](repeating: 0, count: rowCount + 1)
    for r in rowIndices { starts[Int(r) + 1] += 1 }
    for r in 0..<rowCount { starts[r + 1] += starts[r] }
    var next = starts
    var columns = [Int32](repeating: 0, count: values.count)
    var coefficients = [Double](repeating: 0, count: values.count)
    for j in 0..<(columnStarts.count - 1) {
        for k in Int(columnStarts[j])..<Int(columnStarts[j + 1]) {
            let r = Int(rowIndices[k])
            columns[next[r]] = Int32(j)
            coefficients[next[r]] = values[k]
            next[r] += 1
        }
    }
    return (starts, columns, coefficients)
}

/// A malformed frame (a bug or a dying peer, never user input).
package struct FrameError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = "worker frame: " + description }
}

private struct FrameWriter {
    var bytes: [UInt8] = []
    mutating func int(_ x: Int) { withUnsafeBytes(of: Int64(x)) { bytes += $0 } }
    mutating func double(_ x: Double) { withUnsafeBytes(of: x) { bytes += $0 } }
    mutating func bool(_ x: Bool) { bytes.append(x ? 1 : 0) }
    mutating func optional(_ x: Double?) {
        bool(x != nil)
        double(x ?? 0)
    }
    mutating func string(_ s: String) { array(Array(s.utf8)) }
    mutating func array<T: BitwiseCopyable>(_ a: [T]) {
        int(a.count)
        a.withUnsafeBytes { bytes += $0 }
    }
}

private struct FrameReader {
    let bytes: [UInt8]
    var offset = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func take(_ n: Int) throws -> ArraySlice<UInt8> {
        guard n >= 0, n <= bytes.count - offset else { throw FrameError("truncated") }
        defer { offset += n }
        return bytes[offset..<offset + n]
    }
    mutating func scalar<T: BitwiseCopyable>(_: T.Type) throws -> T {
        try take(MemoryLayout<T>.size).withUnsafeBytes { $0.loadUnaligned(as: T.self) }
    }
    mutating func int() throws -> Int { Int(try scalar(Int64.self)) }
    mutating func count() throws -> Int {
        let n = try int()
        guard n >= 0, n <= bytes.count else { throw FrameError("bad count \(n)") }
        return n
    }
    mutating func double() throws -> Double { try scalar(Double.self) }
    mutating func bool() throws -> Bool { try take(1).first! != 0 }
    mutating func optional() throws -> Double? {
        let present = try bool(), value = try double()
        return present ? value : nil
    }
    mutating func string() throws -> String { String(decoding: try array() as [UInt8], as: UTF8.self) }
    mutating func array<T: BitwiseCopyable>() throws -> [T] {
        let n = try count()
        let (size, overflow) = n.multipliedReportingOverflow(by: MemoryLayout<T>.stride)
        guard !overflow else { throw FrameError("bad count \(n)") }
        let raw = try take(size)
        return [T](unsafeUninitializedCapacity: n) { buffer, initialized in
            raw.withUnsafeBytes { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: $0) }
            initialized = n
        }
    }
    func end() throws {
        guard offset == bytes.count else { throw FrameError("\(bytes.count - offset) bytes left over") }
    }
}

/// Writes one frame (length, payload) to `socket`; false when the peer is gone. Never raises
/// SIGPIPE (`MSG_NOSIGNAL`).
package func sendFrame(_ payload: [UInt8], on socket: Int32) -> Bool {
    var length = Int64(payload.count)
    let header = withUnsafeBytes(of: &length) { Array($0) }
    return sendAll(header, on: socket) && sendAll(payload, on: socket)
}

private func sendAll(_ bytes: [UInt8], on socket: Int32) -> Bool {
    var sent = 0
    while sent < bytes.count {
        let n = bytes.withUnsafeBytes { send(socket, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { return false }
        sent += n
    }
    return true
}

/// Reads one frame from `socket`: nil at end of stream before a frame starts; throws when the
/// stream ends or fails inside one.
package func receiveFrame(on socket: Int32) throws -> [UInt8]? {
    var header = [UInt8](repeating: 0, count: 8)
    guard try receiveAll(&header, on: socket, endAllowed: true) else { return nil }
    let length = header.withUnsafeBytes { $0.loadUnaligned(as: Int64.self) }
    guard length >= 0, length < 1 << 40 else { throw FrameError("bad length \(length)") }
    var payload = [UInt8](repeating: 0, count: Int(length))
    _ = try receiveAll(&payload, on: socket, endAllowed: false)
    return payload
}

private func receiveAll(_ buffer: inout [UInt8], on socket: Int32, endAllowed: Bool) throws -> Bool {
    var received = 0
    let count = buffer.count
    while received < count {
        let n = buffer.withUnsafeMutableBytes { read(socket, $0.baseAddress! + received, count - received) }
        if n < 0 && errno == EINTR { continue }
        if n < 0 { throw FrameError("read failed: \(String(cString: strerror(errno)))") }
        if n == 0 {
            if received == 0 && endAllowed { return false }
            throw FrameError("stream ended inside a frame")
        }
        received += n
    }
    return true
}
