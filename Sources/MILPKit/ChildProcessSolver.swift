import Foundation
import MILP
import MILPBench
import MILPFormats

/// Runs every solve of a solver in a child process (`milp solve`): a crash of the solver library
/// costs that one solve, not the caller, and several solves can run at once — CBC's and GLPK's C
/// libraries are not known to be thread-safe in one process. Used by the LNS for its repairs.
///
/// The lowered model goes to the child as a free MPS file (exact: numbers are written with
/// round-trip precision), the MIP start as a `.sol` file; the child's JSON report and `.sol` file
/// come back. Costs a process start and a file round trip per solve (milliseconds for models with
/// tens of thousands of nonzeros).
public struct ChildProcessSolver: Solver {
    /// The solver the child runs ("cbc", "glpk" or "clp").
    public let solverName: String
    /// The `milp` executable.
    public let executable: String
    private let inner: any Solver

    /// Runs `solverName` through `executable` (a `milp` binary). Nil when the solver is unknown.
    public init?(_ solverName: String, executable: String) {
        guard let inner = Solvers.named(solverName) else { return nil }
        self.solverName = inner.name
        self.executable = executable
        self.inner = inner
    }

    /// The inner solver's name ("cbc", "glpk" or "clp").
    public var name: String { inner.name }
    /// The inner solver's version, as linked into this process (assumed to match the child's).
    public var version: String { inner.version }
    /// The inner solver's capabilities without `.duals`: the child's report carries no duals.
    public var capabilities: SolverCapabilities { inner.capabilities.subtracting(.duals) }
    /// Always true: each solve runs in its own process.
    public var allowsConcurrentSolves: Bool { true }
    /// Always true: the child's `milp solve` confirms its statuses and checks its points.
    public var reportsConfirmedOutputs: Bool { true }

    /// Runs `milp solve` on `form` in a child process and reads back its report; a crash, a hang past
    /// the deadline or a missing report becomes an `.error` or `.limitReached` output instead of a throw.
    public func solve(_ form: StandardForm, options: SolveOptions) -> SolverOutput {
        do {
            return try solveInChild(form, options: options)
        } catch {
            var output = SolverOutput(termination: .error, bestBound: form.sense == .minimize ? -.infinity : .infinity)
            output.message = "\(error)"
            return output
        }
    }

    /// Scratch folders are named `milp-child-PID-UUID` after the process that owns them.
    public static let scratchPrefix = "milp-child-"

    /// Removes the scratch folders in `folder` whose owning process is gone (a parent killed before
    /// its cleanup ran); returns their names.
    @discardableResult
    public static func removeStaleScratch(in folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { name in
            guard name.hasPrefix(scratchPrefix),
                  let pid = name.dropFirst(scratchPrefix.count).split(separator: "-").first.flatMap({ Int32($0) }),
                  pid > 0, kill(pid, 0) != 0, errno == ESRCH else { return false }
            return (try? FileManager.default.removeItem(atPath: folder + "/" + name)) != nil
        }
    }

    /// Once per process, before the first scratch folder or worker error file.
    static let staleScratchRemoved: Void = {
        removeStaleScratch(in: FileManager.default.temporaryDirectory.path)
    }()

    private func solveInChild(_ form: StandardForm, options: SolveOptions) throws -> SolverOutput {
        Self.staleScratchRemoved
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(Self.scratchPrefix)\(getpid())-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let modelPath = directory + "/model.mps", solutionPath = directory + "/solution.sol"
        let model = Self.model(of: form)
        try MPSWriter(layout: .free).write(model, to: modelPath)

        var arguments = ["solve", modelPath, "--solver", solverName, "--json", "--solution", solutionPath]
        if options.useStart && !form.start.isEmpty {
            var start = [Double](repeating: 0, count: form.columnCount)
            for (column, value) in form.start { start[Int(column)] = value }
            let startPath = directory + "/start.sol"
            try SolutionFile.write(model, values: start, to: startPath)
            arguments += ["--mip-start", startPath]
        }
        if let t = options.timeLimit { arguments += ["--time-limit", "\(max(t, 0.01))"] }
        if let g = options.relativeGap { arguments += ["--gap", "\(g)"] }
        if let g = options.absoluteGap { arguments += ["--absolute-gap", "\(g)"] }
        if let n = options.threads { arguments += ["--threads", "\(n)"] }
        if let n = options.nodeLimit { arguments += ["--node-limit", "\(n)"] }
        if let n = options.solutionLimit { arguments += ["--solution-limit", "\(n)"] }
        if let s = options.seed { arguments += ["--seed", "\(s)"] }
        if options.preprocessing == false { arguments.append("--no-preprocessing") }
        // The child keeps its own deadline; this one only catches a child that hangs.
        let deadline = (options.timeLimit ?? 86_400) * 1.1 + 5
        let outcome = try runChild(executable, arguments, deadline: deadline, scratch: directory,
                                   environment: ["MILP_DIE_WITH_PARENT=1"], interrupt: options.interrupt)

        let unbounded = form.sense == .minimize ? -Double.infinity : .infinity
        guard !outcome.killedAtDeadline else {
            var output = SolverOutput(termination: .limitReached, limit: .time, bestBound: unbounded)
            output.message = "the \(solverName) child process ran past its deadline and was killed"
            return output
        }
        if let signal = outcome.signal {
            var output = SolverOutput(termination: .error, bestBound: unbounded)
            output.message = "the \(solverName) child process crashed (signal \(signal))"
            return output
        }
        guard let data = outcome.standardOutput.data(using: .utf8),
              let report = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let status = (report["status"] as? String).flatMap(TerminationReason.init(rawValue:)) else {
            var output = SolverOutput(termination: .error, bestBound: unbounded)
            output.message = "the \(solverName) child process gave no report (exit \(outcome.exitCode ?? -1)): "
                + outcome.standardError.suffix(300)
            return output
        }
        var output = SolverOutput(termination: status, limit: (report["limit"] as? String).flatMap(SolveLimit.init(rawValue:)),
                                  bestBound: ((report["bound"] as? Double) ?? unbounded) - form.objectiveConstant)
        output.nodes = report["nodes"] as? Int ?? 0
        output.incumbentTrace = (report["incumbent_trace"] as? [[Double]])?.map { [$0[0], $0[1] - form.objectiveConstant] }
        output.message = report["message"] as? String
        if report["has_solution"] as? Bool == true {
            output.values = try SolutionFile.read(path: solutionPath, for: model).values
        }
        return output
    }

    /// The lowered model as a model (rows from the column-major matrix; default names).
    static func model(of form: StandardForm) -> Model {
        var data = SparseModelData()
        data.sense = form.sense
        data.objectiveConstant = form.objectiveConstant
        data.lowerBounds = form.columnLower
        data.upperBounds = form.columnUpper
        data.kinds = form.isInteger.map { $0 ? .integer : .continuous }
        data.objective = form.objective
        (data.rowStarts, data.rowColumns, data.rowCoefficients) =
            rowMajor(columnStarts: form.columnStarts, rowIndices: form.rowIndices, values: form.values, rowCount: form.rowCount)
        data.rowLowerBounds = form.rowLower
        data.rowUpperBounds = form.rowUpper
        data.sos = form.sos
        return Model(data)
    }
}
