import Foundation
import MILPKit
import Testing

/// The repository root, found from this file's location (tests do not depend on the cwd).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// One bundled instance and its known answer (instances/optimal-values.csv).
struct KnownInstance: CustomStringConvertible, Sendable {
    let name: String
    let set: String
    let objective: Double?
    let infeasible: Bool
    var path: String { repositoryRoot.appendingPathComponent("instances/\(set)/\(name).mps.gz").path }
    var description: String { "\(set)/\(name)" }
}

let knownInstances: [KnownInstance] = {
    let text = try! String(contentsOf: repositoryRoot.appendingPathComponent("instances/optimal-values.csv"), encoding: .utf8)
    return text.split(whereSeparator: \.isNewline).dropFirst().map { line in
        let fields = line.split(separator: ",", maxSplits: 4, omittingEmptySubsequences: false).map(String.init)
        return KnownInstance(name: fields[0], set: fields[3], objective: Double(fields[1]), infeasible: fields[2] == "inf")
    }
}()

/// Instances the test suite solves to optimality; the rest are kept for limit tests.
let hardInstances: Set<String> = ["stein45", "markshare1", "markshare_4_0", "pk1", "noswot"]

/// |a − b| ≤ 1e-6 · max(1, |b|)
func agrees(_ a: Double?, _ b: Double?) -> Bool {
    guard let a, let b else { return false }
    return abs(a - b) <= 1e-6 * max(1, abs(b))
}

/// A scratch directory removed at process exit.
let scratchDirectory: URL = {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("milpkit-tests-\(getpid())")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    atexit { try? FileManager.default.removeItem(atPath: FileManager.default.temporaryDirectory.appendingPathComponent("milpkit-tests-\(getpid())").path) }
    return url
}()

/// Parses MPS text given inline; also parses it with COLUMNS split between two threads and
/// records an issue unless that gives the same model or the same error.
func parseMPS(_ text: String, name: String = "inline.mps", sourceLocation: SourceLocation = #_sourceLocation) throws -> Model {
    let bytes = Array(text.utf8)
    let whole = Result { try MPSReader(columnsSplitSize: .max).parse(bytes, name: name) }
    let split = Result { try MPSReader(columnsSplitSize: 0).parse(bytes, name: name) }
    switch (whole, split) {
    case (.success(let a), .success(let b)):
        if let difference = sameModel(a, b) { Issue.record("read in two parts: \(difference)", sourceLocation: sourceLocation) }
    case (.failure(let a), .failure(let b)):
        #expect("\(a)" == "\(b)", "read in two parts: another error", sourceLocation: sourceLocation)
    default:
        Issue.record("read in two parts: \(whole) against \(split)", sourceLocation: sourceLocation)
    }
    return try whole.get()
}

/// Runs a program with no standard input and returns (exit code, stdout, stderr); killed after
/// `timeout` seconds.
func run(_ executable: String, _ arguments: [String], timeout: Double = 120, environment: [String: String] = [:]) throws -> (Int32, String, String) {
    let process = try start(executable, arguments, environment: environment)
    let deadline = Date().addingTimeInterval(timeout)
    while process.process.isRunning && Date() < deadline { usleep(5_000) }
    if process.process.isRunning { process.process.terminate() }
    process.process.waitUntilExit()
    return (process.process.terminationStatus, process.output(), process.errors())
}

/// A started child process whose output goes to files (no pipe can fill up and block it).
struct StartedProcess {
    let process: Process
    let stdoutPath: String
    let stderrPath: String
    func output() -> String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    func errors() -> String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }
}

func start(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> StartedProcess {
    let id = UUID().uuidString
    let out = scratchDirectory.appendingPathComponent("\(id).out").path
    let err = scratchDirectory.appendingPathComponent("\(id).err").path
    _ = FileManager.default.createFile(atPath: out, contents: nil)
    _ = FileManager.default.createFile(atPath: err, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
    try process.run()
    return StartedProcess(process: process, stdoutPath: out, stderrPath: err)
}

/// True when two models are the same: sense, constant, columns (name, bounds, integrality,
/// semi-continuity, objective), rows (name, bounds, entries as a column→value map), SOS sets.
func sameModel(_ a: Model, _ b: Model) -> String? {
    if a.sense != b.sense { return "sense \(a.sense) vs \(b.sense)" }
    if a.objectiveConstant != b.objectiveConstant { return "constant \(a.objectiveConstant) vs \(b.objectiveConstant)" }
    if a.variableCount != b.variableCount { return "columns \(a.variableCount) vs \(b.variableCount)" }
    if a.constraintCount != b.constraintCount { return "rows \(a.constraintCount) vs \(b.constraintCount)" }
    for j in 0..<a.variableCount {
        let va = a.variable(at: j), vb = b.variable(at: j)
        if a.name(of: va) != b.name(of: vb) { return "column \(j) name \(a.name(of: va)) vs \(b.name(of: vb))" }
        if a.lowerBounds[j] != b.lowerBounds[j] || a.upperBounds[j] != b.upperBounds[j] {
            return "column \(a.name(of: va)) bounds [\(a.lowerBounds[j]), \(a.upperBounds[j])] vs [\(b.lowerBounds[j]), \(b.upperBounds[j])]"
        }
        if a.kinds[j].isIntegral != b.kinds[j].isIntegral || (a.kinds[j] == .semiContinuous) != (b.kinds[j] == .semiContinuous) {
            return "column \(a.name(of: va)) kind \(a.kinds[j]) vs \(b.kinds[j])"
        }
        if a.objectiveCoefficients[j] != b.objectiveCoefficients[j] { return "column \(a.name(of: va)) objective differs" }
    }
    for r in 0..<a.constraintCount {
        let ca = a.constraint(at: r), cb = b.constraint(at: r)
        if a.name(of: ca) != b.name(of: cb) { return "row \(r) name \(a.name(of: ca)) vs \(b.name(of: cb))" }
        if a.rowLowerBounds[r] != b.rowLowerBounds[r] || a.rowUpperBounds[r] != b.rowUpperBounds[r] {
            return "row \(a.name(of: ca)) bounds [\(a.rowLowerBounds[r]), \(a.rowUpperBounds[r])] vs [\(b.rowLowerBounds[r]), \(b.rowUpperBounds[r])]"
        }
        let ra = a.row(ca), rb = b.row(cb)
        let ma = Dictionary(uniqueKeysWithValues: zip(ra.columns, ra.coefficients))
        let mb = Dictionary(uniqueKeysWithValues: zip(rb.columns, rb.coefficients))
        if ma != mb { return "row \(a.name(of: ca)) entries differ" }
    }
    if a.sosConstraints != b.sosConstraints { return "SOS sets differ" }
    return nil
}
